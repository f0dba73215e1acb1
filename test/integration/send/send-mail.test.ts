/**
 * SendMail through the HTTP endpoint into the real Postfix -> LMTP -> Dovecot path: at 12.1 the
 * body is the MIME message (SaveInSent in the query), at 16.1 a ComposeMail document. bob's INBOX
 * gets the message with its headers and attachment, alice's Sent gets the copy (\Seen, same
 * Message-ID), Bcc reaches its recipient but is not in what bob sees, a retried ClientId is
 * Status 118 with one delivery, and refusals get the spec's answers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { requireImap } from '../../support/backing.js';
import { memoryLog } from '../../support/memory-log.js';
import { ALICE, BOB, cleanUp, composeBody, composeStatus, mimeMessage, postCompose, RUN, startSendGateway, waitForMessages, type Gateway } from './support.js';

function messageWithAttachment(token: string, attachment: Buffer, extra: string[] = []): Buffer {
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return mimeMessage([
    `From: Alice <${ALICE.user}>`,
    `To: Bob <${BOB.user}>`,
    ...extra,
    `Subject: ${token} hello`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
  ], `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Bob, see attached.\r\n--b1\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b1--\r\n`);
}

describe('SendMail over SMTP submission', () => {
  const log = memoryLog('debug');
  let g: Gateway;

  before(async () => {
    await requireImap();
    g = await startSendGateway(log);
  });
  after(async () => {
    await g?.gw.close();
    await cleanUp();
    g?.data.remove();
  });

  for (const version of ['12.1', '16.1'] as const) {
    it(`${version}: bob receives the message with its attachment, alice's Sent keeps a \\Seen copy`, async () => {
      const token = `${RUN}-plain-${version}`;
      const attachment = randomBytes(30_000);
      const mime = messageWithAttachment(token, attachment);
      const res = version === '12.1'
        ? await postCompose(g.gw.url, 'SendMail', mime, { version, query: { SaveInSent: 'T' } })
        : await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', mime, { clientId: `${token}-c1`, saveInSent: true }), { version });
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 0, 'success is an empty body');

      const [got] = await waitForMessages(BOB, 'INBOX', token);
      assert.ok(got, 'bob got the message');
      const parsed = await simpleParser(got.source);
      assert.equal(parsed.subject, `${token} hello`);
      assert.equal(parsed.from?.value[0]?.address, ALICE.user);
      assert.match(parsed.text ?? '', /see attached/);
      assert.equal(parsed.attachments.length, 1);
      assert.equal(parsed.attachments[0]!.filename, 'data.bin');
      assert.ok(parsed.attachments[0]!.content.equals(attachment), 'attachment byte-exact');
      assert.ok(parsed.messageId, 'a Message-ID was added');
      assert.ok(/Return-Path: <alice@example.com>/i.test(got.source.toString('latin1')), 'envelope sender is alice');

      const [sent] = await waitForMessages(ALICE, 'Sent', token);
      assert.ok(sent, 'alice has the copy in Sent');
      assert.ok(sent.flags.has('\\Seen'));
      assert.equal((await simpleParser(sent.source)).messageId, parsed.messageId, 'same Message-ID sent and saved');
    });
  }

  it('16.1: Bcc is delivered but not shown to the To recipient; the Sent copy keeps it', async () => {
    const token = `${RUN}-bcc`;
    const mime = mimeMessage([`From: ${ALICE.user}`, `To: ${BOB.user}`, `Bcc: ${ALICE.user}`, `Subject: ${token}`, 'Content-Type: text/plain'], 'secret copy');
    const res = await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', mime, { clientId: `${token}-c`, saveInSent: true }), { version: '16.1' });
    assert.equal(composeStatus(res, 'SendMail'), undefined);
    const [atBob] = await waitForMessages(BOB, 'INBOX', token);
    assert.ok(atBob);
    assert.doesNotMatch(atBob.source.toString('latin1'), /^Bcc:/im, 'no Bcc header at bob');
    const [atAlice] = await waitForMessages(ALICE, 'INBOX', token);
    assert.ok(atAlice, 'the Bcc recipient got it');
    const [sent] = await waitForMessages(ALICE, 'Sent', token);
    assert.match(sent!.source.toString('latin1'), /^Bcc: alice@example\.com/im);
  });

  it('16.1: a retried ClientId is MessagePreviouslySent (118) and delivered once', async () => {
    const token = `${RUN}-retry`;
    const body = composeBody('SendMail', mimeMessage([`To: ${BOB.user}`, `Subject: ${token}`], 'once'), { clientId: `${token}-id` });
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', body, { version: '16.1' }), 'SendMail'), undefined);
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', body, { version: '16.1' }), 'SendMail'), 118);
    await waitForMessages(BOB, 'INBOX', token);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await waitForMessages(BOB, 'INBOX', token, 1, 0)).length, 1);
  });

  it('16.1: one unknown recipient among others: the rest get it, the user gets a non-delivery notice', async () => {
    const token = `${RUN}-partial`;
    const mime = mimeMessage([`To: ${BOB.user}, nobody-${RUN}@example.com`, `Subject: ${token}`], 'partly deliverable');
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', mime, { clientId: `${token}-c` }), { version: '16.1' }), 'SendMail'), undefined);
    assert.equal((await waitForMessages(BOB, 'INBOX', token)).length, 1);
    const [notice] = await waitForMessages(ALICE, 'INBOX', token);
    assert.ok(notice, 'alice was told');
    const parsed = await simpleParser(notice.source);
    assert.equal(parsed.subject, `Undeliverable: ${token}`);
    assert.match(parsed.text ?? '', new RegExp(`nobody-${RUN}@example\\.com`));
    assert.doesNotMatch(parsed.text ?? '', /bob@example\.com/);
  });

  it('refusals: no recipient (119 / HTTP 400), unknown local recipient (116 / HTTP 500), malformed MIME (107)', async () => {
    const noRcpt = mimeMessage([`From: ${ALICE.user}`, `Subject: ${RUN}-none`], 'to nobody');
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', noRcpt, { clientId: `${RUN}-n` }), { version: '16.1' }), 'SendMail'), 119);
    assert.equal((await postCompose(g.gw.url, 'SendMail', noRcpt, { version: '12.1' })).status, 400);

    const unknown = mimeMessage([`To: nobody-${RUN}@example.com`, `Subject: ${RUN}-unknown`], 'to a stranger');
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', unknown, { clientId: `${RUN}-u` }), { version: '16.1' }), 'SendMail'), 116);
    assert.equal((await postCompose(g.gw.url, 'SendMail', unknown, { version: '12.1' })).status, 500);

    const garbage = Buffer.from('\x00\x01 this is not a message\r\nno headers at all', 'latin1');
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', garbage, { clientId: `${RUN}-g` }), { version: '16.1' }), 'SendMail'), 107);
    assert.equal(composeStatus(await postCompose(g.gw.url, 'SendMail', composeBody('SendMail', Buffer.alloc(0)), { version: '14.0' }), 'SendMail'), 107);

    const text = log.text();
    assert.doesNotMatch(text, /alice-secret|to a stranger|to nobody/, 'no password or body in the log');
  });
});
