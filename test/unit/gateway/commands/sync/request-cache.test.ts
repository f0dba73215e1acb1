import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInterval, pause } from '../../../../../gateway/commands/sync/hold.js';
import { nextCacheEntry, resolveSync, SyncRequestCache } from '../../../../../gateway/commands/sync/request-cache.js';
import type { SyncCollectionRequest, SyncRequest } from '../../../../../gateway/commands/sync/request.js';

const coll = (collectionId: string, syncKey: string, more: Partial<SyncCollectionRequest> = {}): SyncCollectionRequest => ({ syncKey, collectionId, commands: [], fetches: [], ...more });
const full = (...collections: SyncCollectionRequest[]): SyncRequest => ({ collections, partial: false });

describe('the last complete Sync request of a device', () => {
  it('a complete request stands alone; the entry keeps collections without operations, with the keys answered', () => {
    const req = full(coll('5', '10', { getChanges: false, commands: [{ kind: 'delete', serverId: '5:1' }], options: { filterType: 3, body: {}, hasBody: false } }), coll('6', '0'));
    const r = resolveSync(req, undefined, false);
    assert.ok(r.ok);
    const entry = nextCacheEntry(r, new Map([['5', '11'], ['6', '0']]));
    assert.deepEqual([...entry.collections.values()], [coll('5', '11', { options: { filterType: 3, body: {}, hasBody: false } })], 'key 0 and GetChanges are not replayed');
  });

  it('empty: the cached request; Partial: cached plus listed; without a cache: not served', () => {
    const cache = new SyncRequestCache(2);
    assert.deepEqual(resolveSync({ partial: false }, undefined, true), { ok: false, reason: 'no-cached-request' });
    const first = resolveSync({ ...full(coll('5', '10'), coll('6', '20')), heartbeatInterval: 300 }, undefined, false);
    assert.ok(first.ok);
    cache.set('u', 'd', nextCacheEntry(first, new Map([['5', '11'], ['6', '20']])));
    const empty = resolveSync({ partial: false }, cache.get('u', 'd'), true);
    assert.ok(empty.ok);
    assert.deepEqual([empty.collections.map((c) => [c.collectionId, c.syncKey]), empty.heartbeatInterval], [[['5', '11'], ['6', '20']], 300]);
    const partial = resolveSync({ collections: [coll('6', '21', { windowSize: 5 })], partial: true }, cache.get('u', 'd'), false);
    assert.ok(partial.ok);
    assert.deepEqual(partial.collections.map((c) => [c.collectionId, c.syncKey, c.windowSize]), [['5', '11', undefined], ['6', '21', 5]]);
  });

  it('a cached request whose collections were all dropped is no request', () => {
    assert.deepEqual(resolveSync({ partial: false }, { collections: new Map() }, true), { ok: false, reason: 'no-cached-request' });
  });

  it('Options a client sent once are used when it later leaves them out; body settings only when it sends none', () => {
    const cache = new SyncRequestCache();
    const r = resolveSync(full(coll('5', '1', { options: { filterType: 4, body: { bodyPreferences: [{ type: 2 }] }, hasBody: true } })), undefined, false);
    assert.ok(r.ok);
    cache.set('u', 'd', nextCacheEntry(r, new Map([['5', '2']])));
    const later = resolveSync(full(coll('5', '2')), cache.get('u', 'd'), false);
    assert.ok(later.ok);
    assert.deepEqual(later.collections[0]!.options, { filterType: 4, body: { bodyPreferences: [{ type: 2 }] }, hasBody: true });
    const narrower = resolveSync(full(coll('5', '2', { options: { filterType: 1, body: {}, hasBody: false } })), cache.get('u', 'd'), false);
    assert.ok(narrower.ok);
    assert.deepEqual(narrower.collections[0]!.options, { filterType: 1, body: { bodyPreferences: [{ type: 2 }] }, hasBody: true });
  });

  it('the cache is bounded (LRU)', () => {
    const cache = new SyncRequestCache(2);
    const entry = { collections: new Map() };
    cache.set('u', 'a', entry);
    cache.set('u', 'b', entry);
    cache.get('u', 'a');
    cache.set('u', 'c', entry);
    assert.deepEqual([!!cache.get('u', 'a'), !!cache.get('u', 'b'), !!cache.get('u', 'c')], [true, false, true]);
  });
});

describe('Wait and HeartbeatInterval', () => {
  it('ranges: Wait 1-59 minutes, HeartbeatInterval 60-3540 seconds; outside: Status 14 with the bound', () => {
    assert.deepEqual(checkInterval(undefined, undefined), { ok: true, holdMs: 0 });
    assert.deepEqual(checkInterval(1, undefined), { ok: true, holdMs: 60_000 });
    assert.deepEqual(checkInterval(undefined, 3540), { ok: true, holdMs: 3_540_000 });
    assert.deepEqual(checkInterval(0, undefined), { ok: false, status: 14, limit: 1 });
    assert.deepEqual(checkInterval(60, undefined), { ok: false, status: 14, limit: 59 });
    assert.deepEqual(checkInterval(undefined, 59), { ok: false, status: 14, limit: 60 });
    assert.deepEqual(checkInterval(undefined, 3541), { ok: false, status: 14, limit: 3540 });
  });

  it('a pause ends early when the request is aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    await pause(10_000, ac.signal);
    assert.ok(Date.now() - started < 1000);
  });
});
