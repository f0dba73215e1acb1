/**
 * SmartReply and SmartForward through the HTTP endpoint: the original (text and HTML bodies, two
 * attachments) sits in a folder of alice's own; the client sends only its new text, the gateway
 * builds the full message from the original on IMAP and submits it. The forward carries both
 * attachments byte for byte, the reply threads (In-Reply-To, References) and quotes, the original
 * gets $Forwarded / \Answered, and an original that is gone is ItemNotFound (150).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { requireImap } from '../../support/backing.js';
import { encodeBase64Query } from '../../support/base64-query.js';
import { send } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import {
  ALICE, BOB, cleanUp, collectionIdOf, composeBody, composeStatus, findMessages, imapAs, mimeMessage, postCompose, RUN, startSendGateway, waitForMessages, type Gateway,
} from './support.js';

const FOLDER = `${RUN}-orig`;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(120_000)]);
const BIN = randomBytes(70_001);
const ORIGINAL_ID = `<${RUN}.original@example.net>`;

function original(token: string): Buffer {
  const wrap = (b: Buffer): string => b.toString('base64').replace(/.{76}/g, '$&\r\n');
  return mimeMessage([
    'From: Carol <carol@example.net>',
    `To: ${ALICE.user}`,
    `Subject: ${token} quarterly figures`,
    'Date: Tue, 24 Nov 2026 09:30:00 +0000',
    `Message-ID: ${ORIGINAL_ID}`,
    'References: <older@example.net>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
  ], [
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here are the figures.',
    'Second line.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>Here are the <b>figures</b>.</p></body></html>',
    '--alt--',
    '--outer',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    wrap(PDF),
    '--outer',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    wrap(BIN),
    '--outer--',
    '',
  ].join('\r\n'));
}

describe('SmartReply and SmartForward build the message from the original on IMAP', () => {
  const log = memoryLog('debug');
  let g: Gateway;
  let imap: ImapFlow;
  let collectionId: string;
  let originalUid: number;

  before(async () => {
    await requireImap();
    imap = await imapAs(ALICE);
    await imap.mailboxCreate(FOLDER);
    const appended = await imap.append(FOLDER, original(`${RUN}-orig`), []);
    assert.ok(appended && appended.uid);
    originalUid = appended.uid;
    g = await startSendGateway(log);
    collectionId = await collectionIdOf(g.gw.url, FOLDER);
  });
  after(async () => {
    await g?.gw.close();
    await imap?.logout();
    await cleanUp();
    g?.data.remove();
  });

  const originalFlags = async (): Promise<Set<string>> => (await findMessages(imap, FOLDER, `${RUN}-orig`))[0]!.flags;

  it('16.1 SmartForward: both attachments byte-exact, the original quoted, the original $Forwarded, a Sent copy', async () => {
    const token = `${RUN}-fwd`;
    const mime = mimeMessage([`From: ${ALICE.user}`, `To: ${BOB.user}`, `Subject: Fwd: ${token}`, 'Content-Type: text/plain; charset=utf-8'], 'FYI, see below.');
    const res = await postCompose(g.gw.url, 'SmartForward', composeBody('SmartForward', mime, {
      clientId: `${token}-c`, saveInSent: true, source: { folderId: collectionId, itemId: `${collectionId}:${originalUid}` },
    }), { version: '16.1' });
    assert.equal(composeStatus(res, 'SmartForward'), undefined);

    const [got] = await waitForMessages(BOB, 'INBOX', token);
    assert.ok(got, 'bob got the forward');
    const parsed = await simpleParser(got.source);
    assert.match(parsed.text ?? '', /^FYI, see below\./);
    assert.match(parsed.text ?? '', /Original Message[\s\S]*From: "Carol" <carol@example\.net>[\s\S]*Here are the figures\.\s+Second line\./);
    const byName = new Map(parsed.attachments.map((a) => [a.filename, a.content]));
    assert.equal(parsed.attachments.length, 2);
    assert.ok(byName.get('report.pdf')?.equals(PDF), 'report.pdf byte-exact');
    assert.ok(byName.get('data.bin')?.equals(BIN), 'data.bin byte-exact');
    assert.ok((await originalFlags()).has('$Forwarded'));
    const [sent] = await waitForMessages(ALICE, 'Sent', token);
    assert.ok(sent?.flags.has('\\Seen'));
  });

  it('14.1 SmartReply: threaded to the original, quoted in plain text, the original \\Answered', async () => {
    const token = `${RUN}-re`;
    const mime = mimeMessage([`From: ${ALICE.user}`, `To: carol-${RUN}@example.net, ${BOB.user}`, `Subject: Re: ${token}`, 'Content-Type: text/plain; charset=utf-8'], 'Thanks, Carol.');
    const res = await postCompose(g.gw.url, 'SmartReply', composeBody('SmartReply', mime, { clientId: `${token}-c`, source: { folderId: collectionId, itemId: `${collectionId}:${originalUid}` } }), { version: '14.1' });
    assert.equal(composeStatus(res, 'SmartReply'), undefined);
    const [got] = await waitForMessages(BOB, 'INBOX', token);
    assert.ok(got);
    const parsed = await simpleParser(got.source);
    assert.equal(parsed.inReplyTo, ORIGINAL_ID);
    assert.deepEqual(parsed.references, ['<older@example.net>', ORIGINAL_ID]);
    assert.match(parsed.text ?? '', /^Thanks, Carol\.[\s\S]*wrote:\s*\n> Here are the figures\.\s*\n> Second line\./);
    assert.equal(parsed.attachments.length, 0, 'a reply does not carry the attachments');
    assert.ok((await originalFlags()).has('\\Answered'));
  });

  it('12.1 SmartReply with ItemId/CollectionId in the query and an HTML body: the HTML gets a blockquote', async () => {
    const token = `${RUN}-re12`;
    const mime = mimeMessage([`To: ${BOB.user}`, `Subject: Re: ${token}`, 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="a"'],
      '--a\r\nContent-Type: text/plain\r\n\r\nOld phone reply\r\n--a\r\nContent-Type: text/html\r\n\r\n<html><body><p>Old phone reply</p></body></html>\r\n--a--\r\n');
    const res = await postCompose(g.gw.url, 'SmartReply', mime, { version: '12.1', query: { ItemId: `${collectionId}:${originalUid}`, CollectionId: collectionId, SaveInSent: 'T' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    const [got] = await waitForMessages(BOB, 'INBOX', token);
    const parsed = await simpleParser(got!.source);
    assert.match(parsed.html || '', /<p>Old phone reply<\/p><div>On .*wrote:<\/div><blockquote[^>]*><p>Here are the <b>figures<\/b>\.<\/p><\/blockquote><\/body>/);
    assert.match(parsed.text ?? '', /> Here are the figures\./);
    assert.ok(await waitForMessages(ALICE, 'Sent', token));
  });

  it('12.1 SmartForward with a base64-encoded query (ItemId, CollectionId, Options SaveInSent)', async () => {
    const token = `${RUN}-b64`;
    const mime = mimeMessage([`To: ${BOB.user}`, `Subject: Fwd: ${token}`, 'Content-Type: text/plain'], 'forwarded from a base64 client');
    const query = encodeBase64Query({ version: 121, commandCode: 2, deviceId: `b64${RUN}`.slice(0, 32), deviceType: 'SendTest', params: [[1, collectionId], [3, `${collectionId}:${originalUid}`], [7, 0x01]] });
    const res = await send(g.gw.url, { path: `/Microsoft-Server-ActiveSync?${query}`, headers: { 'Content-Type': 'message/rfc822' }, auth: ALICE, body: mime });
    assert.equal(res.status, 200);
    const parsed = await simpleParser((await waitForMessages(BOB, 'INBOX', token))[0]!.source);
    assert.equal(parsed.attachments.length, 2, 'the original\'s attachments came along');
    assert.ok(await waitForMessages(ALICE, 'Sent', token));
  });

  it('ReplaceMime sends the client\'s message as it is; LongId finds the original too', async () => {
    const token = `${RUN}-replace`;
    const mime = mimeMessage([`To: ${BOB.user}`, `Subject: Fwd: ${token}`, 'Content-Type: text/plain'], 'complete message, nothing to add');
    const res = await postCompose(g.gw.url, 'SmartForward', composeBody('SmartForward', mime, { clientId: `${token}-c`, replaceMime: true, source: { longId: `${collectionId}:${originalUid}` } }), { version: '16.1' });
    assert.equal(composeStatus(res, 'SmartForward'), undefined);
    const parsed = await simpleParser((await waitForMessages(BOB, 'INBOX', token))[0]!.source);
    assert.equal(parsed.text?.trim(), 'complete message, nothing to add');
    assert.equal(parsed.attachments.length, 0);
  });

  it('a 20 MB attachment of a message that arrived after the folder was last read is forwarded byte-exact', async () => {
    const token = `${RUN}-big`;
    const big = randomBytes(20 * 1024 * 1024);
    const b64 = big.toString('base64').replace(/.{76}/g, '$&\r\n');
    const orig = mimeMessage([`From: carol@example.net`, `To: ${ALICE.user}`, `Subject: ${token}-orig`, 'Content-Type: multipart/mixed; boundary="o"'],
      `--o\r\nContent-Type: text/plain\r\n\r\nbig one\r\n--o\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--o--\r\n`);
    const appended = await imap.append(FOLDER, orig, []);
    assert.ok(appended && appended.uid);
    const expected = createHash('sha256').update(big).digest('hex');
    const mime = mimeMessage([`To: ${BOB.user}`, `Subject: Fwd: ${token}`], 'the big one');
    // Appended after the gateway's pooled session selected FOLDER: it must still find the new UID.
    const started = performance.now();
    const res = await postCompose(g.gw.url, 'SmartForward', composeBody('SmartForward', mime, { clientId: `${token}-c`, saveInSent: true, source: { itemId: `${collectionId}:${appended.uid}` } }), { version: '16.1' });
    const ms = performance.now() - started;
    assert.equal(composeStatus(res, 'SmartForward'), undefined);
    console.log(`# SmartForward of a 20 MiB attachment (fetch, compose, submit, Sent copy): ${ms.toFixed(0)} ms`);
    const [got] = await waitForMessages(BOB, 'INBOX', `Fwd: ${token}`, 1, 30_000);
    const parsed = await simpleParser(got!.source);
    assert.equal(parsed.attachments.length, 1);
    assert.equal(createHash('sha256').update(parsed.attachments[0]!.content).digest('hex'), expected);
  });

  it('an original that is gone is ItemNotFound (150), and nothing is sent', async () => {
    const token = `${RUN}-gone`;
    const mime = mimeMessage([`To: ${BOB.user}`, `Subject: Re: ${token}`], 'reply to nothing');
    for (const itemId of [`${collectionId}:999999`, 'no-such-thing', `999999:1`]) {
      const res = await postCompose(g.gw.url, 'SmartReply', composeBody('SmartReply', mime, { clientId: `${token}-${itemId}`, source: { itemId } }), { version: '16.1' });
      assert.equal(composeStatus(res, 'SmartReply'), 150, itemId);
    }
    assert.equal((await postCompose(g.gw.url, 'SmartReply', mime, { version: '12.1', query: { ItemId: `${collectionId}:999999` } })).status, 500);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await waitForMessages(BOB, 'INBOX', token, 1, 0)).length, 0);
  });
});
