/**
 * Which kept state a client's SyncKey names: the latest one, or the one it answered when the
 * response that issued the latest was lost (a retry). Sync and GetItemEstimate both start here,
 * so they agree on which keys are valid.
 */
import type { DeviceKey, StateStoreOps } from '../ports/state-store.js';
import { SnapshotFormatError } from './bytes.js';
import { decodeState, type CollectionState } from './collection-state.js';

export type HeldState =
  /** Nothing kept for this collection: never synced, or dropped (SyncKey 0, FolderSync reset). */
  | { readonly kind: 'none' }
  /** A key that is neither the latest nor the one it answered, or a snapshot this version cannot read. */
  | { readonly kind: 'unknown' }
  /**
   * current: the key is the latest; retry: the key is the one the latest answered. `latestKey`
   * is the latest state's key and `state` that state in both cases.
   */
  | { readonly kind: 'current' | 'retry'; readonly latestKey: string; readonly state: CollectionState };

export async function readHeldState(store: Pick<StateStoreOps, 'getLatestSyncState'>, device: DeviceKey, collectionId: string, syncKey: string): Promise<HeldState> {
  const latest = await store.getLatestSyncState(device, collectionId);
  if (!latest) return { kind: 'none' };
  let state: CollectionState;
  try {
    state = decodeState(latest.snapshot);
  } catch (err) {
    if (err instanceof SnapshotFormatError) return { kind: 'unknown' };
    throw err;
  }
  if (latest.syncKey === syncKey) return { kind: 'current', latestKey: latest.syncKey, state };
  if (state.answers === syncKey) return { kind: 'retry', latestKey: latest.syncKey, state };
  return { kind: 'unknown' };
}
