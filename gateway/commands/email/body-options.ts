/**
 * The body options a client sends inside Sync Options, ItemOperations Fetch Options and Search
 * Options (airsyncbase:BodyPreference, airsync:MIMESupport, and 2.5's Truncation codes), read
 * once here so the three commands agree on defaults and bounds.
 */
import { child, children, intOf, boolOf, type WbxmlElement } from '../../../codec/index.js';
import type { BodyPreference, BodyRequest } from '../../convert/email/body-plan.js';
import type { BodyType } from '../../items/email.js';

/** A value outside what MS-ASAIRS/MS-ASCMD allow; the caller answers with its command's protocol-error Status. */
export class BodyOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyOptionsError';
  }
}

const BODY_TYPES = new Set([1, 2, 3, 4]);

/**
 * `options` is the Options element (or undefined when the client sent none). MIMESupport and the
 * 2.5 truncation codes live in AirSync, or in ItemOperations/Search Options in the AirSync
 * namespace too, so one reader serves all. RTF (3) is accepted and answered as plain text by the
 * body planner, as Exchange does for clients that ask for it first.
 */
export function parseBodyRequest(options: WbxmlElement | undefined): BodyRequest {
  if (!options) return {};
  const prefs: BodyPreference[] = [];
  for (const p of children(options, 'AirSyncBase', 'BodyPreference')) {
    const type = intOf(p, 'AirSyncBase', 'Type');
    if (type === undefined || !BODY_TYPES.has(type)) throw new BodyOptionsError(`BodyPreference Type ${type ?? '(missing)'} is not 1-4`);
    const truncationSize = intOf(p, 'AirSyncBase', 'TruncationSize');
    if (truncationSize !== undefined && truncationSize < 0) throw new BodyOptionsError('TruncationSize is negative');
    const preview = intOf(p, 'AirSyncBase', 'Preview');
    if (preview !== undefined && (preview < 0 || preview > 255)) throw new BodyOptionsError('Preview is not 0-255');
    const allOrNone = boolOf(p, 'AirSyncBase', 'AllOrNone');
    prefs.push({
      type: type as BodyType,
      ...(truncationSize !== undefined ? { truncationSize } : {}),
      ...(allOrNone !== undefined ? { allOrNone } : {}),
      ...(preview !== undefined ? { preview } : {}),
    });
  }
  const mimeSupport = intOf(options, 'AirSync', 'MIMESupport');
  if (mimeSupport !== undefined && mimeSupport !== 0 && mimeSupport !== 1 && mimeSupport !== 2) throw new BodyOptionsError('MIMESupport is not 0-2');
  const truncation = intOf(options, 'AirSync', 'Truncation');
  if (truncation !== undefined && (truncation < 0 || truncation > 9)) throw new BodyOptionsError('Truncation is not 0-9');
  const mimeTruncation = intOf(options, 'AirSync', 'MIMETruncation');
  if (mimeTruncation !== undefined && (mimeTruncation < 0 || mimeTruncation > 8)) throw new BodyOptionsError('MIMETruncation is not 0-8');
  return {
    ...(prefs.length > 0 ? { bodyPreferences: prefs } : {}),
    ...(mimeSupport !== undefined ? { mimeSupport: mimeSupport as 0 | 1 | 2 } : {}),
    ...(truncation !== undefined ? { truncation } : {}),
    ...(mimeTruncation !== undefined ? { mimeTruncation } : {}),
  };
}

/** Whether the Options element asks for anything body related (an empty Options keeps the defaults). */
export function hasBodyOptions(options: WbxmlElement | undefined): boolean {
  return options !== undefined && (child(options, 'AirSyncBase', 'BodyPreference') !== undefined || child(options, 'AirSync', 'MIMESupport') !== undefined);
}
