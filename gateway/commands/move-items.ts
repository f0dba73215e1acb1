/**
 * MoveItems (MS-ASCMD 2.2.1.12): moves messages between mail folders with IMAP UID MOVE (the
 * adapter falls back to UID COPY + UID EXPUNGE of exactly those UIDs), and answers each Move with
 * the item's new ServerId, built from the destination UID COPYUID reports (RFC 4315).
 *
 * Moves with the same source and destination folder go to the server as one UID MOVE. Statuses
 * (2.2.3.177.10), per item: 1 the source folder or the item is unknown (a foreign or malformed
 * ServerId, an item of another folder, a message already gone), 2 the destination folder is
 * unknown, 3 moved, 4 source and destination are the same folder, 5 the server refused the move,
 * 7 the source folder was recreated (new UIDVALIDITY) between our look and the MOVE: nothing
 * moved, retry. A backend that does not answer is
 * HTTP 503 for the whole request, as everywhere; a request that is not MoveItems is Status 103
 * (common status InvalidXML) for the whole request.
 *
 * Sync sees a move as what it is on IMAP: the UID vanishes from the source (one Delete) and a new
 * UID appears in the destination (one Add).
 */
import { accessorsFor, el, type WbxmlElement } from '../../codec/index.js';
import { EasStatusError } from '../errors.js';
import { FolderNotFoundError, MailBackendError, MailMessageError, type MailboxRef } from '../ports/mail-messages.js';
import { MailStoreError, type MailFolder } from '../ports/mail-store.js';
import { itemServerId, parseItemServerId } from '../sync/server-id.js';
import { resolveMailCollection, type MailCollection } from './email/collections.js';
import type { CommandContext, CommandDefinition, CommandHandler, CommandRequest } from './types.js';

const NS = 'Move';
const mv = accessorsFor(NS);

export const MoveStatus = {
  InvalidSource: 1,
  InvalidDestination: 2,
  Success: 3,
  SameFolder: 4,
  Failure: 5,
  Locked: 7,
} as const;

/** MS-ASCMD 2.2.2 common status: the request does not follow the protocol's XML. */
const INVALID_XML = 103;

export interface MoveRequest {
  readonly srcMsgId: string;
  readonly srcFldId: string;
  readonly dstFldId: string;
}

export interface MoveAnswer {
  readonly srcMsgId: string;
  readonly status: number;
  readonly dstMsgId?: string;
}

export function parseMoveItems(request: CommandRequest): MoveRequest[] {
  const root = request.kind === 'wbxml' ? request.root : undefined;
  if (!root || root.ns !== NS || root.tag !== 'MoveItems') throw new EasStatusError(INVALID_XML, 'MoveItems without a MoveItems body');
  const moves = mv.children(root, 'Move').map((m) => ({
    srcMsgId: (mv.textOf(m, 'SrcMsgId') ?? '').trim(),
    srcFldId: (mv.textOf(m, 'SrcFldId') ?? '').trim(),
    dstFldId: (mv.textOf(m, 'DstFldId') ?? '').trim(),
  }));
  if (moves.length === 0) throw new EasStatusError(INVALID_XML, 'MoveItems without a Move');
  // SrcMsgId is echoed back, and the response schema wants 1-64 characters.
  if (moves.some((m) => m.srcMsgId === '' || m.srcMsgId.length > 64)) throw new EasStatusError(INVALID_XML, 'MoveItems: a Move without a usable SrcMsgId');
  return moves;
}

/** One UID MOVE: every Move with this source and destination folder. */
interface Batch {
  readonly src: MailCollection;
  readonly dst: MailCollection;
  readonly uids: Map<number, number[]>;
}

export const moveItems: CommandHandler = async (ctx, request) => {
  const moves = parseMoveItems(request);
  const answers: (MoveAnswer | undefined)[] = moves.map(() => undefined);
  const folders = await listFolders(ctx);
  const collections = new Map<string, MailCollection | undefined>();
  const collection = async (id: string): Promise<MailCollection | undefined> => {
    if (!collections.has(id)) collections.set(id, id === '' ? undefined : await resolveMailCollection(ctx, id, folders));
    return collections.get(id);
  };
  const batches = new Map<string, Batch>();
  for (const [i, m] of moves.entries()) {
    const answer = (status: number): void => void (answers[i] = { srcMsgId: m.srcMsgId, status });
    const item = parseItemServerId(m.srcMsgId);
    const uid = item && /^[1-9]\d{0,9}$/.test(item.itemId) ? Number(item.itemId) : undefined;
    const src = await collection(m.srcFldId);
    if (!src || !item || item.collectionId !== m.srcFldId || uid === undefined || uid > 0xffffffff) {
      answer(MoveStatus.InvalidSource);
      continue;
    }
    const dst = await collection(m.dstFldId);
    if (!dst) answer(MoveStatus.InvalidDestination);
    else if (dst.folder.backendId === src.folder.backendId) answer(MoveStatus.SameFolder);
    else {
      const key = `${src.collectionId}\u0000${dst.collectionId}`;
      const batch = batches.get(key) ?? { src, dst, uids: new Map<number, number[]>() };
      batches.set(key, batch);
      batch.uids.set(uid, [...(batch.uids.get(uid) ?? []), i]);
    }
  }
  for (const batch of batches.values()) {
    const result = await runBatch(ctx, batch);
    for (const [uid, indexes] of batch.uids) {
      for (const i of indexes) {
        const dstUid = result.moved?.get(uid);
        answers[i] = dstUid !== undefined
          ? { srcMsgId: moves[i]!.srcMsgId, status: MoveStatus.Success, dstMsgId: itemServerId(batch.dst.collectionId, String(dstUid)) }
          : { srcMsgId: moves[i]!.srcMsgId, status: result.failure ?? MoveStatus.InvalidSource };
      }
    }
  }
  const done = answers.map((a, i) => a ?? { srcMsgId: moves[i]!.srcMsgId, status: MoveStatus.Failure });
  ctx.log.debug({ moves: moves.length, batches: batches.size, moved: done.filter((a) => a.status === MoveStatus.Success).length }, 'MoveItems');
  return { kind: 'wbxml', root: moveItemsResponse(done) };
};

interface BatchResult {
  /** Source UID -> destination UID; absent for a batch that failed as a whole. */
  readonly moved?: ReadonlyMap<number, number>;
  /** The status of every item when the batch failed as a whole. */
  readonly failure?: number;
}

async function runBatch(ctx: CommandContext, batch: Batch): Promise<BatchResult> {
  const messages = ctx.ports.messages;
  let box: MailboxRef;
  try {
    box = await messages.mailboxRef(batch.src.folder.path);
  } catch (err) {
    return { failure: refusal(ctx, err, MoveStatus.InvalidSource) };
  }
  try {
    const res = await messages.moveMessages(box, [...batch.uids.keys()], batch.dst.folder.path);
    return { moved: res.uidMap };
  } catch (err) {
    if (err instanceof FolderNotFoundError) {
      // Which one went away: the destination, or the source since we looked at it.
      const dstThere = await messages.mailboxRef(batch.dst.folder.path).then(() => true, (e: unknown) => (e instanceof FolderNotFoundError ? false : Promise.reject(e)));
      return { failure: dstThere ? MoveStatus.InvalidSource : MoveStatus.InvalidDestination };
    }
    // The source was recreated between our STATUS and the MOVE: nothing moved, the client may retry.
    if (err instanceof MailMessageError && err.code === 'uidvalidity-changed') return { failure: MoveStatus.Locked };
    return { failure: refusal(ctx, err, MoveStatus.Failure) };
  }
}

/** A backend refusal becomes the item's status; an unreachable backend (503) and bugs go on up. */
function refusal(ctx: CommandContext, err: unknown, status: number): number {
  if (err instanceof FolderNotFoundError) return MoveStatus.InvalidSource;
  if (err instanceof MailBackendError || err instanceof MailStoreError || err instanceof MailMessageError) {
    ctx.log.warn({ err: err.message }, 'MoveItems: the server refused a move');
    return status;
  }
  throw err;
}

async function listFolders(ctx: CommandContext): Promise<readonly MailFolder[]> {
  try {
    return await ctx.ports.mail.listFolders();
  } catch (err) {
    if (err instanceof MailStoreError) throw new EasStatusError(MoveStatus.Failure, `MoveItems: listing folders failed: ${err.message}`, { cause: err });
    throw err;
  }
}

export function moveItemsResponse(answers: readonly MoveAnswer[]): WbxmlElement {
  return el(NS, 'MoveItems', answers.map((a) => el(NS, 'Response', [
    el(NS, 'SrcMsgId', a.srcMsgId),
    el(NS, 'Status', a.status),
    ...(a.dstMsgId !== undefined ? [el(NS, 'DstMsgId', a.dstMsgId)] : []),
  ])));
}

export function moveItemsCommand(): CommandDefinition {
  return {
    name: 'MoveItems',
    needsProvisioning: true,
    body: 'wbxml',
    handler: moveItems,
    statusResponse: (status) => el(NS, 'MoveItems', [el(NS, 'Status', status)]),
  };
}
