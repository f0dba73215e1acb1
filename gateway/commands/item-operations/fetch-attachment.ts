/**
 * Fetch by FileReference (MS-ASCMD 2.2.1.10, MS-ASAIRS 2.2.2.24): Properties with
 * AirSyncBase:ContentType, for a Range request the Range actually sent and the Total size, and
 * the content (inline Data or multipart Part, placed by the response builder).
 */
import { el, type WbxmlElement } from '../../../codec/index.js';
import type { CommandContext } from '../types.js';
import { attachmentPayload, resolveAttachment } from './attachment.js';
import type { PayloadSlot } from './payload.js';
import { IO, type FetchTarget } from './request.js';
import { ItemOperationsStatus } from './status.js';

const ASB = 'AirSyncBase';

export interface FetchOutcome {
  readonly element: WbxmlElement;
  readonly slot?: PayloadSlot;
  /** Short reason for the log when the Status is not Success. */
  readonly reason?: string;
}

type AttachmentTarget = Extract<FetchTarget, { kind: 'attachment' }>;

export function fetchFailure(status: number, echo: readonly WbxmlElement[], reason: string): FetchOutcome {
  return { element: el(IO, 'Fetch', [el(IO, 'Status', status), ...echo]), reason };
}

/** `budget` is how many payload bytes the response can still take (multipart offsets are 32-bit). */
export async function fetchAttachment(ctx: CommandContext, target: AttachmentTarget, budget: number): Promise<FetchOutcome> {
  const echo = [el(ASB, 'FileReference', target.fileReference)];
  const att = await resolveAttachment(ctx, target.fileReference);
  if (!att) return fetchFailure(ItemOperationsStatus.InvalidAttachment, echo, 'attachment not found');
  const total = att.info.size;
  let start = 0;
  let length = total;
  const props: WbxmlElement[] = [el(ASB, 'ContentType', att.info.contentType)];
  if (target.range) {
    // A range running past the end is cut at the end, as Exchange does; one starting past it is refused.
    if (target.range.first >= total) return fetchFailure(ItemOperationsStatus.InvalidRange, echo, `range starts at ${target.range.first} of ${total} bytes`);
    start = target.range.first;
    length = Math.min(target.range.last, total - 1) - start + 1;
    props.push(el(IO, 'Range', `${start}-${start + length - 1}`), el(IO, 'Total', total));
  }
  if (length > budget) return fetchFailure(ItemOperationsStatus.TooLarge, echo, `${length} bytes do not fit the response`);
  const properties = el(IO, 'Properties', props);
  return {
    element: el(IO, 'Fetch', [el(IO, 'Status', ItemOperationsStatus.Success), ...echo, properties]),
    slot: { holder: properties, payload: attachmentPayload(ctx, att, { start, length }) },
  };
}
