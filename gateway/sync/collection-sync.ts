/**
 * One collection's turn in a Sync request, from SyncKey to the operations to answer and the
 * state to keep. Reads happen here (state store, change feed); the write is `commit`, which
 * the command runs inside one StateStore.transaction right before it sends the response, so
 * the new key exists exactly when a response carrying it was built.
 *
 *   const turn = await prepareCollectionSync(feed, store, request);
 *   if (turn.status !== 'ok') -> Status 3 (and for 'reset', the client re-primes with SyncKey 0)
 *   build the response from turn.ops (fetching each item), then
 *   await store.transaction((tx) => turn.commit(tx, clientIds));
 *
 * Retries: a request with the key the latest state answered (`answers`) is the client retrying
 * after a lost response. It gets the latest state's `sent` operations and key again, verbatim,
 * and the feed is not read: server changes since then wait in the cursor for the next request.
 */
import { isFeedReset, type ChangeFeed, type FeedChanges, type FeedReset } from '../ports/change-feed.js';
import type { DeviceKey, StateStoreOps } from '../ports/state-store.js';
import { encodeState, type CollectionState, type SyncOp } from './collection-state.js';
import { IdSetBuilder } from './id-set.js';
import { effectiveWindowSize, plan, primeState, type ClientApplied } from './planner.js';
import { firstSyncKey, nextSyncKey, parseSyncKey } from './sync-key.js';
import { readHeldState } from './held-state.js';
import { feedFilter } from './window.js';

export interface CollectionSyncRequest {
  readonly device: DeviceKey;
  /** The EAS CollectionId (the state store's key). */
  readonly collectionId: string;
  /** The backend's name for it (what the feed is asked about). */
  readonly collection: string;
  readonly syncKey: string;
  /** The client's FilterType; undefined keeps the one the state was last planned with (0 for a prime). */
  readonly filterType?: number;
  readonly windowSize?: number;
  /** A request-wide WindowSize left no room: read the feed, send nothing now, MoreAvailable if any wait. */
  readonly noRoom?: boolean;
  /** GetChanges; EAS defaults it to true for a SyncKey other than 0. */
  readonly getChanges?: boolean;
  readonly clientApplied?: ClientApplied;
  readonly now: Date;
}

export interface OkTurn {
  readonly status: 'ok';
  readonly syncKey: string;
  readonly ops: readonly SyncOp[];
  readonly moreAvailable: boolean;
  /** True when this answers a retried key again (the command answers client changes from lookupClientIds). */
  readonly retry: boolean;
  /** Nothing to send and the client keeps its key (only when asked for with keepKeyWhenIdle). */
  readonly idle: boolean;
  /** Writes the new state (and the ClientId -> ServerId map of this response's Adds). Run inside a transaction. */
  commit(tx: StateStoreOps, clientIds?: ReadonlyMap<string, string>): Promise<void>;
}

type NotOk = { readonly status: 'invalid-key' } | { readonly status: 'reset'; readonly reason: FeedReset['reset'] };

export type CollectionSyncTurn = NotOk | OkTurn;

export interface FinishOptions {
  /**
   * When the plan has nothing to send, keep the client's key instead of minting one (the
   * command asks for it when the client sent no changes either, so an empty answer is possible).
   */
  readonly keepKeyWhenIdle?: boolean;
}

export type CollectionSyncStart =
  | NotOk
  | {
      readonly status: 'ok';
      /** SyncKey 0: a prime, nothing to send. */
      readonly initial: boolean;
      readonly retry: boolean;
      /** The FilterType this turn plans with (the request's, else the state's). */
      readonly filterType: number;
      /** Whether the server changed or removed this item since the state the client holds (the Conflict option). */
      serverChanged(id: string): boolean;
      finish(clientApplied?: ClientApplied, options?: FinishOptions): OkTurn;
    };

/** Another request of the same device advanced this collection between our read and our commit. */
export class ConcurrentSyncError extends Error {
  constructor(readonly collectionId: string) {
    super(`collection ${collectionId} was synced concurrently`);
    this.name = 'ConcurrentSyncError';
  }
}

/** One call: begin, then finish with the client's own changes given up front. */
export async function prepareCollectionSync(feed: ChangeFeed, store: StateStoreOps, req: CollectionSyncRequest): Promise<CollectionSyncTurn> {
  const start = await beginCollectionSync(feed, store, req);
  if (start.status !== 'ok') return start;
  return start.finish(req.clientApplied);
}

/**
 * The first half of a turn: checks the key and reads the feed, so the command knows what the
 * server changed (for the Conflict option) before it applies the client's own changes; `finish`
 * then plans the answer with them.
 */
export async function beginCollectionSync(feed: ChangeFeed, store: StateStoreOps, req: CollectionSyncRequest): Promise<CollectionSyncStart> {
  const key = parseSyncKey(req.syncKey);
  if (key.kind === 'invalid') return { status: 'invalid-key' };

  if (key.kind === 'initial') {
    const filterType = req.filterType ?? 0;
    const filter = feedFilter(filterType, req.now);
    const cursor = await feed.open(req.collection);
    const ids = new IdSetBuilder();
    for await (const page of feed.listIds(req.collection, filter)) ids.addAll(page);
    const state: CollectionState = { ...primeState(cursor, filter, filterType, ids.build()), syncKey: firstSyncKey(), answers: '0' };
    const turn = ok(req, state, undefined, false, false, async (tx) => {
      await tx.deleteSyncStates(req.device, req.collectionId);
    });
    return { status: 'ok', initial: true, retry: false, filterType, serverChanged: () => false, finish: () => turn };
  }

  const held = await readHeldState(store, req.device, req.collectionId, req.syncKey);
  if (held.kind === 'none' || held.kind === 'unknown') return { status: 'invalid-key' };
  const current = held.state;
  const latestKey = held.latestKey;
  const pendingChange = (id: string): boolean => current.pending.changes.has(id) || current.pending.deletes.has(id);

  if (held.kind === 'retry') {
    // The client never saw the response that issued the latest key: answer it again.
    const turn = ok(req, current, latestKey, true, false);
    return { status: 'ok', initial: false, retry: true, filterType: current.filterType, serverChanged: pendingChange, finish: () => turn };
  }

  const filterType = req.filterType ?? current.filterType;
  const filter = feedFilter(filterType, req.now);
  const getChanges = req.getChanges ?? true;
  let changes: FeedChanges | undefined;
  if (getChanges) {
    const r = await feed.changesSince(req.collection, current.cursor, { since: current.since }, filter);
    if (isFeedReset(r)) return { status: 'reset', reason: r.reset };
    changes = r;
  }
  const touched = new Set([...(changes?.changed.map((c) => c.id) ?? []), ...(changes?.removed ?? [])]);
  return {
    status: 'ok',
    initial: false,
    retry: false,
    filterType,
    serverChanged: (id) => touched.has(id) || pendingChange(id),
    finish(clientApplied, options = {}) {
      const p = plan({
        state: current,
        ...(changes ? { changes } : {}),
        filter: changes ? filter : { since: current.since },
        filterType,
        // GetChanges off: the client wants no server changes now; they wait in pending.
        windowSize: getChanges && !req.noRoom ? effectiveWindowSize(req.windowSize) : 0,
        ...(clientApplied ? { clientApplied } : {}),
      });
      if (options.keepKeyWhenIdle && p.ops.length === 0 && !p.moreAvailable) {
        // Nothing to tell: the client keeps its key (an empty response may carry none), and
        // the state under that key only follows the feed, still answering a retry as before.
        const same = p.next.cursor === current.cursor && p.next.since === current.since && p.next.filterType === current.filterType;
        const next: CollectionState = { ...p.next, syncKey: latestKey, answers: current.answers, sent: current.sent, moreAvailable: false };
        return ok(req, next, latestKey, false, true, undefined, same && p.next.held.size === current.held.size, []);
      }
      const next: CollectionState = { ...p.next, syncKey: nextSyncKey(latestKey), answers: req.syncKey };
      return ok(req, next, latestKey, false, false);
    },
  };
}

function ok(
  req: CollectionSyncRequest,
  state: CollectionState,
  basedOn: string | undefined,
  retry: boolean,
  idle: boolean,
  before?: (tx: StateStoreOps) => Promise<void>,
  unchanged = false,
  ops: readonly SyncOp[] = state.sent,
): OkTurn {
  const snapshot = unchanged ? undefined : encodeState(state);
  // A kept key (retry, idle) replaces its own state; a new key follows the client's.
  const sameKey = retry || idle;
  return {
    status: 'ok',
    syncKey: state.syncKey,
    ops,
    moreAvailable: state.moreAvailable,
    retry,
    idle,
    async commit(tx, clientIds) {
      if (before) await before(tx);
      else {
        const now = await tx.getLatestSyncState(req.device, req.collectionId);
        const expected = sameKey ? state.syncKey : basedOn;
        if (now?.syncKey !== expected) throw new ConcurrentSyncError(req.collectionId);
      }
      if ((retry || unchanged) && !clientIds?.size) return; // the same state is already there
      await tx.putSyncState(req.device, {
        collectionId: req.collectionId,
        syncKey: state.syncKey,
        snapshot: snapshot ?? encodeState(state),
        ...(sameKey ? {} : { previousSyncKey: req.syncKey }),
        ...(clientIds?.size ? { clientIds } : {}),
        at: req.now,
      });
    },
  };
}
