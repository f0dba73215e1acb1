import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceNotFoundError, StateStoreError, type FolderEntry } from '../../../../gateway/ports/state-store.js';
import { alice, bob, tempStore } from './helpers.js';

const inbox: FolderEntry = { serverId: '1', parentId: '0', displayName: 'Inbox', type: 2, backendId: 'imap:guid-inbox' };
const sent: FolderEntry = { serverId: '2', parentId: '0', displayName: 'Sent', type: 5, backendId: 'imap:guid-sent' };
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

test('folder states: get by key, latest, and the previous one kept for a retry', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  assert.equal(await store.getLatestFolderState(alice), undefined);
  const at = new Date('2026-11-25T10:00:00.000Z');
  await store.putFolderState(alice, { syncKey: '1', folders: [inbox], at });
  await store.putFolderState(alice, { syncKey: '2', folders: [inbox, sent] });
  assert.deepEqual(await store.getFolderState(alice, '1'), { syncKey: '1', folders: [inbox], createdAt: at });
  assert.deepEqual((await store.getLatestFolderState(alice))?.folders, [inbox, sent]);
  await store.putFolderState(alice, { syncKey: '3', folders: [sent] });
  assert.equal(await store.getFolderState(alice, '1'), undefined, 'older than the previous: pruned');
  assert.ok(await store.getFolderState(alice, '2'));
  assert.equal(await store.getFolderState(bob, '3'), undefined);
});

test('folder states: a retry answered with a fresh key keeps the key the client sent', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await store.putFolderState(alice, { syncKey: '1', folders: [inbox] });
  await store.putFolderState(alice, { syncKey: '2', folders: [inbox], previousSyncKey: '1' });
  // The client never saw key 2 and sends 1 again; we answer with key 3.
  await store.putFolderState(alice, { syncKey: '3', folders: [inbox, sent], previousSyncKey: '1' });
  assert.ok(await store.getFolderState(alice, '1'));
  assert.equal(await store.getFolderState(alice, '2'), undefined);
  // Re-putting the same key replaces it in place.
  await store.putFolderState(alice, { syncKey: '3', folders: [sent], previousSyncKey: '1' });
  assert.deepEqual((await store.getFolderState(alice, '3'))?.folders, [sent]);
  assert.ok(await store.getFolderState(alice, '1'));
});

test('folder states: only the known entry fields are stored; key 0 and unknown devices are refused', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  const extra = { ...inbox, password: 'hunter2' } as FolderEntry;
  await store.putFolderState(alice, { syncKey: '1', folders: [extra] });
  assert.deepEqual((await store.getFolderState(alice, '1'))?.folders, [inbox]);
  await assert.rejects(store.putFolderState(alice, { syncKey: '0', folders: [] }), StateStoreError);
  await assert.rejects(store.putFolderState(alice, { syncKey: '', folders: [] }), StateStoreError);
  await assert.rejects(store.putFolderState(alice, { syncKey: '4', folders: [], previousSyncKey: '4' }), StateStoreError);
  await assert.rejects(store.putFolderState(bob, { syncKey: '1', folders: [] }), DeviceNotFoundError);
});

test('resetFolderStates drops the hierarchy and the item states of that device only', async (t) => {
  const { store } = tempStore(t);
  for (const d of [alice, bob]) {
    await store.touchDevice(d);
    await store.putFolderState(d, { syncKey: '1', folders: [inbox] });
    await store.putSyncState(d, { collectionId: '1', syncKey: '1', snapshot: bytes(1) });
  }
  await store.resetFolderStates(alice);
  await store.resetFolderStates({ user: 'nobody', deviceId: 'x' });
  assert.equal(await store.getLatestFolderState(alice), undefined);
  assert.equal(await store.getLatestSyncState(alice, '1'), undefined);
  assert.ok(await store.getLatestFolderState(bob));
  assert.ok(await store.getLatestSyncState(bob, '1'));
});

test('folder id map: stable per user, allocated in order, never reused, renamable', async (t) => {
  const { store } = tempStore(t);
  assert.equal(await store.folderServerId(alice.user, 'imap:guid-inbox'), '1');
  assert.equal(await store.folderServerId(alice.user, 'imap:guid-sent'), '2');
  assert.equal(await store.folderServerId(alice.user, 'imap:guid-inbox'), '1');
  assert.equal(await store.folderServerId(bob.user, 'imap:guid-sent'), '1', 'each user has their own numbering');
  assert.equal(await store.folderBackendId(alice.user, '2'), 'imap:guid-sent');
  assert.equal(await store.folderBackendId(alice.user, '99'), undefined);
  assert.equal(await store.folderBackendId(alice.user, 'not-a-number'), undefined);
  await store.setFolderBackendId(alice.user, '2', 'imap:name:Sent Items');
  assert.equal(await store.folderServerId(alice.user, 'imap:name:Sent Items'), '2');
  assert.equal(await store.folderServerId(alice.user, 'imap:guid-sent'), '3', 'the old backend id gets a new ServerId');
  assert.deepEqual(await store.listFolderIds(alice.user), [
    { serverId: '1', backendId: 'imap:guid-inbox' },
    { serverId: '2', backendId: 'imap:name:Sent Items' },
    { serverId: '3', backendId: 'imap:guid-sent' },
  ]);
  await assert.rejects(store.setFolderBackendId(alice.user, '99', 'x'), /no folder ServerId 99/);
  await assert.rejects(store.setFolderBackendId(alice.user, 'abc', 'x'), /no folder ServerId abc/);
  await assert.rejects(store.setFolderBackendId(alice.user, '1', 'imap:guid-sent'), /already mapped/);
});

test('sync states: bytes round-trip, latest, previous kept, older pruned, per collection', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  const at = new Date('2026-11-25T10:00:00.000Z');
  await store.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: bytes(0, 255, 10), at });
  await store.putSyncState(alice, { collectionId: '6', syncKey: '1', snapshot: bytes(6) });
  assert.deepEqual(await store.getSyncState(alice, '5', '1'), { collectionId: '5', syncKey: '1', snapshot: bytes(0, 255, 10), createdAt: at });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '2', snapshot: bytes(2) });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '3', snapshot: bytes(3) });
  assert.equal(await store.getSyncState(alice, '5', '1'), undefined);
  assert.deepEqual((await store.getSyncState(alice, '5', '2'))?.snapshot, bytes(2));
  assert.equal((await store.getLatestSyncState(alice, '5'))?.syncKey, '3');
  assert.deepEqual((await store.getSyncState(alice, '6', '1'))?.snapshot, bytes(6), 'other collections untouched');
  assert.equal(await store.getSyncState(alice, '7', '1'), undefined);
  await assert.rejects(store.putSyncState(bob, { collectionId: '5', syncKey: '1', snapshot: bytes() }), DeviceNotFoundError);
  await assert.rejects(store.putSyncState(alice, { collectionId: '5', syncKey: '0', snapshot: bytes() }), StateStoreError);
});

test('sync states: a retry keeps the sent key and carries ClientIds forward (idempotent Add)', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await store.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: bytes(1) });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '2', previousSyncKey: '1', snapshot: bytes(2), clientIds: new Map([['c-1', '5:101'], ['c-2', '5:102']]) });
  // The response with key 2 was lost: the client sends key 1 and the same Adds again.
  const known = await store.lookupClientIds(alice, '5', ['c-1', 'c-2', 'c-3']);
  assert.deepEqual(known, new Map([['c-1', '5:101'], ['c-2', '5:102']]));
  await store.putSyncState(alice, { collectionId: '5', syncKey: '3', previousSyncKey: '1', snapshot: bytes(3), clientIds: new Map([...known, ['c-3', '5:103']]) });
  assert.ok(await store.getSyncState(alice, '5', '1'), 'the key the client holds survives');
  assert.equal(await store.getSyncState(alice, '5', '2'), undefined);
  assert.deepEqual(await store.lookupClientIds(alice, '5', ['c-1', 'c-3']), new Map([['c-1', '5:101'], ['c-3', '5:103']]));
  assert.deepEqual(await store.lookupClientIds(alice, '6', ['c-1']), new Map());
  assert.deepEqual(await store.lookupClientIds(alice, '5', []), new Map());
  // Replacing a key replaces its ClientIds too.
  await store.putSyncState(alice, { collectionId: '5', syncKey: '3', previousSyncKey: '1', snapshot: bytes(3) });
  assert.deepEqual(await store.lookupClientIds(alice, '5', ['c-3']), new Map());
  // Once the client moves on, ClientIds of pruned states go with them.
  await store.putSyncState(alice, { collectionId: '5', syncKey: '4', previousSyncKey: '3', snapshot: bytes(4), clientIds: new Map([['c-9', '5:109']]) });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '5', previousSyncKey: '4', snapshot: bytes(5) });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '6', previousSyncKey: '5', snapshot: bytes(6) });
  assert.deepEqual(await store.lookupClientIds(alice, '5', ['c-9']), new Map());
});

test('deleteSyncStates drops one collection or all of a device', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  for (const c of ['5', '6', '7']) await store.putSyncState(alice, { collectionId: c, syncKey: '1', snapshot: bytes(1) });
  await store.deleteSyncStates(alice, '5');
  assert.equal(await store.getLatestSyncState(alice, '5'), undefined);
  assert.ok(await store.getLatestSyncState(alice, '6'));
  await store.deleteSyncStates(alice);
  assert.equal(await store.getLatestSyncState(alice, '6'), undefined);
  assert.equal(await store.getLatestSyncState(alice, '7'), undefined);
  await store.deleteSyncStates(bob);
});

test('sent-message ClientIds: recorded once, answered until they expire, then reusable', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await store.touchDevice(bob);
  const later = new Date(Date.now() + 3_600_000);
  assert.equal(await store.wasMessageSent(alice, 'm-1'), false);
  assert.equal(await store.recordSentMessage(alice, 'm-1', later), true);
  assert.equal(await store.recordSentMessage(alice, 'm-1', later), false);
  assert.equal(await store.wasMessageSent(alice, 'm-1'), true);
  assert.equal(await store.wasMessageSent(bob, 'm-1'), false, 'per device');
  assert.equal(await store.wasMessageSent(alice, 'm-1', new Date(later.getTime() + 1)), false, 'expired');
  assert.equal(await store.recordSentMessage(alice, 'm-2', new Date(Date.now() - 1)), true);
  assert.equal(await store.recordSentMessage(alice, 'm-2', later), true, 'an expired record is taken over');
  await assert.rejects(store.recordSentMessage({ user: 'x', deviceId: 'y' }, 'm', later), DeviceNotFoundError);
});

test('prune drops expired ClientIds, and the states of devices idle since a cutoff', async (t) => {
  const { store } = tempStore(t);
  const old = new Date('2026-01-01T00:00:00.000Z');
  const recent = new Date('2026-11-01T00:00:00.000Z');
  await store.touchDevice({ ...alice, at: old });
  await store.touchDevice({ ...bob, at: recent });
  for (const d of [alice, bob]) {
    await store.putFolderState(d, { syncKey: '1', folders: [inbox] });
    await store.putSyncState(d, { collectionId: '1', syncKey: '1', snapshot: bytes(1) });
    await store.putSyncState(d, { collectionId: '2', syncKey: '1', snapshot: bytes(1) });
  }
  await store.recordSentMessage(alice, 'gone', new Date('2026-06-01T00:00:00.000Z'));
  await store.recordSentMessage(alice, 'kept', new Date('2026-12-01T00:00:00.000Z'));
  const now = new Date('2026-11-25T00:00:00.000Z');

  assert.deepEqual(await store.prune({ now }), { sentMessages: 1, folderStates: 0, syncStates: 0 });
  assert.equal(await store.wasMessageSent(alice, 'kept', now), true);

  const cutoff = new Date('2026-06-01T00:00:00.000Z');
  assert.deepEqual(await store.prune({ now, inactiveBefore: cutoff }), { sentMessages: 0, folderStates: 1, syncStates: 2 });
  assert.equal(await store.getLatestFolderState(alice), undefined);
  assert.equal(await store.getLatestSyncState(alice, '1'), undefined);
  assert.ok(await store.getDevice(alice), 'the device itself stays, with its operator flags');
  assert.ok(await store.getLatestFolderState(bob));
  assert.ok(await store.getLatestSyncState(bob, '2'));
  assert.deepEqual(await store.prune({ now }), { sentMessages: 0, folderStates: 0, syncStates: 0 });
});
