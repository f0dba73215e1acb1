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
