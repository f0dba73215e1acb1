/**
 * beginCollectionSync/finish: the feed is read before the client's own changes are applied
 * (serverChanged answers the Conflict question), and a turn with nothing to send keeps the
 * client's key when asked to.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { beginCollectionSync, prepareCollectionSync, type CollectionSyncRequest } from '../../../../gateway/sync/collection-sync.js';
import { tempStore } from '../state/helpers.js';
import { FakeFeed } from './fake-feed.js';

const device = { user: 'alice@example.org', deviceId: 'BEGIN1' };
const NOW = new Date('2026-11-25T12:00:00Z');

async function setup(t: TestContext) {
  const { store } = tempStore(t);
  await store.touchDevice({ ...device, at: NOW });
  const feed = new FakeFeed();
  const req = (syncKey: string, more: Partial<CollectionSyncRequest> = {}): CollectionSyncRequest => ({ device, collectionId: '5', collection: 'INBOX', syncKey, now: NOW, ...more });
  const commit = async (syncKey: string, more: Partial<CollectionSyncRequest> = {}) => {
    const r = await prepareCollectionSync(feed, store, req(syncKey, more));
    assert.equal(r.status, 'ok');
    if (r.status !== 'ok') throw new Error('unreachable');
    await store.transaction((tx) => r.commit(tx));
    return r;
  };
  return { store, feed, req, commit };
}

describe('collection sync in two steps', () => {
  it('serverChanged: items the feed reports changed or removed, and changes still pending', async (t) => {
    const h = await setup(t);
    h.feed.append('2026-11-01', 4);
    let key = (await h.commit('0')).syncKey;
    key = (await h.commit(key)).syncKey;
    h.feed.touch('1');
    h.feed.expunge('2');
    const start = await beginCollectionSync(h.feed, h.store, h.req(key));
    assert.ok(start.status === 'ok');
    assert.deepEqual(['1', '2', '3'].map((id) => start.serverChanged(id)), [true, true, false]);
    const turn = start.finish({ changed: ['1'] });
    assert.deepEqual(turn.ops, [{ kind: 'delete', id: '2' }], 'the client\'s own change is not echoed');
  });

  it('nothing to send: the key is kept and nothing is written; a retry of the previous key still works', async (t) => {
    const h = await setup(t);
    h.feed.append('2026-11-01', 2);
    const k1 = (await h.commit('0')).syncKey;
    const first = await h.commit(k1);
    const k2 = first.syncKey;
    const start = await beginCollectionSync(h.feed, h.store, h.req(k2));
    assert.ok(start.status === 'ok');
    const idle = start.finish(undefined, { keepKeyWhenIdle: true });
    assert.deepEqual([idle.idle, idle.syncKey, idle.ops], [true, k2, []]);
    await h.store.transaction((tx) => idle.commit(tx));
    assert.equal((await h.store.getLatestSyncState(device, '5'))?.syncKey, k2);
    const retry = await prepareCollectionSync(h.feed, h.store, h.req(k1));
    assert.ok(retry.status === 'ok' && retry.retry);
    assert.deepEqual(retry.ops, first.ops);
  });

  it('an idle turn follows the feed: a change on an item the client never got moves the cursor under the same key', async (t) => {
    const h = await setup(t);
    h.feed.append('2026-11-01', 1);
    let key = (await h.commit('0')).syncKey;
    key = (await h.commit(key)).syncKey;
    h.feed.expunge('1');
    h.feed.append('2026-11-02', 1);
    h.feed.expunge('2');
    const start = await beginCollectionSync(h.feed, h.store, h.req(key));
    assert.ok(start.status === 'ok');
    const turn = start.finish(undefined, { keepKeyWhenIdle: true });
    assert.deepEqual(turn.ops, [{ kind: 'delete', id: '1' }]);
    assert.equal(turn.idle, false);
  });

  it('GetChanges off sends nothing and keeps what is pending for later', async (t) => {
    const h = await setup(t);
    h.feed.append('2026-11-01', 3);
    const k1 = (await h.commit('0')).syncKey;
    const quiet = await h.commit(k1, { getChanges: false });
    assert.deepEqual(quiet.ops, []);
    const later = await h.commit(quiet.syncKey);
    assert.equal(later.ops.length, 3);
  });

  it('without a FilterType the state keeps its own', async (t) => {
    const h = await setup(t);
    h.feed.append('2026-10-01', 1);
    h.feed.append('2026-11-24', 1);
    const k1 = (await h.commit('0', { filterType: 3 })).syncKey;
    const r = await h.commit(k1);
    assert.deepEqual(r.ops, [{ kind: 'add', id: '2' }]);
  });
});
