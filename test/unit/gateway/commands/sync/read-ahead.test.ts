/**
 * Sync's read-ahead: an entry serves one Sync whose Adds it holds all of, only with the flags
 * read again when it is served (flags changed since arrive, messages gone since are left out),
 * a failed read-ahead is a miss, and the cache is bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BodyRequest } from '../../../../../gateway/convert/email/body-plan.js';
import { loadEmailItemsFrom, type LoadEmailOptions } from '../../../../../gateway/commands/email/load-items.js';
import { SyncReadAhead, type ReadAheadScope } from '../../../../../gateway/commands/sync/read-ahead.js';
import type { MailboxRef } from '../../../../../gateway/ports/mail-messages.js';
import { FakeMessages } from './client-fakes.js';

/** No body bytes to fetch: TruncationSize 0. */
const BODY: BodyRequest = { bodyPreferences: [{ type: 1, truncationSize: 0 }] };
const OPTS: LoadEmailOptions = { version: '16.1', body: BODY, collectionId: '5' };

function setup(): { messages: FakeMessages; box: MailboxRef; uids: number[]; scope: ReadAheadScope } {
  const messages = new FakeMessages();
  const uids = [1, 2, 3, 4].map(() => messages.put('INBOX'));
  const box = { path: 'INBOX', uidValidity: 7 };
  return { messages, box, uids, scope: { user: 'alice', deviceId: 'D1', collectionId: '5', box, version: '16.1', body: BODY } };
}

describe('SyncReadAhead', () => {
  it('serves the Sync whose Adds it holds with the flags of now; a message gone since is left out', async () => {
    const { messages, box, uids, scope } = setup();
    const ra = new SyncReadAhead();
    ra.start(scope, messages, uids, OPTS);
    await ra.settled();
    // Another client reads, flags and expunges after the read-ahead.
    messages.flagsOf('INBOX', uids[0]!)!.push('\\Seen');
    messages.flagsOf('INBOX', uids[1]!)!.push('\\Flagged');
    messages.boxes.get('INBOX')!.msgs.delete(uids[3]!);
    messages.calls.length = 0;
    const ahead = await ra.take(scope, uids.slice(0, 4));
    assert.ok(ahead);
    const items = await loadEmailItemsFrom(messages, box, uids, OPTS, ahead);
    assert.deepEqual(messages.calls, [`FLAGS ${uids.join(',')}`], 'only the flags are read again');
    assert.deepEqual([...items.keys()], uids.slice(0, 3));
    assert.equal(items.get(uids[0]!)!.read, true);
    assert.equal(items.get(uids[1]!)!.read, false);
    assert.equal(items.get(uids[1]!)!.flag?.status, 2);
    assert.equal(items.get(uids[2]!)!.flag?.status, undefined);
    assert.equal(ra.hits, 1);
    assert.equal(await ra.take(scope, uids), undefined, 'served once');
  });

  it('a Sync asking for a UID the read-ahead does not hold fetches everything itself', async () => {
    const { messages, box, uids, scope } = setup();
    const ra = new SyncReadAhead();
    ra.start(scope, messages, uids.slice(0, 2), OPTS);
    assert.equal(await ra.take(scope, uids.slice(0, 3)), undefined);
    messages.calls.length = 0;
    const items = await loadEmailItemsFrom(messages, box, uids.slice(0, 3), OPTS, undefined);
    assert.equal(items.size, 3);
    assert.deepEqual(messages.calls, [`FETCH ${uids.slice(0, 3).join(',')}`]);
    assert.equal(ra.hits, 0);
  });

  it('is kept per device, collection, UIDVALIDITY and body options', async () => {
    const { messages, uids, scope } = setup();
    const ra = new SyncReadAhead();
    ra.start(scope, messages, uids, OPTS);
    assert.equal(await ra.take({ ...scope, deviceId: 'D2' }, uids), undefined);
    assert.equal(await ra.take({ ...scope, box: { path: 'INBOX', uidValidity: 8 } }, uids), undefined);
    assert.equal(await ra.take({ ...scope, body: { bodyPreferences: [{ type: 2, truncationSize: 0 }] } }, uids), undefined);
    assert.ok(await ra.take(scope, uids));
  });

  it('a read-ahead that fails is a miss, not an error', async () => {
    const { messages, uids, scope } = setup();
    messages.boxes.get('INBOX')!.uidValidity = 9; // the fake refuses the ref: UidValidityChangedError
    const ra = new SyncReadAhead();
    ra.start(scope, messages, uids, OPTS);
    assert.equal(await ra.take(scope, uids), undefined);
  });

  it('is bounded: the oldest read-ahead goes first', async () => {
    const { messages, uids, scope } = setup();
    const ra = new SyncReadAhead(2);
    for (const deviceId of ['A', 'B', 'C']) ra.start({ ...scope, deviceId }, messages, uids, OPTS);
    assert.equal(ra.size, 2);
    assert.equal(await ra.take({ ...scope, deviceId: 'A' }, uids), undefined);
    assert.ok(await ra.take({ ...scope, deviceId: 'C' }, uids));
  });

  it('needs fetchFlags: a port without it is never read ahead', async () => {
    const { messages, uids, scope } = setup();
    const bare = Object.assign(Object.create(Object.getPrototypeOf(messages) as object) as FakeMessages, messages, { fetchFlags: undefined });
    const ra = new SyncReadAhead();
    ra.start(scope, bare, uids, OPTS);
    assert.equal(ra.size, 0);
  });
});
