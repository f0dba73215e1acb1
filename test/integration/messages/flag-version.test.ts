/**
 * setFlags reports each message's version after the STORE exactly as the change feed will
 * report it, so Sync can recognise its own STORE in the next round (and a later change by
 * another program as a real change). On a fresh folder of this run's own, against Dovecot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ImapChangeFeed } from '../../../gateway/adapters/imap/imap-change-feed.js';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { openImapSession, type ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import type { FeedChanges } from '../../../gateway/ports/change-feed.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const BOX = `fv${process.pid.toString(36)}${Date.now().toString(36)}-sync-client`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const poolOptions = { maxConnections: 4, maxPerUser: 3, idleMs: 30_000, maxAgeMs: 600_000, acquireTimeoutMs: 5000 };

describe('setFlags versions match the change feed', { timeout: 60_000 }, () => {
  let pool: SessionPool<ImapSession>;
  let other: ImapFlow;

  before(async () => {
    await requireImap();
    pool = new SessionPool((c) => openImapSession({ host: IMAP_HOST, port: IMAP_PORT, secure: false, rejectUnauthorized: false, connectTimeoutMs: 5000 }, c), poolOptions);
    other = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    other.on('error', () => undefined);
    await other.connect();
    await other.mailboxCreate(BOX);
    for (const n of [1, 2]) await other.append(BOX, `Subject: v${n}\r\nFrom: a@example.com\r\n\r\nx\r\n`);
  });

  after(async () => {
    await other?.mailboxDelete(BOX).catch(() => undefined);
    await other?.logout().catch(() => undefined);
    await pool?.close();
  });

  test('the MODSEQ setFlags answers is the version the feed reports for that message', async () => {
    const signal = new AbortController().signal;
    const messages = new ImapMailMessages(pool, ALICE, signal);
    const feed = new ImapChangeFeed(pool, ALICE, signal);
    const box = await messages.mailboxRef(BOX);
    const cursor = await feed.open(BOX);
    const res = await messages.setFlags(box, [1, 2], { add: ['\\Seen', 'Work'] });
    const v1 = res.get(1)!.version!;
    assert.match(v1, /^\d+$/, 'a MODSEQ');
    const changes = await feed.changesSince(BOX, cursor, { since: null }, { since: null });
    assert.ok(!('reset' in changes && changes.reset), 'no reset');
    const seen = new Map((changes as FeedChanges).changed.map((c) => [c.id, c.version]));
    assert.equal(seen.get('1'), v1);
    assert.equal(seen.get('2'), res.get(2)!.version);

    // Another program changes message 1 afterwards: its version moves on.
    const lock = await other.getMailboxLock(BOX);
    try {
      await other.messageFlagsAdd('1', ['\\Flagged'], { uid: true });
    } finally {
      lock.release();
    }
    const later = await feed.changesSince(BOX, cursor, { since: null }, { since: null });
    const v1later = (later as FeedChanges).changed.find((c) => c.id === '1')!.version;
    assert.ok(BigInt(v1later) > BigInt(v1));
  });
});
