import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from './helpers.js';

const INBOX = { path: 'INBOX', uidValidity: 5 };

test('flag details: stored per user, mailbox, UIDVALIDITY and UID; null forgets; a new UIDVALIDITY voids the old ones', async (t) => {
  const { store } = tempStore(t);
  await store.putFlagDetails('alice@example.org', INBOX, [{ uid: 1, details: '{"a":1}' }, { uid: 2, details: '{"b":2}' }]);
  await store.putFlagDetails('bob@example.org', INBOX, [{ uid: 1, details: '{"bob":1}' }]);
  assert.deepEqual(await store.getFlagDetails('alice@example.org', INBOX, [1, 2, 3]), new Map([[1, '{"a":1}'], [2, '{"b":2}']]));
  assert.deepEqual(await store.getFlagDetails('alice@example.org', { path: 'Other', uidValidity: 5 }, [1]), new Map());
  assert.deepEqual(await store.getFlagDetails('alice@example.org', INBOX, []), new Map());

  await store.putFlagDetails('alice@example.org', INBOX, [{ uid: 1, details: null }, { uid: 2, details: '{"b":3}' }]);
  assert.deepEqual(await store.getFlagDetails('alice@example.org', INBOX, [1, 2]), new Map([[2, '{"b":3}']]));

  const renumbered = { path: 'INBOX', uidValidity: 6 };
  assert.deepEqual(await store.getFlagDetails('alice@example.org', renumbered, [2]), new Map());
  await store.putFlagDetails('alice@example.org', renumbered, [{ uid: 7, details: '{}' }]);
  assert.deepEqual(await store.getFlagDetails('alice@example.org', INBOX, [2]), new Map(), 'written under the new UIDVALIDITY, the old entries went');
  assert.deepEqual(await store.getFlagDetails('bob@example.org', INBOX, [1]), new Map([[1, '{"bob":1}']]), 'other users untouched');
});

test('flag details inside a transaction roll back with it', async (t) => {
  const { store } = tempStore(t);
  await assert.rejects(store.transaction(async (tx) => {
    await tx.putFlagDetails('alice@example.org', INBOX, [{ uid: 9, details: '{}' }]);
    throw new Error('boom');
  }));
  assert.deepEqual(await store.getFlagDetails('alice@example.org', INBOX, [9]), new Map());
});

test('flag details keyed by the folder id follow the folder across a rename; rows stored by path are still read and move to the id when written', async (t) => {
  const { store } = tempStore(t);
  const user = 'alice@example.org';
  // Stored before ids were passed: by path.
  await store.putFlagDetails(user, { path: 'Projects', uidValidity: 9 }, [{ uid: 1, details: '{"old":1}' }, { uid: 2, details: '{"old":2}' }]);
  const byId = { path: 'Projects', uidValidity: 9, folderId: 'imap:guid:abc' };
  assert.deepEqual(await store.getFlagDetails(user, byId, [1, 2]), new Map([[1, '{"old":1}'], [2, '{"old":2}']]), 'path rows are read with an id');
  await store.putFlagDetails(user, byId, [{ uid: 1, details: '{"new":1}' }]);
  // Renamed on the server: same id and UIDVALIDITY, new path.
  const renamed = { path: 'Archive/Projects', uidValidity: 9, folderId: 'imap:guid:abc' };
  assert.deepEqual(await store.getFlagDetails(user, renamed, [1, 2]), new Map([[1, '{"new":1}']]), 'what was written under the id follows; the untouched path row stays with the old path');
  await store.putFlagDetails(user, renamed, [{ uid: 1, details: null }]);
  assert.deepEqual(await store.getFlagDetails(user, renamed, [1]), new Map());
  assert.deepEqual(await store.getFlagDetails(user, { path: 'Projects', uidValidity: 9 }, [1, 2]), new Map([[2, '{"old":2}']]), 'the id row moved out of the path key when written');
});
