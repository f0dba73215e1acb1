/**
 * How many operations the next Sync of a collection would send, from the state the client's
 * SyncKey names and what the change feed reports since: the same reading of state, feed and
 * planner that Sync does (gateway/sync/collection-sync.ts), without committing anything.
 * GetItemEstimate never writes state (MS-ASCMD 2.2.3.181.3: "The server does not update the
 * airsync:SyncKey value on GetItemEstimate requests").
 *
 * The planner runs with a window of 0, so every operation stays in `pending` and is counted
 * as a set size: a 100,000-item first sync is counted from a few id ranges, never listed.
 */
import { isFeedReset, type ChangeFeed } from '../../ports/change-feed.js';
import type { DeviceKey, StateStoreOps } from '../../ports/state-store.js';
import { pendingCount } from '../../sync/collection-state.js';
import { readHeldState } from '../../sync/held-state.js';
import { plan } from '../../sync/planner.js';
import { parseSyncKey } from '../../sync/sync-key.js';
import { feedFilter } from '../../sync/window.js';

export interface EstimateRequest {
  readonly device: DeviceKey;
  readonly collectionId: string;
  /** The backend's name for the collection (what the feed is asked about). */
  readonly collection: string;
  readonly syncKey: string;
  /** undefined: the FilterType of the client's last Sync (the state's). */
  readonly filterType?: number;
  readonly now: Date;
}

export type Estimate =
  | { readonly status: 'ok'; readonly estimate: number }
  /** SyncKey 0, or no Sync of this collection by this device yet. */
  | { readonly status: 'not-primed' }
  /** A key we did not issue, no longer keep, or whose state no longer matches the backend. */
  | { readonly status: 'invalid-key' };

export async function estimateCollection(feed: ChangeFeed, store: Pick<StateStoreOps, 'getLatestSyncState'>, req: EstimateRequest): Promise<Estimate> {
  const key = parseSyncKey(req.syncKey);
  if (key.kind === 'initial') return { status: 'not-primed' };
  if (key.kind === 'invalid') return { status: 'invalid-key' };
  const held = await readHeldState(store, req.device, req.collectionId, req.syncKey);
  if (held.kind === 'none') return { status: 'not-primed' };
  if (held.kind === 'unknown') return { status: 'invalid-key' };
  const state = held.state;
  // After a lost response the next Sync replays `sent` before anything else.
  const replayed = held.kind === 'retry' ? state.sent.length : 0;
  const filterType = req.filterType ?? state.filterType;
  const filter = feedFilter(filterType, req.now);
  const changes = await feed.changesSince(req.collection, state.cursor, { since: state.since }, filter);
  // The next Sync answers Status 3 and the client re-primes: nothing to estimate under this key.
  if (isFeedReset(changes)) return { status: 'invalid-key' };
  const p = plan({ state, changes, filter, filterType, windowSize: 0 });
  return { status: 'ok', estimate: replayed + pendingCount(p.next.pending) };
}
