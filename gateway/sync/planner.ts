/**
 * The planner: merges what a ChangeFeed reports with what the client holds into the ordered
 * operations of one Sync response, at most WindowSize of them, and the state that follows.
 * Pure: no I/O, no clock. Order: Delete, SoftDelete, Change, then Add newest first; whatever
 * does not fit waits in `pending` and MoreAvailable is set.
 */
import type { ChangedItem, FeedChanges, FeedCursor, FeedFilter } from '../ports/change-feed.js';
import { emptyPending, pendingCount, type CollectionState, type PendingOps, type SyncOp } from './collection-state.js';
import { IdSet } from './id-set.js';

export const DEFAULT_WINDOW_SIZE = 100;
export const MAX_WINDOW_SIZE = 512;

/** WindowSize as the client sent it (or not) -> the number of operations we answer. */
export function effectiveWindowSize(requested: number | undefined): number {
  if (requested === undefined || !Number.isInteger(requested) || requested <= 0) return DEFAULT_WINDOW_SIZE;
  return Math.min(requested, MAX_WINDOW_SIZE);
}

/**
 * What the client itself did in this request (already applied to the backend), so its own
 * changes are not echoed back: item ids it added, changed and deleted. A change given with
 * the version the backend gave it (the MODSEQ a STORE answered) is suppressed only while the
 * feed reports that same version, so a server-side change made in between still reaches the
 * client; a bare id suppresses whatever the feed reports for it in this round.
 */
export interface ClientApplied {
  readonly added?: readonly string[];
  readonly changed?: readonly (string | ChangedItem)[];
  readonly deleted?: readonly string[];
}

export interface PlanInput {
  /** The state the client holds (the one its SyncKey names). */
  readonly state: CollectionState;
  /** The feed's answer since state.cursor; undefined when GetChanges is off (nothing is read from the backend). */
  readonly changes?: FeedChanges;
  readonly filter: FeedFilter;
  readonly filterType: number;
  readonly windowSize: number;
  readonly clientApplied?: ClientApplied;
}

export interface Plan {
  readonly ops: SyncOp[];
  readonly moreAvailable: boolean;
  /** The state after this response, still without its key (see withKey). */
  readonly next: Omit<CollectionState, 'syncKey' | 'answers'>;
}

function clonePending(p: PendingOps): { deletes: IdSet; softDeletes: IdSet; changes: IdSet; adds: IdSet } {
  return { deletes: p.deletes.clone(), softDeletes: p.softDeletes.clone(), changes: p.changes.clone(), adds: p.adds.clone() };
}

export function plan(input: PlanInput): Plan {
  const { state, changes, clientApplied } = input;
  const held = state.held.clone();
  const p = clonePending(state.pending);

  // The client's own changes: it already holds the result.
  for (const id of clientApplied?.deleted ?? []) {
    held.delete(id);
    p.changes.delete(id);
    p.deletes.delete(id);
    p.softDeletes.delete(id);
  }
  for (const id of clientApplied?.added ?? []) {
    held.add(id);
    p.adds.delete(id);
  }
  // id -> the version the client's change produced ('' when unknown: suppress any).
  const suppressed = new Map((clientApplied?.changed ?? []).map((c) => (typeof c === 'string' ? [c, ''] : [c.id, c.version])));
  const isEcho = (c: ChangedItem): boolean => {
    const v = suppressed.get(c.id);
    return v !== undefined && (v === '' || v === c.version);
  };

  let cursor: FeedCursor = state.cursor;
  if (changes) {
    cursor = changes.newCursor;
    const removed = new Set(changes.removed);
    for (const id of changes.removed) {
      p.adds.delete(id);
      p.changes.delete(id);
      if (held.delete(id)) p.deletes.add(id);
    }
    for (const id of changes.leftWindow) {
      p.adds.delete(id);
      p.changes.delete(id);
      if (held.delete(id)) p.softDeletes.add(id);
    }
    for (const id of changes.enteredWindow) {
      if (removed.has(id)) continue;
      // Not yet told to drop it: it simply stays.
      if (p.softDeletes.delete(id)) held.add(id);
      else if (!held.has(id) && !p.deletes.has(id)) p.adds.add(id);
    }
    for (const id of changes.added) {
      if (!removed.has(id) && !held.has(id) && !p.deletes.has(id) && !p.softDeletes.has(id)) p.adds.add(id);
    }
    for (const c of changes.changed) {
      if (held.has(c.id) && !isEcho(c)) p.changes.add(c.id);
    }
  }

  const ops: SyncOp[] = [];
  const room = (): number => input.windowSize - ops.length;
  for (const id of p.deletes.takeNewest(room())) ops.push({ kind: 'delete', id });
  for (const id of p.softDeletes.takeNewest(room())) ops.push({ kind: 'soft-delete', id });
  for (const id of p.changes.takeNewest(room())) ops.push({ kind: 'change', id });
  for (const id of p.adds.takeNewest(room())) {
    ops.push({ kind: 'add', id });
    held.add(id);
  }
  const moreAvailable = pendingCount(p) > 0;
  return {
    ops,
    moreAvailable,
    next: { cursor, since: input.filter.since, filterType: input.filterType, held, pending: p, sent: ops, moreAvailable },
  };
}

/** The state of a fresh prime (SyncKey 0): nothing held, the whole window pending as Adds, nothing sent. */
export function primeState(cursor: FeedCursor, filter: FeedFilter, filterType: number, ids: IdSet): Omit<CollectionState, 'syncKey' | 'answers'> {
  const pending = emptyPending();
  return { cursor, since: filter.since, filterType, held: new IdSet(), pending: { ...pending, adds: ids }, sent: [], moreAvailable: false };
}
