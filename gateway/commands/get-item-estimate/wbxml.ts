/**
 * GetItemEstimate requests and responses (MS-ASCMD 2.2.1.9) as typed values.
 *
 * Request shapes by version (all accepted at every version; clients mix them):
 * - 2.5, 12.x: Collection (Class, CollectionId, airsync:FilterType, airsync:SyncKey), the class
 *   and filter directly in the collection;
 * - 14.0+:     Collection (airsync:SyncKey, CollectionId, airsync:ConversationMode,
 *   airsync:Options (airsync:Class, airsync:FilterType, airsync:MaxItems)*), one Options per class.
 * Response (GetItemEstimateResponse.xsd): Response* (Status, Collection (CollectionId, Estimate)).
 */
import { accessorsFor, el, SchemaError, type WbxmlElement } from '../../../codec/index.js';
import { EasStatusError } from '../../errors.js';
import { compareVersions, type CommandRequest, type ProtocolVersion } from '../types.js';

const NS = 'GetItemEstimate';
const gie = accessorsFor(NS);
const as = accessorsFor('AirSync');

export const Status = {
  Success: 1,
  InvalidCollection: 2,
  NotPrimed: 3,
  InvalidSyncKey: 4,
  /** MS-ASCMD 2.2.2 common status (14.0+): the XML does not follow the protocol's requirements. */
  InvalidXml: 103,
} as const;

/** MS-ASCMD 2.2.3.31.1: one to 300 Collection elements. */
export const MAX_COLLECTIONS = 300;

export interface EstimateCollectionRequest {
  readonly collectionId: string;
  readonly syncKey: string;
  /** The class asked about (Email, Calendar, ...); undefined when the client named none. */
  readonly className?: string;
  readonly filterType?: number;
  readonly conversationMode?: boolean;
}

/** A request that cannot be read: top-level Status 103 from 14.0 on, 2 before (it has no other). */
export function protocolErrorStatus(version: ProtocolVersion): number {
  return compareVersions(version, '14.0') >= 0 ? Status.InvalidXml : Status.InvalidCollection;
}

export function parseGetItemEstimate(request: CommandRequest, version: ProtocolVersion): EstimateCollectionRequest[] {
  const root = request.kind === 'wbxml' ? request.root : undefined;
  const fail = (why: string, cause?: unknown): never => {
    throw new EasStatusError(protocolErrorStatus(version), `GetItemEstimate: ${why}`, cause ? { cause } : undefined);
  };
  if (!root) return fail('no body');
  if (root.ns !== NS || root.tag !== 'GetItemEstimate') return fail(`root is ${root.ns}:${root.tag}`);
  try {
    const collections = gie.children(gie.requireChild(root, 'Collections'), 'Collection');
    if (collections.length === 0) return fail('no Collection');
    if (collections.length > MAX_COLLECTIONS) return fail(`${collections.length} collections (at most ${MAX_COLLECTIONS})`);
    return collections.map(readCollection);
  } catch (err) {
    if (err instanceof SchemaError || err instanceof MalformedCollection) return fail(err.message, err);
    throw err;
  }
}

class MalformedCollection extends Error {}

function readCollection(c: WbxmlElement): EstimateCollectionRequest {
  const collectionId = gie.requireText(c, 'CollectionId').trim();
  const syncKey = as.requireText(c, 'SyncKey').trim();
  // The response echoes it, and GetItemEstimateResponse.xsd caps it at 64 characters.
  if (!collectionId || collectionId.length > 64) throw new MalformedCollection('CollectionId empty or over 64 characters');
  // 14.0+: Options per class; the one for Email (or without a class) is the mail collection's.
  const options = as.children(c, 'Options');
  const chosen = options.find((o) => (as.textOf(o, 'Class')?.trim() ?? 'Email') === 'Email') ?? options[0];
  const className = (chosen ? as.textOf(chosen, 'Class') : undefined) ?? gie.textOf(c, 'Class') ?? as.textOf(c, 'Class');
  const filterType = (chosen ? as.intOf(chosen, 'FilterType') : undefined) ?? as.intOf(c, 'FilterType');
  const conversationMode = as.boolOf(c, 'ConversationMode');
  return {
    collectionId,
    syncKey,
    ...(className !== undefined ? { className: className.trim() } : {}),
    ...(filterType !== undefined ? { filterType } : {}),
    ...(conversationMode !== undefined ? { conversationMode } : {}),
  };
}

export type CollectionAnswer = { readonly collectionId: string; readonly status: number; readonly estimate?: number };

export function getItemEstimateResponse(answers: readonly CollectionAnswer[]): WbxmlElement {
  return el(NS, 'GetItemEstimate', answers.map((a) => el(NS, 'Response', [
    el(NS, 'Status', a.status),
    el(NS, 'Collection', [el(NS, 'CollectionId', a.collectionId), ...(a.estimate !== undefined ? [el(NS, 'Estimate', a.estimate)] : [])]),
  ])));
}

/** The answer for a failure of the whole request: the command's element with Status alone. */
export function statusResponse(status: number): WbxmlElement {
  return el(NS, 'GetItemEstimate', [el(NS, 'Status', status)]);
}
