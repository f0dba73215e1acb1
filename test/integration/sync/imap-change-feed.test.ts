/**
 * ImapChangeFeed against the real Dovecot: every kind of change, the FilterType window, a
 * UIDVALIDITY change, and what an incremental call costs on the wire. Folders are unique to
 * this run and removed at the end (alice's INBOX is shared with other suites).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ImapChangeFeed } from '../../../gateway/adapters/imap/imap-change-feed.js';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { SelectionMemo } from '../../../gateway/adapters/imap/selection.js';
import { ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import { isFeedReset, type FeedChanges, type FeedFilter, type FeedReset } from '../../../gateway/ports/change-feed.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const RUN = `cf${process.pid.toString(36)}${Date.now().toString(36)}`;
const FRESH = `${RUN}-fresh`;
const BIG = `${RUN}-big`;
const WIN = `${RUN}-window`;
const NOQ = `${RUN}-noqresync`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const ALL: FeedFilter = { since: null };

/** Every command the feed's sessions send, as "TAG COMMAND args" lines. */
const wire: string[] = [];
let pool: SessionPool<ImapSession>;
let feed: ImapChangeFeed;
let peer: ImapFlow;

function openCounted(credentials: BackendCredentials, hide: readonly string[] = []): Promise<ImapSession> {
  const logger = {
    debug: (o: { src?: string; msg?: string }) => {
      if (o?.src === 'c' && typeof o.msg === 'string') wire.push(o.msg);
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    trace: () => undefined,
  };
  const client = credentials.withSecret(
    (user, pass) => new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user, pass }, logger, disableAutoIdle: true }),
  );
  client.on('error', () => undefined);
  return client.connect().then(() => {
    // A server without these, as far as the feed can tell.
    for (const cap of hide) client.capabilities.delete(cap);
    return new ImapSession(client);
  });
}

function changes(r: FeedChanges | FeedReset): FeedChanges {
  assert.ok(!isFeedReset(r), `unexpected reset ${JSON.stringify(r)}`);
  return r;
}

/** Runs fn and returns the commands it sent (without the tag). */
async function commands<T>(fn: () => Promise<T>): Promise<{ result: T; sent: string[]; ms: number }> {
  const from = wire.length;
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  return { result, sent: wire.slice(from).map((l) => l.replace(/^\S+ /, '')), ms };
}

const dayOffset = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const msg = (subject: string) => Buffer.from(`From: a@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@${RUN}>\r\n\r\nbody\r\n`);

describe('ImapChangeFeed on Dovecot', { timeout: 300_000 }, () => {
  before(async () => {
    await requireImap();
    pool = new SessionPool(openCounted, { maxConnections: 4, maxPerUser: 2, idleMs: 60_000, maxAgeMs: 600_000, acquireTimeoutMs: 10_000 });
    feed = new ImapChangeFeed(pool, ALICE, new AbortController().signal);
    peer = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false, disableAutoEnable: true });
    await peer.connect();
  });

  after(async () => {
    for (const box of [FRESH, BIG, WIN, NOQ]) await peer.mailboxDelete(box).catch(() => undefined);
    await peer.logout().catch(() => undefined);
    await pool.close();
  });

  test('a freshly created folder has a mod-sequence from the first call; an append is an Add', async () => {
    // The peer never enabled CONDSTORE: Dovecot has not turned mod-sequences on for this folder.
    await peer.mailboxCreate(FRESH);
    const cursor = await feed.open(FRESH);
    const c = JSON.parse(cursor) as { highestModSeq: string | null; uidNext: number };
    assert.notEqual(c.highestModSeq, null, 'HIGHESTMODSEQ on a fresh folder');
    assert.equal(c.uidNext, 1);
    const r0 = changes(await feed.changesSince(FRESH, cursor, ALL, ALL));
    assert.deepEqual([r0.added, r0.changed, r0.removed], [[], [], []]);
    await peer.append(FRESH, msg('first'));
    const r1 = changes(await feed.changesSince(FRESH, cursor, ALL, ALL));
    assert.deepEqual(r1.added, ['1']);
    assert.deepEqual([r1.changed, r1.removed], [[], []]);
  });

  test('UIDVALIDITY change (folder deleted and recreated under the same name) is a reset', async () => {
    const cursor = await feed.open(FRESH);
    await peer.mailboxDelete(FRESH);
    await peer.mailboxCreate(FRESH);
    await peer.append(FRESH, msg('again'));
    assert.deepEqual(await feed.changesSince(FRESH, cursor, ALL, ALL), { reset: 'uidvalidity' });
    assert.deepEqual(await feed.changesSince(FRESH, 'garbage', ALL, ALL), { reset: 'unknown-cursor' });
  });

  test('a folder deleted and recreated while a pooled session keeps it selected is still a reset', async () => {
    // Dovecot answers STATUS (and every command) of a selected mailbox from the session's view,
    // which goes on showing the deleted one: the feed must not ask that session.
    const box = `${RUN}-kept`;
    await peer.mailboxCreate(box);
    await peer.append(box, msg('first'));
    let cursor = await feed.open(box);
    await peer.append(box, msg('second'));
    const r = changes(await feed.changesSince(box, cursor, ALL, ALL));
    assert.equal(r.added.length, 1);
    cursor = r.newCursor;
    await peer.append(box, msg('third'));
    const kept = await commands(() => feed.changesSince(box, cursor, ALL, ALL));
    assert.ok(kept.sent.some((l) => /^UID FETCH 1:\* \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+ VANISHED\)$/.test(l)), kept.sent.join('\n'));
    cursor = changes(kept.result).newCursor;
    await peer.mailboxDelete(box);
    await peer.mailboxCreate(box);
    await peer.append(box, msg('reborn'));
    try {
      assert.deepEqual(await feed.changesSince(box, cursor, ALL, ALL), { reset: 'uidvalidity' });
    } finally {
      await peer.mailboxDelete(box).catch(() => undefined);
    }
  });

  test('one request (one SelectionMemo) NOOPs and STATUSes a kept selection once; the next request asks again and sees what changed', async () => {
    const box = `${RUN}-memo`;
    await peer.mailboxCreate(box);
    await peer.append(box, msg('one'));
    try {
      const request = () => {
        const selections = new SelectionMemo();
        return { selections, messages: new ImapMailMessages(pool, ALICE, new AbortController().signal, undefined, selections), feed: new ImapChangeFeed(pool, ALICE, new AbortController().signal, selections) };
      };
      // Prime a pooled session that keeps the folder selected (an earlier request's read).
      let cursor = await feed.open(box);
      const prime = request();
      await prime.messages.fetchViews(await prime.messages.mailboxRef(box), [1]);
      const first = request();
      const sync = await commands(async () => {
        const ref = await first.messages.mailboxRef(box);
        const r = changes(await first.feed.changesSince(box, cursor, ALL, ALL));
        await first.messages.fetchViews(ref, [1]);
        return r;
      });
      const noops = sync.sent.filter((l) => l === 'NOOP').length;
      const statuses = sync.sent.filter((l) => l.startsWith('STATUS')).length;
      assert.deepEqual([noops, statuses], [1, 1], sync.sent.join('\n'));
      cursor = sync.result.newCursor;
      // Another client delivers right after; a new request sees it at once.
      await peer.append(box, msg('two'));
      const second = request();
      const next = changes(await second.feed.changesSince(box, cursor, ALL, ALL));
      assert.deepEqual(next.added, ['2']);
      const views = await second.messages.fetchViews(await second.messages.mailboxRef(box), [2]);
      assert.equal(views.get(2)?.subject, 'two');
    } finally {
      await peer.mailboxDelete(box).catch(() => undefined);
    }
  });

  describe('2,000 messages', () => {
    let seededUids: number[] = [];
    before(async () => {
      const r = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BIG, count: 2000, seed: 11 });
      seededUids = r.messages.map((m) => m.uid!).sort((a, b) => b - a);
    });

    test('listIds pages every UID once, newest first, from one compact ESEARCH', async () => {
      const { result: pages, sent } = await commands(async () => {
        const pages: string[][] = [];
        for await (const p of feed.listIds(BIG, ALL, { pageSize: 300 })) pages.push(p);
        return pages;
      });
      assert.deepEqual(pages.map((p) => p.length), [300, 300, 300, 300, 300, 300, 200]);
      assert.deepEqual(pages.flat(), seededUids.map(String));
      assert.ok(sent.some((s) => s.startsWith('UID SEARCH RETURN (ALL)')), sent.join('\n'));
      // The window: what UID SEARCH SINCE finds, nothing else.
      const since = dayOffset(-60);
      const windowed: string[] = [];
      for await (const p of feed.listIds(BIG, { since })) windowed.push(...p);
      const lock = await peer.getMailboxLock(BIG);
      const expected = ((await peer.search({ since: new Date(`${since}T00:00:00Z`) }, { uid: true })) || []).sort((a, b) => b - a);
      lock.release();
      assert.ok(expected.length > 0 && expected.length < 2000, `window holds ${expected.length}`);
      assert.deepEqual(windowed, expected.map(String));
    });

    test('flag change, keyword change, expunge and append each show up, and only once', async () => {
      let cursor = await feed.open(BIG);
      const [a, b, c] = seededUids.slice(100, 103) as [number, number, number];
      const lock = await peer.getMailboxLock(BIG);
      try {
        await peer.messageFlagsAdd(String(a), ['\\Flagged'], { uid: true });
        await peer.messageFlagsAdd(String(b), ['$Project'], { uid: true });
      } finally {
        lock.release();
      }
      let r = changes(await feed.changesSince(BIG, cursor, ALL, ALL));
      assert.deepEqual(r.changed.map((x) => x.id).sort(), [String(a), String(b)].sort());
      assert.ok(r.changed.every((x) => /^[0-9]+$/.test(x.version)));
      assert.deepEqual([r.added, r.removed], [[], []]);
      cursor = r.newCursor;
      r = changes(await feed.changesSince(BIG, cursor, ALL, ALL));
      assert.deepEqual([r.changed, r.added, r.removed], [[], [], []]);

      const lock2 = await peer.getMailboxLock(BIG);
      try {
        await peer.messageDelete(String(c), { uid: true });
      } finally {
        lock2.release();
      }
      const appended = await peer.append(BIG, msg('new'));
      r = changes(await feed.changesSince(BIG, cursor, ALL, ALL));
      assert.deepEqual(r.removed, [String(c)]);
      assert.deepEqual(r.added, [String(appended && appended.uid)]);
      assert.deepEqual(r.changed, []);
    });

    test('on 8,000 messages, no change costs NOOP + STATUS on the session that keeps the folder selected; ten flag changes add one UID FETCH CHANGEDSINCE there', async () => {
      await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BIG, count: 8000, seed: 12 });
      const cursor = await feed.open(BIG);
      await feed.changesSince(BIG, cursor, ALL, ALL); // warm the session
      const idle = await commands(() => feed.changesSince(BIG, cursor, ALL, ALL));
      assert.deepEqual(changes(idle.result).changed, []);
      // The kept selection answers: NOOP brings its view up to date, STATUS reads it.
      assert.deepEqual(idle.sent.map((s) => s.split(' ')[0]), ['NOOP', 'STATUS'], idle.sent.join('\n'));
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push((await commands(() => feed.changesSince(BIG, cursor, ALL, ALL))).ms);
      times.sort((x, y) => x - y);
      const lock = await peer.getMailboxLock(BIG);
      try {
        await peer.noop(); // the peer's view of BIG predates the 8,000 just seeded
        for (let i = 0; i < 10; i++) await peer.messageFlagsAdd(String(2500 + i * 700), [`$${RUN}`], { uid: true });
      } finally {
        lock.release();
      }
      const ten = await commands(() => feed.changesSince(BIG, cursor, ALL, ALL));
      assert.equal(changes(ten.result).changed.length, 10, `${ten.sent.join("\n")}\n${JSON.stringify(ten.result)}`);
      const verbs = (sent: string[]) => sent.map((s) => (s.startsWith('UID ') ? s.split(' ').slice(0, 2).join(' ') : s.split(' ')[0])).filter((v) => v !== 'LIST');
      // A session that has BIG selected fetches the changes; without one, a QRESYNC EXAMINE.
      if (verbs(ten.sent).includes('EXAMINE')) {
        assert.deepEqual(verbs(ten.sent), ['STATUS', 'EXAMINE'], ten.sent.join('\n'));
        assert.match(ten.sent.find((s) => s.startsWith('EXAMINE'))!, /^EXAMINE \S+ \(QRESYNC \(\d+ \d+\)\)$/);
      } else assert.deepEqual(verbs(ten.sent), ['NOOP', 'STATUS', 'UID FETCH'], ten.sent.join('\n'));
      const again: number[] = [];
      let last: string[] = [];
      for (let i = 0; i < 9; i++) {
        const r = await commands(() => feed.changesSince(BIG, cursor, ALL, ALL));
        assert.equal(changes(r.result).changed.length, 10);
        again.push(r.ms);
        last = r.sent;
      }
      again.sort((x, y) => x - y);
      // Session affinity: from then on the selected session answers, O(changes), never an EXAMINE.
      assert.deepEqual(verbs(last), ['NOOP', 'STATUS', 'UID FETCH'], last.join('\n'));
      assert.match(last.find((s) => s.startsWith('UID FETCH'))!, /^UID FETCH 1:\* \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+ VANISHED\)$/);
      console.log(`# 10k messages: no-change changesSince median ${times[10]!.toFixed(2)} ms (max ${times[19]!.toFixed(2)}), NOOP + STATUS; 10 flag changes ${ten.ms.toFixed(2)} ms first, median ${again[4]!.toFixed(2)} ms repeated, sent: ${ten.sent.join(' | ')}`);
      // The invariant is the command sequence above; the time bound only catches gross regressions on a loaded machine.
      assert.ok(times[10]! < 100, `median ${times[10]} ms`);
    });
  });

  test('the window moving on: items dated between the cutoffs left it; widening brings them back', async () => {
    await peer.mailboxCreate(WIN);
    for (const [s, d] of [['old', -40], ['mid', -20], ['new', -5]] as const) await peer.append(WIN, msg(s), [], new Date(`${dayOffset(d)}T12:00:00Z`));
    const before30: FeedFilter = { since: dayOffset(-30) };
    const before10: FeedFilter = { since: dayOffset(-10) };
    const ids: string[] = [];
    for await (const p of feed.listIds(WIN, before30)) ids.push(...p);
    assert.deepEqual(ids, ['3', '2']);
    const cursor = await feed.open(WIN);
    const { result, sent } = await commands(() => feed.changesSince(WIN, cursor, before30, before10));
    const r = changes(result);
    assert.deepEqual([r.leftWindow, r.enteredWindow, r.changed, r.added, r.removed], [['2'], [], [], [], []]);
    // imapflow sends SINCE/BEFORE as YOUNGER/OLDER seconds (RFC 5032 WITHIN) where offered: the UTC midnight exactly.
    assert.ok(sent.some((s) => /^UID SEARCH UID 1:3 (BEFORE|OLDER) \S+ (SINCE|YOUNGER) \S+$/.test(s)), sent.join('\n'));
    const wide = changes(await feed.changesSince(WIN, cursor, before10, ALL));
    assert.deepEqual([wide.leftWindow, wide.enteredWindow], [[], ['2', '1']]);
    // New mail outside the window is not an Add.
    await peer.append(WIN, msg('late-old'), [], new Date(`${dayOffset(-50)}T12:00:00Z`));
    await peer.append(WIN, msg('late-new'), [], new Date(`${dayOffset(-1)}T12:00:00Z`));
    const late = changes(await feed.changesSince(WIN, cursor, before10, before10));
    assert.deepEqual(late.added, ['5']);
  });

  test('without QRESYNC: the flag-digest fallback finds the same changes (O(n) by design)', async () => {
    const noq = new SessionPool((c: BackendCredentials) => openCounted(c, ['QRESYNC', 'CONDSTORE']), { maxConnections: 1, maxPerUser: 1, idleMs: 60_000, maxAgeMs: 600_000, acquireTimeoutMs: 10_000 });
    try {
      const slow = new ImapChangeFeed(noq, ALICE, new AbortController().signal);
      await peer.mailboxCreate(NOQ);
      for (const s of ['a', 'b', 'c']) await peer.append(NOQ, msg(`noq-${s}`));
      const cursor = await slow.open(NOQ);
      assert.equal((JSON.parse(cursor) as { highestModSeq: unknown }).highestModSeq, null);
      const none = changes(await slow.changesSince(NOQ, cursor, ALL, ALL));
      assert.deepEqual([none.changed, none.added, none.removed], [[], [], []]);
      const lock = await peer.getMailboxLock(NOQ);
      try {
        await peer.messageFlagsAdd('1', ['\\Flagged'], { uid: true });
        await peer.messageDelete('2', { uid: true });
      } finally {
        lock.release();
      }
      await peer.append(NOQ, msg('noq-d'));
      const r = changes(await slow.changesSince(NOQ, cursor, ALL, ALL));
      assert.deepEqual([r.changed.map((c) => c.id), r.added, r.removed], [['1'], ['4'], ['2']]);
      const after = changes(await slow.changesSince(NOQ, r.newCursor, ALL, ALL));
      assert.deepEqual([after.changed, after.added, after.removed], [[], [], []]);
      // A cursor of the other mode is not trusted.
      assert.deepEqual(await feed.changesSince(NOQ, cursor, ALL, ALL), { reset: 'cursor-too-old' });
    } finally {
      await noq.close();
    }
  });
});
