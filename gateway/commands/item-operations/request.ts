/**
 * ItemOperations requests (MS-ASCMD 2.2.1.10) as typed operations, in request order: Fetch,
 * EmptyFolderContents and Move, each answered in the same order. A malformed operation becomes
 * an `invalid` one that is answered with its own Status 2, so one bad Fetch does not cost the
 * client the others.
 */
import { child, el, textOf, type WbxmlElement } from '../../../codec/index.js';
import { BodyOptionsError, parseBodyRequest } from '../email/body-options.js';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import { EasStatusError } from '../../errors.js';
import type { CommandRequest } from '../types.js';
import { ItemOperationsStatus } from './status.js';

export const IO = 'ItemOperations';
const AS = 'AirSync';
const ASB = 'AirSyncBase';
const SEARCH = 'Search';

/** Operations per request; Exchange's own limit on Fetch batches is of this order. */
export const MAX_OPERATIONS = 100;

export interface ByteRangeRequest {
  readonly first: number;
  readonly last: number;
}

export type FetchTarget =
  | { readonly kind: 'attachment'; readonly fileReference: string; readonly range?: ByteRangeRequest }
  | { readonly kind: 'item'; readonly collectionId: string; readonly serverId: string; readonly body: BodyRequest; readonly schema?: readonly WbxmlElement[] }
  | { readonly kind: 'longId'; readonly longId: string; readonly body: BodyRequest; readonly schema?: readonly WbxmlElement[] };

export type Operation =
  | { readonly kind: 'fetch'; readonly store: string; readonly target: FetchTarget }
  | { readonly kind: 'empty'; readonly collectionId: string; readonly deleteSubFolders: boolean }
  /** `conversationId` is the request's own element (text or opaque), echoed as sent. */
  | { readonly kind: 'move'; readonly conversationId: WbxmlElement; readonly dstFldId: string }
  /** Answered with `status` in an element named like the request's. */
  | { readonly kind: 'invalid'; readonly tag: 'Fetch' | 'EmptyFolderContents' | 'Move'; readonly status: number; readonly echo: WbxmlElement[]; readonly reason: string };

export function parseItemOperations(request: CommandRequest): Operation[] {
  if (request.kind !== 'wbxml' || !request.root || request.root.ns !== IO || request.root.tag !== 'ItemOperations') {
    throw new EasStatusError(ItemOperationsStatus.ProtocolError, 'ItemOperations needs an ItemOperations document');
  }
  const ops = request.root.children.filter((c) => c.ns === IO);
  if (ops.length === 0 || ops.length > MAX_OPERATIONS) {
    throw new EasStatusError(ItemOperationsStatus.ProtocolError, `ItemOperations with ${ops.length} operations (1..${MAX_OPERATIONS})`);
  }
  return ops.map((op) => {
    switch (op.tag) {
      case 'Fetch':
        return parseFetch(op);
      case 'EmptyFolderContents':
        return parseEmpty(op);
      case 'Move':
        return parseMove(op);
      default:
        throw new EasStatusError(ItemOperationsStatus.ProtocolError, `unknown ItemOperations operation ${op.tag}`);
    }
  });
}

function parseFetch(op: WbxmlElement): Operation {
  const store = textOf(op, IO, 'Store')?.trim() ?? '';
  const fileReference = textOf(op, ASB, 'FileReference');
  const longId = textOf(op, SEARCH, 'LongId');
  const collectionId = textOf(op, AS, 'CollectionId');
  const serverId = textOf(op, AS, 'ServerId');
  const options = child(op, IO, 'Options');
  const echo = [
    ...(collectionId !== undefined ? [el(AS, 'CollectionId', collectionId)] : []),
    ...(serverId !== undefined ? [el(AS, 'ServerId', serverId)] : []),
    ...(longId !== undefined ? [el(SEARCH, 'LongId', longId)] : []),
    ...(fileReference !== undefined ? [el(ASB, 'FileReference', fileReference)] : []),
  ];
  const invalid = (status: number, reason: string): Operation => ({ kind: 'invalid', tag: 'Fetch', status, echo, reason });
  if (!store) return invalid(ItemOperationsStatus.ProtocolError, 'Fetch without Store');
  try {
    if (fileReference !== undefined) {
      const rangeText = options ? textOf(options, IO, 'Range') : undefined;
      const range = rangeText !== undefined ? parseRange(rangeText) : undefined;
      if (rangeText !== undefined && !range) return invalid(ItemOperationsStatus.InvalidRange, `bad Range ${JSON.stringify(rangeText.slice(0, 40))}`);
      return { kind: 'fetch', store, target: { kind: 'attachment', fileReference, ...(range ? { range } : {}) } };
    }
    const body = parseBodyRequest(options);
    const schemaEl = options ? child(options, IO, 'Schema') : undefined;
    const schema = schemaEl && schemaEl.children.length > 0 ? { schema: schemaEl.children } : {};
    if (longId !== undefined) return { kind: 'fetch', store, target: { kind: 'longId', longId, body, ...schema } };
    if (collectionId !== undefined && serverId !== undefined) {
      return { kind: 'fetch', store, target: { kind: 'item', collectionId, serverId, body, ...schema } };
    }
    return invalid(ItemOperationsStatus.ProtocolError, 'Fetch names no FileReference, LongId or CollectionId+ServerId');
  } catch (err) {
    if (err instanceof BodyOptionsError) return invalid(ItemOperationsStatus.ProtocolError, err.message);
    throw err;
  }
}

function parseEmpty(op: WbxmlElement): Operation {
  const collectionId = textOf(op, AS, 'CollectionId');
  if (!collectionId) {
    return { kind: 'invalid', tag: 'EmptyFolderContents', status: ItemOperationsStatus.ProtocolError, echo: [], reason: 'EmptyFolderContents without CollectionId' };
  }
  const options = child(op, IO, 'Options');
  return { kind: 'empty', collectionId, deleteSubFolders: options !== undefined && child(options, IO, 'DeleteSubFolders') !== undefined };
}

function parseMove(op: WbxmlElement): Operation {
  const conversationId = child(op, IO, 'ConversationId');
  const dstFldId = textOf(op, IO, 'DstFldId') ?? '';
  if (!conversationId || !dstFldId) {
    return { kind: 'invalid', tag: 'Move', status: ItemOperationsStatus.ProtocolError, echo: [conversationId ?? el(IO, 'ConversationId', '')], reason: 'Move without ConversationId or DstFldId' };
  }
  return { kind: 'move', conversationId, dstFldId };
}

/** "m-n", zero-based and inclusive, m <= n (MS-ASCMD 2.2.3.143.2; the XSD allows up to 9 digits each). */
export function parseRange(text: string): ByteRangeRequest | undefined {
  const m = /^\s*(\d{1,9})-(\d{1,9})\s*$/.exec(text);
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first <= last ? { first, last } : undefined;
}
