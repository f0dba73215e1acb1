import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStateStore } from '../../../../gateway/adapters/state/sqlite/index.js';
import type { StateStoreOps } from '../../../../gateway/ports/state-store.js';
import { alice, bob, tempStore } from './helpers.js';

const later = (): Date => new Date(Date.now() + 60_000);

test('a transaction commits all its writes and returns fn’s value', async (t) => {
  const { store } = tempStore(t);
  const result = await store.transaction(async (tx) => {
    await tx.touchDevice(alice);
    await tx.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: new Uint8Array([1]) });
    return 'done';
  });
  assert.equal(result, 'done');
  assert.ok(await store.getLatestSyncState(alice, '5'));
});

test('an exception inside a transaction leaves nothing written', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  const boom = new Error('boom');
  await assert.rejects(store.transaction(async (tx) => {
    await tx.touchDevice(bob);
    await tx.setBlocked(alice, true);
    await tx.putFolderState(alice, { syncKey: '1', folders: [] });
    await tx.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: new Uint8Array([1]), clientIds: new Map([['c', 's']]) });
    await tx.recordSentMessage(alice, 'm-1', later());
    await tx.folderServerId(alice.user, 'imap:inbox');
    await tx.requestWipe(alice, 'full');
    throw boom;
  }), (err) => err === boom);
  assert.equal(await store.getDevice(bob), undefined);
  const a = await store.getDevice(alice);
  assert.equal(a?.blocked, false);
  assert.equal(a?.wipe.state, 'none');
  assert.equal(await store.getLatestFolderState(alice), undefined);
  assert.equal(await store.getLatestSyncState(alice, '5'), undefined);
  assert.deepEqual(await store.lookupClientIds(alice, '5', ['c']), new Map());
  assert.equal(await store.wasMessageSent(alice, 'm-1'), false);
  assert.deepEqual(await store.listFolderIds(alice.user), []);
});

test('a failed op caught inside the transaction does not undo the others', async (t) => {
  const { store } = tempStore(t);
  await store.transaction(async (tx) => {
    await tx.touchDevice(alice);
    await assert.rejects(tx.putSyncState(bob, { collectionId: '5', syncKey: '1', snapshot: new Uint8Array() }));
    await tx.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: new Uint8Array([7]) });
  });
  assert.deepEqual((await store.getLatestSyncState(alice, '5'))?.snapshot, new Uint8Array([7]));
});

test('callers outside a transaction wait for it, so a rollback never takes their writes along', async (t) => {
  const { store } = tempStore(t);
  const order: string[] = [];
  let outside: Promise<unknown> | undefined;
  await assert.rejects(store.transaction(async (tx) => {
    await tx.touchDevice(alice);
    outside = store.touchDevice(bob).then(() => order.push('outside'));
    await sleep(20);
    order.push('tx-end');
    throw new Error('rollback');
  }));
  await outside;
  assert.deepEqual(order, ['tx-end', 'outside']);
  assert.ok(await store.getDevice(bob));
  assert.equal(await store.getDevice(alice), undefined);
});

test('concurrent transactions run one after the other', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  const log: string[] = [];
  const work = (name: string) => store.transaction(async (tx) => {
    log.push(`${name}:start`);
    await sleep(10);
    await tx.updateDevice(alice, { policyKey: name.length });
    log.push(`${name}:end`);
  });
  await Promise.all([work('a'), work('bb')]);
  assert.deepEqual(log, ['a:start', 'a:end', 'bb:start', 'bb:end']);
});

test('a transaction handle used after the transaction ended is refused', async (t) => {
  const { store } = tempStore(t);
  let leaked: StateStoreOps | undefined;
  await store.transaction(async (tx) => {
    leaked = tx;
  });
  await assert.rejects(leaked!.touchDevice(alice), /transaction already ended/);
});

test('another connection does not see uncommitted writes (the CLI next to the server)', async (t) => {
  const { store, dataDir } = tempStore(t);
  const other = openSqliteStateStore({ dataDir });
  t.after(() => other.close());
  await store.transaction(async (tx) => {
    await tx.touchDevice(alice);
    assert.equal(await other.getDevice(alice), undefined);
  });
  assert.ok(await other.getDevice(alice));
});

test('close waits for an open transaction; calls after close are refused', async (t) => {
  const { store } = tempStore(t);
  const tx = store.transaction(async (x) => {
    await sleep(10);
    await x.touchDevice(alice);
  });
  await store.close();
  await tx;
  await assert.rejects(store.getDevice(alice), /closed/);
  await store.close();
});
