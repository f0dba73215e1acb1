/**
 * The last complete Sync request of each device (MS-ASCMD 2.2.1.21.1, 2.2.3.128 Partial): an
 * empty request (12.1+) means "the same as last time", a Partial one lists only what differs.
 * Kept in memory, per gateway process, LRU-bounded: a device whose entry was evicted (or that
 * talks to another process) gets Status 13 and simply sends its full request again.
 *
 * Each collection is kept without its Commands and with the key the device holds now (the
 * one our last answer gave it), so replaying it asks for exactly the next changes. Options are
 * kept too, because clients that sent them once often omit them later.
 */
import { LRUCache } from 'lru-cache';
import type { SyncCollectionRequest, SyncOptions, SyncRequest } from './request.js';

export interface CachedSync {
  readonly collections: ReadonlyMap<string, SyncCollectionRequest>;
  readonly wait?: number;
  readonly heartbeatInterval?: number;
  readonly windowSize?: number;
}

export const DEFAULT_CACHED_DEVICES = 10_000;

export class SyncRequestCache {
  readonly #lru: LRUCache<string, CachedSync>;

  constructor(max = DEFAULT_CACHED_DEVICES) {
    this.#lru = new LRUCache({ max });
  }

  get(user: string, deviceId: string): CachedSync | undefined {
    return this.#lru.get(key(user, deviceId));
  }

  set(user: string, deviceId: string, entry: CachedSync): void {
    this.#lru.set(key(user, deviceId), entry);
  }

  delete(user: string, deviceId: string): void {
    this.#lru.delete(key(user, deviceId));
  }
}

function key(user: string, deviceId: string): string {
  return `${user}\u0000${deviceId}`;
}

/** What a request means once the cache filled it in, or why it cannot be served. */
export type ResolvedSync =
  | { readonly ok: true; readonly collections: readonly SyncCollectionRequest[]; readonly wait?: number; readonly heartbeatInterval?: number; readonly windowSize?: number }
  | { readonly ok: false; readonly reason: 'no-cached-request' };

/**
 * A complete request stands alone (its collections without Options take the cached ones); an
 * empty one is the cached request; a Partial one (or one with no Collections) is the cached
 * request with its listed collections replaced.
 */
export function resolveSync(req: SyncRequest, cached: CachedSync | undefined, isEmpty: boolean): ResolvedSync {
  const withOptions = (c: SyncCollectionRequest): SyncCollectionRequest => mergeOptions(c, cached?.collections.get(c.collectionId)?.options);
  if (!isEmpty && !req.partial && req.collections) {
    return { ok: true, collections: req.collections.map(withOptions), ...intervals(req, undefined) };
  }
  if (!cached) return { ok: false, reason: 'no-cached-request' };
  const merged = new Map(cached.collections);
  for (const c of req.collections ?? []) merged.set(c.collectionId, withOptions(c));
  // Every collection was dropped (re-primes, FolderSync): nothing to replay.
  if (merged.size === 0) return { ok: false, reason: 'no-cached-request' };
  return { ok: true, collections: [...merged.values()], ...intervals(req, isEmpty || req.partial ? cached : undefined) };
}

function intervals(req: SyncRequest, cached: CachedSync | undefined): { wait?: number; heartbeatInterval?: number; windowSize?: number } {
  const explicit = req.wait !== undefined || req.heartbeatInterval !== undefined;
  const wait = explicit ? req.wait : cached?.wait;
  const heartbeatInterval = explicit ? req.heartbeatInterval : cached?.heartbeatInterval;
  const windowSize = req.windowSize ?? cached?.windowSize;
  return {
    ...(wait !== undefined ? { wait } : {}),
    ...(heartbeatInterval !== undefined ? { heartbeatInterval } : {}),
    ...(windowSize !== undefined ? { windowSize } : {}),
  };
}

function mergeOptions(c: SyncCollectionRequest, earlier: SyncOptions | undefined): SyncCollectionRequest {
  if (!earlier) return c;
  const now = c.options;
  if (!now) return { ...c, options: earlier };
  const filterType = now.filterType ?? earlier.filterType;
  const conflict = now.conflict ?? earlier.conflict;
  return {
    ...c,
    options: {
      ...(filterType !== undefined ? { filterType } : {}),
      ...(conflict !== undefined ? { conflict } : {}),
      body: now.hasBody ? now.body : earlier.body,
      hasBody: now.hasBody || earlier.hasBody,
    },
  };
}

/**
 * The entry to keep after answering: the collections served, without their operations, each
 * with the key the device now holds; collections answered Status 3 or 12 are dropped (the
 * device re-primes or runs FolderSync with a complete request).
 */
export function nextCacheEntry(resolved: Extract<ResolvedSync, { ok: true }>, keys: ReadonlyMap<string, string | undefined>): CachedSync {
  const collections = new Map<string, SyncCollectionRequest>();
  for (const c of resolved.collections) {
    const syncKey = keys.get(c.collectionId);
    if (syncKey === undefined) continue;
    const { getChanges: _g, ...rest } = c;
    // Replaying key 0 would re-prime: only keys we issued are kept.
    if (syncKey === '0') continue;
    collections.set(c.collectionId, { ...rest, syncKey, commands: [], fetches: [] });
  }
  return {
    collections,
    ...(resolved.wait !== undefined ? { wait: resolved.wait } : {}),
    ...(resolved.heartbeatInterval !== undefined ? { heartbeatInterval: resolved.heartbeatInterval } : {}),
    ...(resolved.windowSize !== undefined ? { windowSize: resolved.windowSize } : {}),
  };
}
