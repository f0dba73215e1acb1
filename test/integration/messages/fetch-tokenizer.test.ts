/**
 * The FETCH tokenizer on what Dovecot really sends: every untagged FETCH line of the view and
 * body fetches of a varied folder (the converter fixtures: S/MIME, iMIP, legacy charsets,
 * attachments; seeded mail; hand-made headers with quotes, backslashes, groups, raw UTF-8,
 * RFC 2231 names, a nested message) is recorded as it arrives, and must be taken by the
 * tokenizer (not left to imapflow) and come out exactly as imapflow's parser reads it; its
 * ENVELOPE and BODYSTRUCTURE must read as imapflow's own readers make them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import parser from 'imapflow/lib/handler/imap-parser.js';
import { parseBodystructure as theirStructure, parseEnvelope as theirEnvelope } from 'imapflow/lib/tools.js';
import { hookFetchRows } from '../../../gateway/adapters/imap/fetch-rows.js';
import { tokenizeFetch } from '../../../gateway/adapters/imap/fetch-tokenizer.js';
import type { ImapAttribute } from '../../../gateway/adapters/imap/raw-exec.js';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { parseBodystructure, parseEnvelope } from '../../../gateway/adapters/imap/messages/structure-parse.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import { planBodyFetch } from '../../../gateway/convert/email/body-plan.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const BOX = `ft${process.pid.toString(36)}${Date.now().toString(36)}-box`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const EML = new URL('../../fixtures/convert/eml/', import.meta.url);

interface Recorded {
  payload: Buffer;
  literals: Buffer[];
}
const recorded: Recorded[] = [];

/** A pooled session whose client records each untagged FETCH line before the tokenizer's hook sees it. */
async function openRecorded(credentials: BackendCredentials): Promise<ImapSession> {
  const client = credentials.withSecret((user, pass) => new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user, pass }, logger: false, disableAutoIdle: true }));
  client.on('error', () => undefined);
  await client.connect();
  assert.ok(hookFetchRows(client), 'this imapflow has the handler the hook needs');
  const c = client as unknown as { handleResponse(d: Recorded): Promise<boolean> };
  const hooked = c.handleResponse;
  c.handleResponse = async function (this: unknown, d: Recorded) {
    if (/^\* \d+ FETCH /i.test(d.payload.toString('latin1', 0, 24))) recorded.push({ payload: Buffer.from(d.payload), literals: d.literals.map((l) => Buffer.from(l)) });
    return hooked.call(this, d);
  };
  return new ImapSession(client);
}

const crafted = [
  'From: "Doe, \\"JJ\\" \\\\ Jr." <jj@example.com>\r\nTo: undisclosed-recipients:;\r\nCc: Team: a@example.com, b@example.com;\r\nSubject: back\\slash "quotes" (parens) [brackets] {3}\r\nMessage-ID: <q1@example.com>\r\n\r\nbody\r\n',
  'From: Jörg Müller <j@example.com>\r\nTo: =?utf-8?B?w6TDtsO8?= <u@example.com>\r\nSubject: raw UTF-8 Grüße and =?iso-8859-1?q?=E9t=E9?=\r\nMessage-ID: <q2@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n',
  'From: a@example.com\r\nSubject: \r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nouter\r\n--b1\r\nContent-Type: application/octet-stream; name*0*=utf-8\'\'%C3%BCber; name*1=".bin"\r\nContent-Disposition: attachment; filename*=utf-8\'\'%C3%BCber.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.com\r\nSubject: inner "one"\r\n\r\ninner body\r\n--b1--\r\n',
];

describe('FETCH tokenizer on Dovecot', { timeout: 120_000 }, () => {
  let pool: SessionPool<ImapSession>;
  let peer: ImapFlow;

  before(async () => {
    await requireImap();
    peer = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    await peer.connect();
    await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BOX, count: 60, seed: 11 });
    for (const f of readdirSync(EML).filter((n) => n.endsWith('.eml')).sort()) await peer.append(BOX, readFileSync(new URL(f, EML)), ['$Forwarded', 'Work']);
    for (const m of crafted) await peer.append(BOX, m, ['\\Flagged']);
    pool = new SessionPool(openRecorded, { maxConnections: 2, maxPerUser: 2, idleMs: 30_000, maxAgeMs: 600_000, acquireTimeoutMs: 5000 });
  });

  after(async () => {
    await pool?.close();
    await peer?.mailboxDelete(BOX).catch(() => undefined);
    await peer?.logout().catch(() => undefined);
  });

  test('every view and body row is tokenized, exactly as imapflow parses it', async () => {
    const messages = new ImapMailMessages(pool, ALICE, new AbortController().signal);
    const box = await messages.mailboxRef(BOX);
    const lock = await peer.getMailboxLock(BOX, { readOnly: true });
    const uids = ((await peer.search({ all: true }, { uid: true })) || []) as number[];
    lock.release();
    const views = await messages.fetchViews(box, uids);
    assert.equal(views.size, uids.length);
    const nested = [...views.values()].find((v) => JSON.stringify(v).includes('inner \\"one\\"'));
    assert.ok(nested, 'the nested message\'s subject reached its view');
    const wanted = uids.map((uid) => ({ uid, requests: planBodyFetch(views.get(uid)!, { bodyPreferences: [{ type: 2, truncationSize: 300 }, { type: 4, truncationSize: 2000 }] }, '16.1').fetch }));
    const parts = await messages.fetchPartsMany(box, wanted);
    assert.ok(parts.size > 0);

    assert.ok(recorded.length >= uids.length * 2, `${recorded.length} FETCH lines recorded`);
    for (const r of recorded) {
      const ours = tokenizeFetch(r.payload, r.literals);
      const text = r.payload.toString('latin1', 0, 300);
      assert.ok(ours, `left to imapflow: ${text}`);
      const theirs = (await parser(r.payload, { literals: [...r.literals] })) as { command: string; attributes: unknown[] };
      assert.deepStrictEqual({ seq: ours.seq, list: ours.list }, { seq: theirs.command, list: theirs.attributes[1] }, text);
      for (let i = 0; i + 1 < ours.list.length; i += 2) {
        const key = String((ours.list[i] as { value?: unknown } | null)?.value).toUpperCase();
        const value: ImapAttribute | undefined = ours.list[i + 1];
        if (!Array.isArray(value)) continue;
        if (key === 'ENVELOPE') assert.deepStrictEqual(parseEnvelope(value), theirEnvelope(value as never), text);
        if (key === 'BODYSTRUCTURE') assert.deepStrictEqual(parseBodystructure(value), theirStructure(value as never), text);
      }
    }
  });
});
