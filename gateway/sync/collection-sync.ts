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
import { isFeedReset, type ChangeFeed, type FeedReset } from '../ports/change-feed.js';
import type { DeviceKey, StateStoreOps } from '../ports/state-store.js';
import { SnapshotFormatError } from './bytes.js';
import { decodeState, encodeState, type CollectionState, type SyncOp } from './collection-state.js';
import { IdSetBuilder } from './id-set.js';
import { effectiveWindowSize, plan, primeState, type ClientApplied } from './planner.js';
import { firstSyncKey, nextSyncKey, parseSyncKey } from './sync-key.js';
import { feedFilter } from './window.js';

export interface CollectionSyncRequest {
  readonly device: DeviceKey;
  /** The EAS CollectionId (the state store's key). */
  readonly collectionId: string;
  /** The backend's name for it (what the feed is asked about). */
  readonly collection: string;
  readonly syncKey: string;
  /** 0 when the client sent none. */
  readonly filterType: number;
  readonly windowSize?: number;
  /** GetChanges; EAS defaults it to true for a SyncKey other than 0. */
  readonly getChanges?: boolean;
  readonly clientApplied?: ClientApplied;
  readonly now: Date;
}

export type CollectionSyncTurn =
  | { readonly status: 'invalid-key' }
  | { readonly status: 'reset'; readonly reason: FeedReset['reset'] }
  | {
      readonly status: 'ok';
      readonly syncKey: string;
      readonly ops: readonly SyncOp[];
      readonly moreAvailable: boolean;
      /** True when this answers a retried key again (the command answers client changes from lookupClientIds). */
      readonly retry: boolean;
      /** Writes the new state (and the ClientId -> ServerId map of this response's Adds). Run inside a transaction. */
      commit(tx: StateStoreOps, clientIds?: ReadonlyMap<string, string>): Promise<void>;
    };

/** Another request of the same device advanced this collection between our read and our commit. */
export class ConcurrentSyncError extends Error {
  constructor(readonly collectionId: string) {
    super(`collection ${collectionId} was synced concurrently`);
    this.name = 'ConcurrentSyncError';
  }
}

export async function prepareCollectionSync(feed: ChangeFeed, store: StateStoreOps, req: CollectionSyncRequest): Promise<CollectionSyncTurn> {
  const key = parseSyncKey(req.syncKey);
  if (key.kind === 'invalid') return { status: 'invalid-key' };
  const filter = feedFilter(req.filterType, req.now);

  if (key.kind === 'initial') {
    const cursor = await feed.open(req.collection);
    const ids = new IdSetBuilder();
    for await (const page of feed.listIds(req.collection, filter)) ids.addAll(page);
    const state: CollectionState = { ...primeState(cursor, filter, req.filterType, ids.build()), syncKey: firstSyncKey(), answers: '0' };
    return ok(req, state, undefined, false, async (tx) => {
      await tx.deleteSyncStates(req.device, req.collectionId);
    });
  }

  const latest = await store.getLatestSyncState(req.device, req.collectionId);
  if (!latest) return { status: 'invalid-key' };
  let current: CollectionState;
  try {
    current = decodeState(latest.snapshot);
  } catch (err) {
    if (err instanceof SnapshotFormatError) return { status: 'invalid-key' };
    throw err;
  }

  if (latest.syncKey !== req.syncKey) {
    // The client never saw the response that issued the latest key: answer it again.
    if (current.answers === req.syncKey) return ok(req, current, latest.syncKey, true);
    return { status: 'invalid-key' };
  }

  const getChanges = req.getChanges ?? true;
  let changes;
  if (getChanges) {
    const r = await feed.changesSince(req.collection, current.cursor, { since: current.since }, filter);
    if (isFeedReset(r)) return { status: 'reset', reason: r.reset };
    changes = r;
  }
  const p = plan({
    state: current,
    ...(changes ? { changes } : {}),
    filter: changes ? filter : { since: current.since },
    filterType: req.filterType,
    windowSize: effectiveWindowSize(req.windowSize),
    ...(req.clientApplied ? { clientApplied: req.clientApplied } : {}),
  });
  const next: CollectionState = { ...p.next, syncKey: nextSyncKey(latest.syncKey), answers: req.syncKey };
  return ok(req, next, latest.syncKey, false);
}

function ok(
  req: CollectionSyncRequest,
  state: CollectionState,
  basedOn: string | undefined,
  retry: boolean,
  before?: (tx: StateStoreOps) => Promise<void>,
): CollectionSyncTurn {
  const snapshot = encodeState(state);
  return {
    status: 'ok',
    syncKey: state.syncKey,
    ops: state.sent,
    moreAvailable: state.moreAvailable,
    retry,
    async commit(tx, clientIds) {
      if (before) await before(tx);
      else {
        const now = await tx.getLatestSyncState(req.device, req.collectionId);
        const expected = retry ? state.syncKey : basedOn;
        if (now?.syncKey !== expected) throw new ConcurrentSyncError(req.collectionId);
      }
      if (retry && !clientIds?.size) return; // the same state is already there
      await tx.putSyncState(req.device, {
        collectionId: req.collectionId,
        syncKey: state.syncKey,
        snapshot,
        ...(retry ? {} : { previousSyncKey: req.syncKey }),
        ...(clientIds?.size ? { clientIds } : {}),
        at: req.now,
      });
    },
  };
}
