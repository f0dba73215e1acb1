/**
 * ImapMailMessages.searchMessages against the real Dovecot, in a folder of this run's own seeded
 * with 2,000 known messages: words, phrases, date ranges and OR, each compared with what the
 * seeder says it wrote; hits newest first; and the commands on the wire (EXAMINE, one UID SORT,
 * one UID FETCH of the dates asked for).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { openImapSession, type ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import { FolderNotFoundError } from '../../../gateway/ports/mail-messages.js';
import { seedMailbox, type SeedMailboxResult } from '../../../test-fixtures/seed/index.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';
import { recordCommands } from '../../support/imap.js';

const RUN = `mvs${process.pid.toString(36)}${Date.now().toString(36)}`;
const BOX = `${RUN}-search`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const poolOptions = { maxConnections: 4, maxPerUser: 3, idleMs: 30_000, maxAgeMs: 600_000, acquireTimeoutMs: 5000 };

let pool: SessionPool<ImapSession>;
let messages: ImapMailMessages;
let seeded: SeedMailboxResult;
const sent: string[] = [];

/** A word that occurs in some but not all seeded subjects. */
function commonWord(): { word: string; uids: number[] } {
  const counts = new Map<string, number>();
  for (const m of seeded.messages) for (const w of new Set(m.subject.toLowerCase().match(/[a-z]{5,}/g) ?? [])) counts.set(w, (counts.get(w) ?? 0) + 1);
  const [word] = [...counts].filter(([, n]) => n > 150 && n < 1000).sort((a, b) => b[1] - a[1])[0]!;
  return { word, uids: seeded.messages.filter((m) => m.subject.toLowerCase().includes(word)).map((m) => m.uid!) };
}

describe('ImapMailMessages.searchMessages on Dovecot', { timeout: 180_000 }, () => {
  before(async () => {
    await requireImap();
    pool = new SessionPool(async (c) => recordCommands(await openImapSession({ host: IMAP_HOST, port: IMAP_PORT, secure: false, rejectUnauthorized: false, connectTimeoutMs: 5000 }, c), sent), poolOptions);
    messages = new ImapMailMessages(pool, ALICE, new AbortController().signal);
    seeded = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BOX, count: 2000, seed: 11 });
  });

  after(async () => {
    const checker = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    await checker.connect();
    await checker.mailboxDelete(BOX).catch(() => undefined);
    await checker.logout();
    await pool.close();
  });

  test('a subject word: every seeded message whose subject has it (body hits may add more), newest first, with dates of the first 10', async () => {
    const { word, uids } = commonWord();
    sent.length = 0;
    const r = await messages.searchMessages(BOX, { kind: 'text', text: word }, { datesOfFirst: 10 });
    assert.equal(r.box.uidValidity, seeded.uidValidity);
    const hits = new Set(r.uids);
    assert.deepEqual(uids.filter((u) => !hits.has(u)), [], 'every subject match is found');
    assert.deepEqual([...r.uids], [...r.uids].sort((a, b) => b - a), 'newest first (the seeder appends oldest first)');
    assert.equal(r.dates.size, 10);
    // imapflow's mailboxOpen may LIST first; the search itself is one UID SORT and one small UID FETCH.
    assert.deepEqual(sent.filter((c) => c.startsWith('UID ')), ['UID SORT', 'UID FETCH']);
  });

  test('a date range: exactly the messages received strictly between two instants', async () => {
    const sorted = seeded.messages.map((m) => m.internalDate.getTime()).sort((a, b) => a - b);
    // Boundaries halfway between two neighbours, so second granularity cannot matter.
    const after = new Date((sorted[500]! + sorted[501]!) / 2);
    const before = new Date((sorted[800]! + sorted[801]!) / 2);
    const r = await messages.searchMessages(BOX, { kind: 'and', of: [{ kind: 'receivedAfter', date: after }, { kind: 'receivedBefore', date: before }] });
    const expected = seeded.messages.filter((m) => m.internalDate > after && m.internalDate < before).map((m) => m.uid!).sort((a, b) => b - a);
    assert.equal(expected.length, 300);
    assert.deepEqual([...r.uids], expected);
  });

  test('OR of two subject words, a non-ASCII word, and a word nobody wrote', async () => {
    const nonAscii = seeded.messages.map((m) => m.subject.split(/\s+/).find((w) => /[^\x00-\x7f]/.test(w) && w.length > 3)).find((w) => w !== undefined);
    const { word } = commonWord();
    if (nonAscii) {
      const r = await messages.searchMessages(BOX, { kind: 'or', of: [{ kind: 'text', text: nonAscii }, { kind: 'text', text: word }] });
      const want = seeded.messages.filter((m) => m.subject.includes(nonAscii) || m.subject.toLowerCase().includes(word)).map((m) => m.uid!);
      const hits = new Set(r.uids);
      assert.deepEqual(want.filter((u) => !hits.has(u)), []);
    }
    const none = await messages.searchMessages(BOX, { kind: 'text', text: `zz${RUN}qq` });
    assert.deepEqual(none.uids, []);
  });

  test('a search given up (signal) drops its connection at once, and the next search runs on a fresh one', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const pending = messages.searchMessages(BOX, { kind: 'text', text: `nowhere${RUN}` }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(pending);
    assert.ok(performance.now() - started < 1000);
    const r = await messages.searchMessages(BOX, { kind: 'text', text: commonWord().word });
    assert.ok(r.uids.length > 0);
    await assert.rejects(messages.searchMessages(BOX, { kind: 'all' }, { signal: AbortSignal.abort() }));
  });

  test('a folder that does not exist is FolderNotFoundError', async () => {
    await assert.rejects(messages.searchMessages(`${BOX}-missing`, { kind: 'all' }), FolderNotFoundError);
  });
});
