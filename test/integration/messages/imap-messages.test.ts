/**
 * ImapMailMessages against the real Dovecot: alice's mailbox, in folders of this run's own
 * (other suites use her INBOX at the same time), removed at the end. A separate imapflow
 * session plays "another mail program" that checks what landed on the server.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ImapFlow } from 'imapflow';
import { ImapMailMessages } from '../../../gateway/adapters/imap/imap-messages.js';
import { openImapSession, type ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import type { MimePart } from '../../../gateway/convert/email/message-view.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import {
  BackendUnavailableError,
  FolderNotFoundError,
  InvalidFlagError,
  MessageNotFoundError,
  UidValidityChangedError,
  type MailboxRef,
} from '../../../gateway/ports/mail-messages.js';
import { seedMailbox, type SeedMailboxResult } from '../../../test-fixtures/seed/index.js';
import { recordCommands } from '../../support/imap.js';
import { closedPort, IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const RUN = `mm${process.pid.toString(36)}${Date.now().toString(36)}`;
const SRC = `${RUN}-src`;
const DST = `${RUN}-dst`;
const BIG = `${RUN}-big`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);
const endpoint = (port: number) => ({ host: IMAP_HOST, port, secure: false, rejectUnauthorized: false, connectTimeoutMs: 5000 });
const poolOptions = { maxConnections: 4, maxPerUser: 3, idleMs: 30_000, maxAgeMs: 600_000, acquireTimeoutMs: 5000 };

let pool: SessionPool<ImapSession>;
let messages: ImapMailMessages;
let checker: ImapFlow;
let seeded: SeedMailboxResult;
let src: MailboxRef;
const sent: string[] = [];

async function flagsOf(path: string, uids: number[]): Promise<Map<number, string[]>> {
  const lock = await checker.getMailboxLock(path, { readOnly: true });
  try {
    await checker.noop(); // Dovecot shows other sessions' changes to this one after a command
    const rows = await checker.fetchAll(uids.join(','), { uid: true, flags: true }, { uid: true });
    return new Map(rows.map((r) => [r.uid, [...(r.flags ?? [])].filter((f) => f !== '\\Recent')]));
  } finally {
    lock.release();
  }
}

function uidOf(index: number): number {
  return seeded.messages[index]!.uid!;
}

function leaves(p: MimePart): MimePart[] {
  return p.childNodes ? p.childNodes.flatMap(leaves) : [p];
}

describe('ImapMailMessages on Dovecot', { timeout: 120_000 }, () => {
  before(async () => {
    await requireImap();
    // Every command this adapter sends, by name, to count round trips.
    pool = new SessionPool(async (c) => recordCommands(await openImapSession(endpoint(IMAP_PORT), c), sent), poolOptions);
    messages = new ImapMailMessages(pool, ALICE, new AbortController().signal);
    checker = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    await checker.connect();
    await checker.mailboxCreate(DST);
    await checker.mailboxCreate(BIG);
    seeded = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: SRC, count: 500, seed: 7 });
    src = { path: SRC, uidValidity: seeded.uidValidity! };
  });

  after(async () => {
    for (const box of [SRC, DST, BIG]) await checker.mailboxDelete(box).catch(() => undefined);
    await checker.logout().catch(() => undefined);
    await pool.close();
  });

  test('mailboxRef: the current UIDVALIDITY, and FolderNotFoundError for a folder that does not exist', async () => {
    assert.deepEqual(await messages.mailboxRef(SRC), src);
    await assert.rejects(messages.mailboxRef(`${SRC}-missing`), FolderNotFoundError);
  });

  test('fetchViews: 200 messages in one UID FETCH match what was seeded, and nothing turns \\Seen', async (t) => {
    const specs = seeded.messages.slice(0, 200);
    const uids = specs.map((m) => m.uid!);
    const before = await flagsOf(SRC, uids);
    sent.length = 0;
    const started = performance.now();
    const views = await messages.fetchViews(src, uids);
    t.diagnostic(`fetchViews 200: ${(performance.now() - started).toFixed(1)} ms; commands: ${sent.join(', ')}`);
    // imapflow LISTs (and LSUBs) a mailbox the session has not seen before its first EXAMINE.
    assert.deepEqual(sent.filter((c) => !['LIST', 'LSUB', 'EXAMINE'].includes(c)), ['UID FETCH']);
    assert.equal(views.size, 200);
    const kinds = new Set<string>();
    for (const spec of specs) {
      const v = views.get(spec.uid!);
      assert.ok(v, `view of UID ${spec.uid}`);
      kinds.add(spec.kind);
      assert.equal(v.subject, spec.subject);
      assert.equal(v.from?.[0]?.address, spec.from.address);
      assert.equal(v.from?.[0]?.name, spec.from.name);
      assert.deepEqual(v.to?.map((a) => a.address), spec.to.map((a) => a.address));
      assert.equal(v.date?.getTime(), spec.date.getTime());
      assert.equal(v.internalDate?.getTime(), spec.internalDate.getTime());
      assert.equal(v.size, spec.size);
      assert.equal(v.messageId, `<${spec.messageId}>`);
      assert.deepEqual(v.references ?? [], spec.references.map((r) => `<${r}>`));
      assert.deepEqual([...v.flags].sort(), [...spec.flags].sort());
      assert.ok(v.headers, 'header fields fetched');
      assert.equal(v.headers.references, undefined, 'References has its own property');
      assert.ok(v.preview !== undefined, 'Dovecot offers PREVIEW');
      const s = v.structure;
      switch (spec.kind) {
        case 'plain':
        case 'html':
        case 'latin1':
        case 'utf8-8bit':
          assert.equal(s.part, '1');
          assert.equal(s.type, spec.kind === 'html' ? 'text/html' : 'text/plain');
          assert.equal(s.childNodes, undefined);
          if (spec.kind === 'latin1') assert.equal(s.parameters?.charset?.toLowerCase(), 'iso-8859-1');
          break;
        case 'alternative':
          assert.equal(s.part, undefined);
          assert.equal(s.type, 'multipart/alternative');
          assert.deepEqual(s.childNodes?.map((c) => [c.part, c.type]), [['1', 'text/plain'], ['2', 'text/html']]);
          break;
        case 'related':
          assert.deepEqual(leaves(s).map((c) => [c.part, c.type]), [['1', 'text/plain'], ['2.1', 'text/html'], ['2.2', 'image/png']]);
          assert.equal(leaves(s)[2]!.disposition, 'inline');
          assert.ok(leaves(s)[2]!.id);
          break;
        case 'forward': {
          const fwd = s.childNodes?.[1];
          assert.equal(fwd?.part, '2');
          assert.equal(fwd?.type, 'message/rfc822');
          assert.equal(fwd?.childNodes, undefined);
          assert.ok(fwd?.messageSubject);
          break;
        }
        case 'attachments': {
          assert.equal(s.type, 'multipart/mixed');
          const names = leaves(s).filter((p) => p.disposition === 'attachment').map((p) => p.dispositionParameters?.filename);
          assert.deepEqual(names, spec.attachments);
          for (const p of leaves(s).filter((l) => l.disposition === 'attachment')) assert.equal(p.encoding, 'base64');
          break;
        }
        default:
          break;
      }
    }
    assert.ok(kinds.size >= 8, `varied corpus: ${[...kinds].join(', ')}`);
    assert.ok(specs.some((s) => /[^\x00-\x7f]/.test(s.subject)), 'non-ASCII subjects included');
    assert.deepEqual(await flagsOf(SRC, uids), before);
  });

  test('fetchViews: 100 and 500 messages, timings; gone UIDs are absent', async (t) => {
    const all = seeded.messages.map((m) => m.uid!);
    for (const n of [100, 500]) {
      const started = performance.now();
      const views = await messages.fetchViews(src, all.slice(0, n));
      t.diagnostic(`fetchViews ${n}: ${(performance.now() - started).toFixed(1)} ms`);
      assert.equal(views.size, n);
    }
    const views = await messages.fetchViews(src, [all[0]!, 4_000_000]);
    assert.deepEqual([...views.keys()], [all[0]]);
  });

  test('fetchFlags: flags and keywords of each UID in one UID FETCH, gone UIDs absent, nothing turns \\Seen', async () => {
    const uids = [uidOf(3), uidOf(4)];
    await messages.setFlags(src, [uids[0]!], { add: ['\\Flagged', '$Label1'] });
    const before = await flagsOf(SRC, uids);
    sent.length = 0;
    const flags = await messages.fetchFlags(src, [...uids, 999_999]);
    assert.deepEqual(sent.filter((c) => c === 'UID FETCH' || c === 'FETCH').length, 1, sent.join(' '));
    assert.deepEqual([...flags.keys()].sort((a, b) => a - b), uids);
    for (const uid of uids) assert.deepEqual([...flags.get(uid)!].filter((f) => f !== '\\Recent').sort(), [...before.get(uid)!].sort());
    assert.ok(flags.get(uids[0]!)!.includes('$Label1'));
    assert.deepEqual(await flagsOf(SRC, uids), before);
    await messages.setFlags(src, [uids[0]!], { remove: ['\\Flagged', '$Label1'] });
  });

  test('fetchParts: a body cut at 100 bytes is a partial fetch, truncated, and leaves \\Seen alone', async (t) => {
    const i = seeded.messages.findIndex((m) => m.kind === 'alternative' && !m.flags.includes('\\Seen'));
    assert.ok(i >= 0);
    const uid = uidOf(i);
    const view = (await messages.fetchViews(src, [uid])).get(uid)!;
    const html = view.structure.childNodes![1]!;
    assert.ok((html.size ?? 0) > 100);
    sent.length = 0;
    const started = performance.now();
    const [part, whole] = await messages.fetchParts(src, uid, [{ part: '2', maxBytes: 100 }, { part: '', maxBytes: 100 }]);
    assert.deepEqual(sent, ['NOOP', 'UID FETCH'], 'the kept selection brought up to date, then both sections in one round trip');
    t.diagnostic(`fetchParts (2 sections, 100 bytes each): ${(performance.now() - started).toFixed(1)} ms`);
    assert.equal(part!.part, '2');
    assert.equal(part!.bytes.length, 100);
    assert.equal(part!.truncated, true);
    assert.equal(whole!.part, '');
    assert.equal(whole!.bytes.length, 100);
    assert.ok(Buffer.from(whole!.bytes).toString().startsWith('Date: '));
    const [full] = await messages.fetchParts(src, uid, [{ part: '2' }]);
    assert.equal(full!.bytes.length, html.size);
    assert.equal(full!.truncated, false);
    const [fits] = await messages.fetchParts(src, uid, [{ part: '2', maxBytes: html.size! }]);
    assert.equal(fits!.truncated, false);
    assert.equal(fits!.bytes.length, html.size);
    const plainIndex = seeded.messages.findIndex((m) => m.kind === 'plain');
    const [single] = await messages.fetchParts(src, uidOf(plainIndex), [{ part: '1', maxBytes: 20 }]);
    assert.equal(single!.bytes.length, 20);
    assert.ok(!(await flagsOf(SRC, [uid])).get(uid)!.includes('\\Seen'));
    await assert.rejects(messages.fetchParts(src, 4_000_000, [{ part: '1' }]), MessageNotFoundError);
  });

  test('appendMessage + streamPart: a 5 MB attachment streams back byte for byte in bounded memory', async (t) => {
    const data = randomBytes(5 * 1024 * 1024);
    const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
    const mime = Buffer.from([
      'From: Alice <alice@example.com>', 'To: Bob <bob@example.com>', 'Subject: big one', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'see attached', '--b1',
      'Content-Type: application/octet-stream; name="big.bin"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="big.bin"', '',
      b64, '--b1--', '',
    ].join('\r\n'));
    const appended = await messages.appendMessage(BIG, mime, { internalDate: new Date('2026-01-02T03:04:05Z') });
    const status = await checker.status(BIG, { uidValidity: true });
    assert.equal(appended.uidValidity, Number(status && status.uidValidity));
    const big: MailboxRef = { path: BIG, uidValidity: appended.uidValidity };
    const view = (await messages.fetchViews(big, [appended.uid])).get(appended.uid)!;
    assert.equal(view.internalDate?.toISOString(), '2026-01-02T03:04:05.000Z');
    assert.ok(!view.flags.includes('\\Seen'));
    // RSS counts garbage until V8 collects it (tens of MiB of 64 KiB chunks): collect before
    // sampling, so the delta shows what is kept alive, not what is waiting for a scavenge.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    // Live memory (JS heap + Buffers) after a collection, and RSS, both as deltas.
    const live = (): number => { const u = process.memoryUsage(); return u.heapUsed + u.arrayBuffers; };
    const baseline = live();
    const rssBaseline = process.memoryUsage().rss;
    let peak = baseline;
    let rssPeak = rssBaseline;
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    const started = performance.now();
    const { content } = await messages.streamPart(big, appended.uid, '2');
    for await (const chunk of content) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (++chunks % 8 === 0) {
        gc();
        peak = Math.max(peak, live());
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }
    }
    t.diagnostic(`streamPart 5 MiB: ${(performance.now() - started).toFixed(0)} ms, live memory delta ${((peak - baseline) / 1048576).toFixed(2)} MiB, RSS delta ${((rssPeak - rssBaseline) / 1048576).toFixed(1)} MiB`);
    assert.equal(bytes, data.length);
    assert.equal(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
    // Less than the part itself: nothing holds it whole (observed ~1.5 MiB: parser, socket and code warm-up).
    assert.ok(peak - baseline < 4 * 1024 * 1024, `live memory grew by ${peak - baseline} bytes while streaming`);
    assert.ok(rssPeak - rssBaseline < 10 * 1024 * 1024, `RSS grew by ${rssPeak - rssBaseline} bytes while streaming`);
    assert.ok(!(await flagsOf(BIG, [appended.uid])).get(appended.uid)!.includes('\\Seen'));
    await assert.rejects(messages.streamPart(big, 4_000_000, '2'), MessageNotFoundError);
    // The session came back to the pool once the stream ended.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.stats().idle, pool.stats().total);
  });

  test('setFlags: flags and keywords land on IMAP, per-UID results, gone UIDs fail', async () => {
    const uids = [uidOf(300), uidOf(301)];
    const res = await messages.setFlags(src, [...uids, 4_000_000], { add: ['\\Seen', '\\Flagged', '$Forwarded', 'Work'] });
    assert.equal(res.get(4_000_000)?.ok, false);
    for (const u of uids) assert.equal(res.get(u)?.ok, true);
    let seen = await flagsOf(SRC, uids);
    for (const u of uids) for (const f of ['\\Seen', '\\Flagged', '$Forwarded', 'Work']) assert.ok(seen.get(u)!.includes(f), `${f} on ${u}`);
    const res2 = await messages.setFlags(src, uids, { remove: ['\\Flagged', 'Work'], add: ['\\Answered'] });
    assert.ok([...res2.values()].every((r) => r.ok));
    seen = await flagsOf(SRC, uids);
    for (const u of uids) {
      assert.ok(!seen.get(u)!.includes('\\Flagged'));
      assert.ok(!seen.get(u)!.includes('Work'));
      assert.ok(seen.get(u)!.includes('\\Answered'));
      assert.deepEqual([...res2.get(u)!.flags!].sort(), [...seen.get(u)!].sort());
    }
    await assert.rejects(messages.setFlags(src, uids, { add: ['two words'] }), InvalidFlagError);
    await assert.rejects(messages.setFlags(src, uids, { add: ['\\Recent'] }), InvalidFlagError);
  });

  test('moveMessages: new UIDs from COPYUID, gone from the source', async () => {
    const moved = [uidOf(310), uidOf(311), uidOf(312)];
    const res = await messages.moveMessages(src, moved, DST);
    const dst = await checker.status(DST, { uidValidity: true });
    assert.equal(res.uidValidity, Number(dst && dst.uidValidity));
    assert.deepEqual([...res.uidMap.keys()].sort((a, b) => a - b), moved);
    const lock = await checker.getMailboxLock(DST, { readOnly: true });
    try {
      for (const [from, to] of res.uidMap) {
        const msg = await checker.fetchOne(String(to), { uid: true, envelope: true }, { uid: true });
        const spec = seeded.messages.find((m) => m.uid === from)!;
        assert.equal(msg && msg.envelope?.messageId, `<${spec.messageId}>`);
      }
    } finally {
      lock.release();
    }
    assert.equal((await flagsOf(SRC, moved)).size, 0);
    await assert.rejects(messages.moveMessages(src, [uidOf(313)], `${RUN}-nowhere`), FolderNotFoundError);
    assert.equal((await flagsOf(SRC, [uidOf(313)])).size, 1);
  });

  test('deleteMessages: expunges exactly the given UIDs', async () => {
    const doomed = [uidOf(320), uidOf(321)];
    const bystander = uidOf(322);
    // Another client marked a message \Deleted without expunging: it must survive our delete.
    const lock = await checker.getMailboxLock(SRC);
    try {
      await checker.messageFlagsAdd(String(bystander), ['\\Deleted'], { uid: true });
    } finally {
      lock.release();
    }
    await messages.deleteMessages(src, doomed);
    const left = await flagsOf(SRC, [...doomed, bystander, uidOf(323)]);
    assert.deepEqual([...left.keys()].sort((a, b) => a - b), [bystander, uidOf(323)]);
    assert.ok(left.get(bystander)!.includes('\\Deleted'));
    await messages.deleteMessages(src, doomed); // already gone: nothing to do, no error
  });

  test('appendMessage of a draft has \\Draft; replaceMessage swaps it', async () => {
    const draft = (subject: string) => Buffer.from(`From: alice@example.com\r\nTo: bob@example.com\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDraft body \u00e4\r\n`);
    const first = await messages.appendMessage(DST, draft('draft 1'), { flags: ['\\Draft', '\\Seen'] });
    const dst = await checker.status(DST, { uidValidity: true });
    assert.equal(first.uidValidity, Number(dst && dst.uidValidity));
    assert.ok((await flagsOf(DST, [first.uid])).get(first.uid)!.includes('\\Draft'));
    const box: MailboxRef = { path: DST, uidValidity: first.uidValidity };
    const second = await messages.replaceMessage(box, first.uid, draft('draft 2'), { flags: ['\\Draft'] });
    assert.ok(second.uid > first.uid);
    const flags = await flagsOf(DST, [first.uid, second.uid]);
    assert.deepEqual([...flags.keys()], [second.uid]);
    assert.ok(flags.get(second.uid)!.includes('\\Draft'));
    const view = (await messages.fetchViews(box, [second.uid])).get(second.uid)!;
    assert.equal(view.subject, 'draft 2');
    await assert.rejects(messages.replaceMessage(box, first.uid, draft('draft 3'), { flags: ['\\Draft'] }), MessageNotFoundError);
    await assert.rejects(messages.appendMessage(`${RUN}-nowhere`, draft('x')), FolderNotFoundError);
  });

  test('a folder deleted and recreated while a pooled session keeps it selected: reads under the old ref fail, mailboxRef sees the new one', async () => {
    const box = `${RUN}-again`;
    await checker.mailboxCreate(box);
    try {
      const first = await checker.append(box, 'Subject: first\r\n\r\nbody\r\n');
      const old = await messages.mailboxRef(box);
      assert.equal((await messages.fetchViews(old, [first && first.uid ? first.uid : 1])).size, 1); // leaves the session with it selected
      await checker.mailboxDelete(box);
      await checker.mailboxCreate(box);
      const second = await checker.append(box, 'Subject: second\r\n\r\nbody\r\n');
      // Dovecot keeps serving the selected session the deleted mailbox's view (with the old
      // UIDVALIDITY); only its answer to NOOP (an untagged NO) tells it is gone.
      const now = await messages.mailboxRef(box);
      assert.notEqual(now.uidValidity, old.uidValidity);
      await assert.rejects(messages.fetchViews(old, [1]), UidValidityChangedError);
      const views = await messages.fetchViews(now, [second && second.uid ? second.uid : 1]);
      assert.equal([...views.values()][0]?.subject, 'second');
    } finally {
      await checker.mailboxDelete(box).catch(() => undefined);
    }
  });

  test('typed errors: UIDVALIDITY mismatch, missing folder, backend down', async () => {
    const stale: MailboxRef = { path: SRC, uidValidity: src.uidValidity + 1 };
    await assert.rejects(messages.fetchViews(stale, [uidOf(0)]), (e: unknown) => e instanceof UidValidityChangedError && e.expected === stale.uidValidity && e.actual === src.uidValidity);
    await assert.rejects(messages.setFlags(stale, [uidOf(0)], { add: ['\\Seen'] }), UidValidityChangedError);
    await assert.rejects(messages.deleteMessages(stale, [uidOf(0)]), UidValidityChangedError);
    assert.equal((await flagsOf(SRC, [uidOf(0)])).size, 1);
    await assert.rejects(messages.fetchViews({ path: `${RUN}-nowhere`, uidValidity: 1 }, [1]), FolderNotFoundError);
    const port = await closedPort();
    const dead = new ImapMailMessages(new SessionPool((c) => openImapSession(endpoint(port), c), poolOptions), ALICE, new AbortController().signal);
    await assert.rejects(dead.fetchViews(src, [1]), (e: unknown) => e instanceof BackendUnavailableError && e.httpStatus === 503);
  });
});
