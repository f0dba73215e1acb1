/**
 * fetchPartsMany on Dovecot: the batched partial fetch gives, message for message, exactly what
 * fetchParts gives (bytes, truncation), in one UID FETCH per group of messages asking for the same
 * sections, never sets \Seen, and leaves out messages that are gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import { planBodyFetch } from '../../../gateway/convert/email/body-plan.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import type { MailboxRef, PartsRequest } from '../../../gateway/ports/mail-messages.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const RUN = `pm${process.pid.toString(36)}${Date.now().toString(36)}`;
const BOX = `${RUN}-box`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const sent: string[] = [];

function openCounted(credentials: BackendCredentials): Promise<ImapSession> {
  const logger = {
    debug: (o: { src?: string; msg?: string }) => {
      if (o?.src === 'c' && typeof o.msg === 'string') sent.push(o.msg.replace(/^\S+ /, ''));
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    trace: () => undefined,
  };
  const client = credentials.withSecret((user, pass) => new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user, pass }, logger, disableAutoIdle: true }));
  client.on('error', () => undefined);
  return client.connect().then(() => new ImapSession(client));
}

describe('fetchPartsMany on Dovecot', { timeout: 120_000 }, () => {
  let pool: SessionPool<ImapSession>;
  let messages: ImapMailMessages;
  let peer: ImapFlow;
  let box: MailboxRef;
  let uids: number[];

  before(async () => {
    await requireImap();
    pool = new SessionPool(openCounted, { maxConnections: 4, maxPerUser: 2, idleMs: 30_000, maxAgeMs: 600_000, acquireTimeoutMs: 5000 });
    messages = new ImapMailMessages(pool, ALICE, new AbortController().signal);
    const seeded = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BOX, count: 120, seed: 3 });
    uids = seeded.messages.map((m) => m.uid!).sort((a, b) => a - b);
    peer = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    await peer.connect();
    // Nothing read yet: every \Seen the seed did not set stays unset.
    const lock = await peer.getMailboxLock(BOX);
    try {
      await peer.messageFlagsRemove('1:*', ['\\Seen'], { uid: true });
    } finally {
      lock.release();
    }
    box = await messages.mailboxRef(BOX);
  });

  after(async () => {
    await pool?.close();
    await peer?.mailboxDelete(BOX).catch(() => undefined);
    await peer?.logout().catch(() => undefined);
  });

  test('per message what fetchParts gives, one UID FETCH per group, no \\Seen, gone UIDs absent', async () => {
    const views = await messages.fetchViews(box, uids, { preview: false });
    const wanted: PartsRequest[] = uids.map((uid) => ({ uid, requests: planBodyFetch(views.get(uid)!, { bodyPreferences: [{ type: 2, truncationSize: 300 }] }, '16.1').fetch }));
    const withParts = wanted.filter((w) => w.requests.length > 0);
    const groups = new Set(withParts.map((w) => JSON.stringify([...w.requests].sort((a, b) => (a.part < b.part ? -1 : 1)))));
    assert.ok(groups.size > 1 && groups.size < 20, `${groups.size} groups`);
    const gone = 4_000_000;
    sent.length = 0;
    const many = await messages.fetchPartsMany(box, [...wanted, { uid: gone, requests: [{ part: '1', maxBytes: 10 }] }]);
    const fetches = sent.filter((s) => s.startsWith('UID FETCH'));
    assert.ok(fetches.length <= groups.size + 1, `${fetches.length} fetches for ${groups.size} groups:\n${fetches.join('\n')}`);
    assert.ok(fetches.every((f) => /BODY\.PEEK\[/.test(f) && !/BODY\[/.test(f)), fetches.join('\n'));
    assert.equal(many.has(gone), false);
    assert.equal(many.size, wanted.length);
    let truncated = 0;
    for (const w of wanted) {
      const one = w.requests.length ? await messages.fetchParts(box, w.uid, w.requests) : [];
      const got = many.get(w.uid)!;
      assert.deepEqual(got.map((p) => [p.part, Buffer.from(p.bytes).toString('latin1'), p.truncated]), one.map((p) => [p.part, Buffer.from(p.bytes).toString('latin1'), p.truncated]), `UID ${w.uid}`);
      truncated += got.filter((p) => p.truncated).length;
    }
    assert.ok(truncated > 0, 'some bodies are longer than asked for');
    const lock = await peer.getMailboxLock(BOX, { readOnly: true });
    try {
      const seen = (await peer.search({ seen: true }, { uid: true })) || [];
      assert.deepEqual(seen, [], 'no message became \\Seen');
    } finally {
      lock.release();
    }
  });
});
