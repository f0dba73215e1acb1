/**
 * What the gateway remembers about one collection on one device after one Sync response,
 * and its byte form (the state store's opaque `snapshot`).
 *
 * The client holds held ∪ pending.deletes ∪ pending.softDeletes; `held` are the items it
 * holds that still exist in the window, pending.changes ⊆ held, pending.adds ∩ held = ∅.
 * Item ids are kept as IdSets, so a 100,000-item folder is a few ranges, not 100,000 ids.
 * `sent` is the response that carried `syncKey`, replayed verbatim when the client retries
 * the key it answered (`answers`).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { FeedCursor } from '../ports/change-feed.js';
import { ByteReader, ByteWriter, SnapshotFormatError } from './bytes.js';
import { IdSet } from './id-set.js';

export type SyncOpKind = 'add' | 'change' | 'delete' | 'soft-delete';

export interface SyncOp {
  readonly kind: SyncOpKind;
  readonly id: string;
}

export interface PendingOps {
  readonly deletes: IdSet;
  readonly softDeletes: IdSet;
  readonly changes: IdSet;
  readonly adds: IdSet;
}

export interface CollectionState {
  /** The key this state was issued under. */
  readonly syncKey: string;
  /** The key of the request this state answered ('0' for a prime): a retry of it is answered with `sent`. */
  readonly answers: string;
  readonly cursor: FeedCursor;
  /** The window cutoff the cursor was taken with (FeedFilter.since). */
  readonly since: string | null;
  readonly filterType: number;
  readonly held: IdSet;
  readonly pending: PendingOps;
  readonly sent: readonly SyncOp[];
  readonly moreAvailable: boolean;
}

export function emptyPending(): PendingOps {
  return { deletes: new IdSet(), softDeletes: new IdSet(), changes: new IdSet(), adds: new IdSet() };
}

export function pendingCount(p: PendingOps): number {
  return p.deletes.size + p.softDeletes.size + p.changes.size + p.adds.size;
}

const MAGIC = 0x53; // 'S'
const VERSION = 1;
const DEFLATED = 1;
/** Bodies larger than this are deflated (a fragmented 100k-item set compresses well). */
const DEFLATE_OVER = 512;
const KINDS: readonly SyncOpKind[] = ['add', 'change', 'delete', 'soft-delete'];

export function encodeState(s: CollectionState): Uint8Array {
  const w = new ByteWriter();
  w.string(s.syncKey).string(s.answers).string(s.cursor).optString(s.since).varint(s.filterType).byte(s.moreAvailable ? 1 : 0);
  s.held.encode(w);
  for (const set of [s.pending.deletes, s.pending.softDeletes, s.pending.changes, s.pending.adds]) set.encode(w);
  w.varint(s.sent.length);
  for (const op of s.sent) w.byte(KINDS.indexOf(op.kind)).string(op.id);
  const body = w.bytes();
  const deflate = body.length > DEFLATE_OVER;
  const payload = deflate ? deflateRawSync(body) : body;
  const out = new Uint8Array(payload.length + 3);
  out.set([MAGIC, VERSION, deflate ? DEFLATED : 0]);
  out.set(payload, 3);
  return out;
}

/** Throws SnapshotFormatError for anything this version did not write. */
export function decodeState(bytes: Uint8Array): CollectionState {
  if (bytes.length < 3 || bytes[0] !== MAGIC || bytes[1] !== VERSION) throw new SnapshotFormatError('not a collection state of this version');
  let body = bytes.subarray(3);
  if (bytes[2]! & DEFLATED) {
    try {
      body = inflateRawSync(body);
    } catch {
      throw new SnapshotFormatError('collection state does not inflate');
    }
  }
  const r = new ByteReader(body);
  const syncKey = r.string();
  const answers = r.string();
  const cursor = r.string();
  const since = r.optString();
  const filterType = r.varint();
  const moreAvailable = r.byte() === 1;
  const held = IdSet.decode(r);
  const pending: PendingOps = { deletes: IdSet.decode(r), softDeletes: IdSet.decode(r), changes: IdSet.decode(r), adds: IdSet.decode(r) };
  const sent: SyncOp[] = [];
  const n = r.varint();
  for (let i = 0; i < n; i++) {
    const kind = KINDS[r.byte()];
    if (!kind) throw new SnapshotFormatError('unknown operation kind');
    sent.push({ kind, id: r.string() });
  }
  if (!r.done) throw new SnapshotFormatError('trailing bytes in collection state');
  return { syncKey, answers, cursor, since, filterType, held, pending, sent, moreAvailable };
}
