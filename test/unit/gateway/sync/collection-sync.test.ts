import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { StateStore } from '../../../../gateway/ports/state-store.js';
import { ConcurrentSyncError, prepareCollectionSync, type CollectionSyncRequest, type CollectionSyncTurn } from '../../../../gateway/sync/collection-sync.js';
import type { SyncOp } from '../../../../gateway/sync/collection-state.js';
import { tempStore } from '../state/helpers.js';
import { FakeFeed } from './fake-feed.js';

const device = { user: 'alice@example.org', deviceId: 'SYNCTEST1' };
const DAY0 = new Date('2026-11-25T12:00:00Z');

interface Harness {
  feed: FakeFeed;
  store: StateStore;
  /** Prepares and commits one turn, like the command would. */
  sync(syncKey: string, more?: Partial<CollectionSyncRequest>): Promise<Extract<CollectionSyncTurn, { status: 'ok' }>>;
  turn(syncKey: string, more?: Partial<CollectionSyncRequest>): Promise<CollectionSyncTurn>;
}

async function harness(t: TestContext): Promise<Harness> {
  const { store } = tempStore(t);
  await store.touchDevice({ ...device, at: DAY0 });
  const feed = new FakeFeed();
  const turn = (syncKey: string, more: Partial<CollectionSyncRequest> = {}) =>
    prepareCollectionSync(feed, store, { device, collectionId: '5', collection: 'INBOX', syncKey, filterType: 0, now: DAY0, ...more });
  return {
    feed,
    store,
    turn,
    async sync(syncKey, more) {
      const r = await turn(syncKey, more);
      assert.equal(r.status, 'ok', `sync ${syncKey}: ${JSON.stringify(r)}`);
      if (r.status !== 'ok') throw new Error('unreachable');
      await store.transaction((tx) => r.commit(tx));
      return r;
    },
  };
}

const ids = (ops: readonly SyncOp[], kind?: SyncOp['kind']) => ops.filter((o) => !kind || o.kind === kind).map((o) => o.id);

/** Syncs until MoreAvailable is off; returns every op and the last key. */
async function drain(h: Harness, key: string, more: Partial<CollectionSyncRequest> = {}): Promise<{ ops: SyncOp[]; key: string; rounds: number }> {
  const ops: SyncOp[] = [];
  let rounds = 0;
  for (;;) {
    const r = await h.sync(key, more);
    ops.push(...r.ops);
    key = r.syncKey;
    rounds += 1;
    if (!r.moreAvailable) return { ops, key, rounds };
  }
}

describe('collection sync: priming and windows', () => {
  it('SyncKey 0 answers no items and one listing; the first GetChanges sends the newest first', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 250);
    const prime = await h.sync('0');
    assert.deepEqual(prime.ops, []);
    assert.equal(prime.moreAvailable, false);
    assert.deepEqual(h.feed.calls, { open: 1, listIds: 1, changesSince: 0 });
    const first = await h.sync(prime.syncKey);
    assert.equal(first.ops.length, 100);
    assert.equal(first.moreAvailable, true);
    assert.deepEqual(ids(first.ops).slice(0, 3), ['250', '249', '248']);
    assert.equal(first.syncKey, String(Number(prime.syncKey) + 1));
  });

  it('MoreAvailable over many rounds delivers every item exactly once, while items come and go', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 1050);
    let key = (await h.sync('0')).syncKey;
    const seen = new Map<string, number>();
    const deleted: string[] = [];
    let round = 0;
    for (let more = true; more; round++) {
      const r = await h.sync(key, { windowSize: 77 });
      assert.ok(r.ops.length <= 77);
      for (const op of r.ops) {
        if (op.kind === 'add') seen.set(op.id, (seen.get(op.id) ?? 0) + 1);
        if (op.kind === 'delete') deleted.push(op.id);
      }
      key = r.syncKey;
      more = r.moreAvailable;
      if (round === 3) h.feed.append('2026-11-20', 5); // 1051..1055 arrive mid-fill
      if (round === 4) {
        h.feed.expunge('1'); // not sent yet: never announced
        h.feed.expunge('1050'); // sent in round 0: Delete
      }
    }
    const expected = [...h.feed.items.keys()].map(String);
    assert.equal(seen.size, expected.length + 1); // 1050 was added, then deleted
    for (const [id, n] of seen) assert.equal(n, 1, `item ${id} sent ${n} times`);
    for (const id of expected) assert.ok(seen.has(id), `item ${id} never sent`);
    assert.ok(!seen.has('1'));
    assert.deepEqual(deleted, ['1050']);
  });

  it('100,000 items: prime, and windows of 512 stay small and quick (printed)', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 100_000);
    for (let i = 1; i <= 100_000; i += 7) h.feed.expunge(String(i)); // a fragmented folder
    const t0 = performance.now();
    const prime = await h.sync('0');
    const tPrime = performance.now() - t0;
    const primeBytes = (await h.store.getLatestSyncState(device, '5'))!.snapshot.length;
    const t1 = performance.now();
    const first = await h.sync(prime.syncKey, { windowSize: 512 });
    const tFirst = performance.now() - t1;
    assert.equal(first.ops.length, 512);
    const firstBytes = (await h.store.getLatestSyncState(device, '5'))!.snapshot.length;
    const t2 = performance.now();
    const second = await h.sync(first.syncKey, { windowSize: 512 });
    const tSecond = performance.now() - t2;
    assert.ok(Number(second.ops[0]!.id) < Number(first.ops[511]!.id));
    assert.ok([...first.ops, ...second.ops].every((o) => o.kind === 'add' && Number(o.id) % 7 !== 1), 'no expunged item is sent');
    console.log(`# 100k items (1 in 7 expunged): prime ${tPrime.toFixed(0)} ms, state ${primeBytes} B; window of 512 ${tFirst.toFixed(0)} ms, state ${firstBytes} B; next window ${tSecond.toFixed(0)} ms`);
    assert.ok(primeBytes < 64 * 1024 && firstBytes < 64 * 1024);
  });

  it('WindowSize: default 100, capped at 512, nonsense means default', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 1000);
    let key = (await h.sync('0')).syncKey;
    for (const [asked, got] of [[undefined, 100], [5000, 512], [0, 100], [3, 3]] as const) {
      const r = await h.sync(key, asked === undefined ? {} : { windowSize: asked });
      assert.equal(r.ops.length, got, `WindowSize ${asked}`);
      key = r.syncKey;
    }
  });
});

describe('collection sync: server changes', () => {
  it('a flag change on a held item is a Change, on an unsent item nothing; expunge is a Delete; new mail an Add', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 150);
    let { key } = await drain(h, (await h.sync('0')).syncKey, { windowSize: 512 });
    h.feed.touch('7');
    h.feed.expunge('9');
    const [n] = h.feed.append('2026-11-25');
    let r = await h.sync(key);
    assert.deepEqual(r.ops, [{ kind: 'delete', id: '9' }, { kind: 'change', id: '7' }, { kind: 'add', id: n! }]);
    key = r.syncKey;
    r = await h.sync(key);
    assert.deepEqual(r.ops, []);
    assert.equal(h.feed.calls.listIds, 1, 'incremental syncs never list the collection');
  });

  it('the client’s own changes are not echoed back', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 10);
    let { key } = await drain(h, (await h.sync('0')).syncKey);
    h.feed.touch('3');
    h.feed.expunge('4');
    const [draft] = h.feed.append('2026-11-25');
    h.feed.touch('5'); // a server-side change alongside
    const r = await h.sync(key, { clientApplied: { changed: ['3'], deleted: ['4'], added: [draft!] } });
    assert.deepEqual(r.ops, [{ kind: 'change', id: '5' }]);
    key = r.syncKey;
    h.feed.touch(draft!);
    assert.deepEqual((await h.sync(key)).ops, [{ kind: 'change', id: draft }]);
  });

  it('a client change given with its version hides only that version: a later server change still arrives', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 5);
    const { key } = await drain(h, (await h.sync('0')).syncKey);
    h.feed.touch('2'); // the client's Read, as its STORE answered it
    const mine = String(h.feed.modseq);
    h.feed.touch('3'); // the client's change, but someone else changed it again right after
    const theirs = String(h.feed.modseq);
    h.feed.touch('3');
    const r = await h.sync(key, { clientApplied: { changed: [{ id: '2', version: mine }, { id: '3', version: theirs }] } });
    assert.deepEqual(r.ops, [{ kind: 'change', id: '3' }]);
  });

  it('time moving the window soft-deletes what fell out; widening the FilterType adds it back', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-10-01', 3); // 1..3
    h.feed.append('2026-10-28', 2); // 4..5
    h.feed.append('2026-11-20', 2); // 6..7
    const month = { filterType: 5 }; // 30 days: on 2026-11-25 the cutoff is 2026-10-26
    const prime = await h.sync('0', month);
    const filled = await drain(h, prime.syncKey, month);
    let key = filled.key;
    assert.deepEqual(ids(filled.ops, 'add'), ['7', '6', '5', '4']);
    const later = new Date('2026-12-05T08:00:00Z'); // cutoff 2026-11-05
    let r = await h.sync(key, { ...month, now: later });
    assert.deepEqual(r.ops, [{ kind: 'soft-delete', id: '5' }, { kind: 'soft-delete', id: '4' }]);
    key = r.syncKey;
    r = await h.sync(key, { ...month, now: later });
    assert.deepEqual(r.ops, []);
    key = r.syncKey;
    r = await h.sync(key, { filterType: 0, now: later });
    assert.deepEqual(ids(r.ops, 'add'), ['5', '4', '3', '2', '1']);
  });

  it('a new validity (folder recreated) asks for a re-prime, and SyncKey 0 then starts cleanly', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 10);
    const { key } = await drain(h, (await h.sync('0')).syncKey);
    h.feed.recreate();
    h.feed.append('2026-11-02', 3);
    assert.deepEqual(await h.turn(key), { status: 'reset', reason: 'uidvalidity' });
    const prime = await h.sync('0');
    const { ops } = await drain(h, prime.syncKey);
    assert.deepEqual(ids(ops), ['3', '2', '1']);
  });
});

describe('collection sync: keys and retries', () => {
  it('a retried key gets exactly the same operations and key, with no feed read, and nothing is lost', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 30);
    const prime = await h.sync('0');
    const first = await h.sync(prime.syncKey, { windowSize: 10 });
    h.feed.touch('30');
    h.feed.expunge('29');
    const second = await h.sync(first.syncKey, { windowSize: 10 });
    const calls = h.feed.calls.changesSince;
    h.feed.touch('28'); // changes after the lost response wait for the next request
    const retry = await h.sync(first.syncKey, { windowSize: 10 });
    assert.equal(h.feed.calls.changesSince, calls);
    assert.equal(retry.retry, true);
    assert.equal(retry.syncKey, second.syncKey);
    assert.deepEqual(retry.ops, second.ops);
    assert.equal(retry.moreAvailable, second.moreAvailable);
    const again = await h.sync(first.syncKey, { windowSize: 10 });
    assert.deepEqual(again.ops, second.ops);
    const { ops } = await drain(h, retry.syncKey, { windowSize: 10 });
    assert.ok(ids(ops).includes('28'));
    const adds = [...ids(first.ops, 'add'), ...ids(second.ops, 'add'), ...ids(ops, 'add')];
    assert.equal(new Set(adds).size, adds.length, 'no Add twice');
    assert.equal(adds.length, 30); // 29 was sent in the first window, then expunged
    assert.deepEqual(ids(second.ops, 'delete'), ['29']);
  });

  it('after moving on, the key before the previous one is unknown; so are garbage and keys never issued', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 30);
    const k1 = (await h.sync('0')).syncKey;
    const k2 = (await h.sync(k1, { windowSize: 10 })).syncKey;
    const k3 = (await h.sync(k2, { windowSize: 10 })).syncKey;
    assert.equal((await h.turn(k3, { windowSize: 10 })).status, 'ok');
    assert.equal((await h.turn(k1)).status, 'invalid-key');
    for (const k of ['abc', '-1', '01', '', '99999999999999999999', String(Number(k3) + 5)]) {
      assert.equal((await h.turn(k)).status, 'invalid-key', k);
    }
  });

  it('a collection never primed has no keys', async (t) => {
    const h = await harness(t);
    assert.equal((await h.turn('1')).status, 'invalid-key');
  });

  it('GetChanges off: nothing is read from the feed, nothing is lost', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 5);
    let { key } = await drain(h, (await h.sync('0')).syncKey);
    h.feed.touch('2');
    const calls = h.feed.calls.changesSince;
    const r = await h.sync(key, { getChanges: false });
    assert.deepEqual(r.ops, []);
    assert.equal(h.feed.calls.changesSince, calls);
    key = r.syncKey;
    assert.deepEqual((await h.sync(key)).ops, [{ kind: 'change', id: '2' }]);
  });

  it('two requests racing on one collection: the second commit fails, state stays consistent', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 5);
    const k1 = (await h.sync('0')).syncKey;
    const a = await h.turn(k1);
    const b = await h.turn(k1);
    assert.ok(a.status === 'ok' && b.status === 'ok');
    await h.store.transaction((tx) => a.commit(tx));
    await assert.rejects(h.store.transaction((tx) => b.commit(tx)), ConcurrentSyncError);
  });

  it('the ClientId map of a response is kept with its key', async (t) => {
    const h = await harness(t);
    const k1 = (await h.sync('0')).syncKey;
    const r = await h.turn(k1);
    assert.ok(r.status === 'ok');
    await h.store.transaction((tx) => r.commit(tx, new Map([['c-1', '5:17']])));
    assert.deepEqual([...(await h.store.lookupClientIds(device, '5', ['c-1']))], [['c-1', '5:17']]);
  });

  it('a retry answered again keeps the ClientId map of the first answer and adds nothing twice', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-01', 3);
    const k1 = (await h.sync('0')).syncKey;
    const first = await h.turn(k1);
    assert.ok(first.status === 'ok');
    await h.store.transaction((tx) => first.commit(tx, new Map([['c-9', '5:3']])));
    const retry = await h.turn(k1);
    assert.ok(retry.status === 'ok' && retry.retry);
    assert.deepEqual(retry.ops, first.ops);
    await h.store.transaction((tx) => retry.commit(tx, new Map([['c-9', '5:3']])));
    assert.deepEqual([...(await h.store.lookupClientIds(device, '5', ['c-9']))], [['c-9', '5:3']]);
    const next = await h.sync(first.syncKey);
    assert.deepEqual(next.ops, []);
  });

  it('a snapshot this version cannot read is an unknown key (the client re-primes)', async (t) => {
    const h = await harness(t);
    const k1 = (await h.sync('0')).syncKey;
    await h.store.putSyncState(device, { collectionId: '5', syncKey: String(Number(k1) + 1), snapshot: Uint8Array.of(1, 2, 3), previousSyncKey: k1 });
    assert.deepEqual(await h.turn(String(Number(k1) + 1)), { status: 'invalid-key' });
  });
});

