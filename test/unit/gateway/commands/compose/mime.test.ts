/** The compose MIME helpers: header surgery without touching the body, envelope recipients, quoting, the rebuilt Smart* message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { listAddresses } from '../../../../../gateway/convert/email/compose/addresses.js';
import { InvalidMimeError, NoRecipientError, prepareOutgoing } from '../../../../../gateway/convert/email/compose/outgoing.js';
import { quotedHtml, quotedText, quotesOriginal } from '../../../../../gateway/convert/email/compose/quote.js';
import { nonDeliveryNotice } from '../../../../../gateway/convert/email/compose/non-delivery.js';
import { parseRawMessage, serializeRawMessage } from '../../../../../gateway/convert/email/compose/raw-message.js';
import { buildSmartMessage } from '../../../../../gateway/convert/email/compose/smart-message.js';

const now = new Date('2026-11-25T12:00:00Z');
const opts = { userAddress: 'alice@example.com', now };
const msg = (head: string, body = 'body\r\n'): Buffer => Buffer.from(`${head.replace(/\n/g, '\r\n')}\r\n\r\n${body}`, 'latin1');

describe('raw messages', () => {
  it('round-trip byte for byte, folding and 8-bit body included', () => {
    const bytes = Buffer.concat([Buffer.from('Subject: a\r\n  folded\r\nX-A: 1\r\n\r\n', 'latin1'), Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80])]);
    assert.ok(serializeRawMessage(parseRawMessage(bytes)).equals(bytes));
  });
  it('keeps a bare-LF message in LF', () => {
    const bytes = Buffer.from('To: b@x\nSubject: s\n\nline\n');
    assert.ok(serializeRawMessage(parseRawMessage(bytes)).equals(bytes));
  });
  for (const [what, bytes] of [
    ['empty', Buffer.alloc(0)],
    ['no header field', Buffer.from('just some text\r\nmore text')],
    ['a continuation first', Buffer.from(' folded: x\r\n\r\nbody')],
    ['a blank line first', Buffer.from('\r\n\r\nbody')],
  ] as const) {
    it(`refuse ${what}`, () => assert.throws(() => parseRawMessage(bytes), InvalidMimeError));
  }
});

describe('envelope addresses', () => {
  it('reads names, quotes with commas, comments, groups and bare addresses', () => {
    assert.deepEqual(listAddresses('"Doe, John" <john@x.org>, jane@y.org (Jane), team: a@z.org, "b;c" <b@z.org>;, <d@w.org>'), ['john@x.org', 'jane@y.org', 'a@z.org', 'b@z.org', 'd@w.org']);
    assert.deepEqual(listAddresses('undisclosed-recipients:;'), []);
    assert.deepEqual(listAddresses('=?utf-8?Q?J=C3=BCrgen?= <j@x.de>'), ['j@x.de']);
  });
});

describe('prepareOutgoing', () => {
  it('takes To, Cc and Bcc once each for the envelope and strips Bcc from what travels only', () => {
    const out = prepareOutgoing(msg('From: alice@example.com\nTo: Bob <bob@example.com>, carol@x.org\nCc: BOB@example.com\nBcc: dave@x.org,\n eve@x.org\nSubject: s\nMessage-ID: <keep@x>'), opts);
    assert.deepEqual(out.recipients, ['bob@example.com', 'carol@x.org', 'dave@x.org', 'eve@x.org']);
    assert.doesNotMatch(out.transmitted.toString(), /^Bcc:/im);
    assert.match(out.saved.toString(), /^Bcc: dave@x\.org,\r\n eve@x\.org$/m);
    assert.equal(out.messageId, '<keep@x>');
    assert.ok(out.transmitted.toString().endsWith('\r\n\r\nbody\r\n'));
  });
  it('adds Message-ID, Date, From and MIME-Version when missing, the same in both copies', () => {
    const out = prepareOutgoing(msg('To: bob@example.com\nSubject: s'), opts);
    assert.match(out.messageId, /^<[0-9a-f-]{36}@example\.com>$/);
    for (const copy of [out.transmitted, out.saved]) {
      const text = copy.toString();
      assert.ok(text.includes(`Message-ID: ${out.messageId}\r\n`));
      assert.match(text, /^Date: Wed, 25 Nov 2026 12:00:00 \+0000$/m);
      assert.match(text, /^From: alice@example\.com$/m);
      assert.match(text, /^MIME-Version: 1\.0$/m);
    }
  });
  it('adds Forwardees to To', () => {
    const out = prepareOutgoing(msg('To: bob@example.com\nSubject: s'), { ...opts, extraTo: ['fred@x.org', 'not an address'] });
    assert.deepEqual(out.recipients, ['bob@example.com', 'fred@x.org']);
    assert.match(out.transmitted.toString(), /^To: bob@example\.com, fred@x\.org$/m);
  });
  it('refuses a message without recipients, and one that is no message', () => {
    assert.throws(() => prepareOutgoing(msg('Subject: s\nTo: undisclosed-recipients:;'), opts), NoRecipientError);
    assert.throws(() => prepareOutgoing(Buffer.from('hello'), opts), InvalidMimeError);
  });
});

describe('quoting', () => {
  const original = { from: [{ name: 'Carol', address: 'carol@x.org' }], to: [{ address: 'alice@example.com' }], subject: 'Figures', date: new Date('2026-11-24T09:30:00Z') };
  it('quotes a reply line by line under an attribution', () => {
    assert.equal(quotedText('reply', 'Thanks\r\n', original, { text: 'one\n>two\n' }),
      'Thanks\r\n\r\nOn Tue, 24 Nov 2026 09:30:00 +0000, "Carol" <carol@x.org> wrote:\r\n> one\r\n>>two\r\n');
  });
  it('puts a forward under an Original Message block, HTML made plain when there is no text', () => {
    const text = quotedText('forward', 'FYI', original, { html: '<p>Hello <b>there</b></p>' });
    assert.match(text, /^FYI\r\n\r\n-------- Original Message --------\r\nSubject: Figures\r\nDate: .*\r\nFrom: "Carol" <carol@x\.org>\r\nTo: alice@example\.com\r\n\r\nHello there/);
  });
  it('nests the original HTML body in a blockquote before the client\'s </body>, without scripts', () => {
    const html = quotedHtml('reply', '<html><body><p>Hi</p></body></html>', original, { html: '<html><head><style>x{}</style></head><body class="c"><p>Orig</p><script>bad()</script></body></html>' });
    assert.match(html, /^<html><body><p>Hi<\/p><div>On .* wrote:<\/div><blockquote type="cite"[^>]*><p>Orig<\/p><\/blockquote><\/body><\/html>$/);
    assert.match(quotedHtml('reply', '<p>Hi</p>', original, { text: 'a < b' }), /<blockquote[^>]*>a &lt; b<\/blockquote>$/);
  });
});

describe('buildSmartMessage', () => {
  const original = { from: [{ address: 'carol@x.org' }], subject: 'Figures', messageId: 'orig@x.org', references: ['<a@x>', 'b@x'] };
  const client = msg('From: alice@example.com\nTo: carol@x.org\nSubject: Re: Figures\nImportance: high\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable', 'Gr=FC=DFe\r\n');

  it('keeps the client\'s fields, threads, decodes its text and quotes the original', async () => {
    const built = await buildSmartMessage({ mode: 'reply', clientMime: client, original, bodies: { text: 'the figures' } });
    const p = await simpleParser(built);
    assert.equal(p.inReplyTo, '<orig@x.org>');
    assert.deepEqual(p.references, ['<a@x>', '<b@x>', '<orig@x.org>']);
    assert.match(built.toString(), /^Importance: high\r$/m);
    assert.match(p.text ?? '', /^Grüße\n\nOn .* wrote:\n> the figures/);
    assert.equal(p.html, false);
    assert.equal((built.toString().match(/^Content-Type:/gim) ?? []).length, 1, 'one body, no stale Content-Type');
  });
  it('keeps the client\'s own threading fields', async () => {
    const withThread = msg('To: carol@x.org\nIn-Reply-To: <mine@x>\nReferences: <mine@x>\nSubject: Re', 'ok');
    const p = await simpleParser(await buildSmartMessage({ mode: 'reply', clientMime: withThread, original, bodies: {} }));
    assert.equal(p.inReplyTo, '<mine@x>');
  });
  it('forwards with the client\'s attachment, the original parts as they were, and HTML alongside text', async () => {
    const clientMime = msg('To: bob@example.com\nSubject: Fwd: Figures\nContent-Type: multipart/mixed; boundary=x',
      '--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--y\r\nContent-Type: text/html\r\n\r\n<p>see below</p>\r\n--y--\r\n--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="new.png"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--x--\r\n');
    const part = Buffer.from('Content-Type: application/pdf; name="r.pdf"\r\nContent-Disposition: attachment; filename="r.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK');
    const built = await buildSmartMessage({ mode: 'forward', clientMime, original, bodies: { text: 'orig text', html: '<p>orig</p>' }, originalParts: [[part]] });
    assert.ok(built.includes(part), 'the original part is copied byte for byte');
    const p = await simpleParser(built);
    assert.match(p.text ?? '', /^see below\n\n-------- Original Message --------[\s\S]*orig text/);
    assert.match(p.html || '', /<p>see below<\/p><div>-------- Original Message --------<br>.*<\/div><div><p>orig<\/p><\/div>/);
    assert.deepEqual(p.attachments.map((a) => [a.filename, a.content.toString('base64')]), [['new.png', 'iVBORw0KGgo='], ['r.pdf', 'JVBERi0xLjQK']]);
    assert.equal(p.inReplyTo, undefined, 'a forward is not a reply');
    assert.deepEqual(p.references, ['<a@x>', '<b@x>', '<orig@x.org>']);
  });
});

describe('nonDeliveryNotice', () => {
  it('names the refused recipients and threads to the sent message', async () => {
    const sent = msg('To: a@x, b@y\nSubject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\nMessage-ID: <s1@x>');
    const p = await simpleParser(nonDeliveryNotice({ userAddress: 'alice@example.com', sent, refused: ['b@y'], now }));
    assert.equal(p.subject, 'Undeliverable: Grüße');
    assert.equal(p.inReplyTo, '<s1@x>');
    assert.equal(p.to && !Array.isArray(p.to) ? p.to.text : '', 'alice@example.com');
    assert.match(p.text ?? '', /"Grüße" was not delivered[\s\S]*\n {4}b@y\n/);
  });
});

describe('buildSmartMessage with an HTML-only client message', () => {
  it('puts the client\'s words in the plain alternative too', async () => {
    const clientMime = msg('To: bob@example.com\nSubject: Re: x\nContent-Type: text/html; charset=utf-8', '<html><body><p>Only <b>HTML</b> here</p></body></html>');
    const p = await simpleParser(await buildSmartMessage({ mode: 'reply', clientMime, original: { messageId: 'o@x' }, bodies: { text: 'orig' } }));
    assert.match(p.text ?? '', /^Only HTML here[\s\S]*> orig/);
    assert.match(p.html || '', /<p>Only <b>HTML<\/b> here<\/p><div>On .*<blockquote[^>]*>orig<\/blockquote>/);
  });
});

describe('a client that quoted the original itself', () => {
  const bodies = { text: 'Here are the quarterly figures for the northern region.\nSecond line.' };
  it('is recognised through quote markers and rewrapping, and not by a short or unrelated text', () => {
    assert.equal(quotesOriginal('Thanks!\n\nOn Tue, Carol wrote:\n> Here are the quarterly figures\n> for the northern region.\n> Second line.', bodies), true);
    assert.equal(quotesOriginal('Thanks!', bodies), false);
    assert.equal(quotesOriginal('ok', { text: 'ok' }), false);
  });
  it('gets no second quote', async () => {
    const clientMime = msg('To: carol@x.org\nSubject: Re: Figures', 'Thanks!\r\n\r\n> Here are the quarterly figures for the northern region.\r\n> Second line.\r\n');
    const p = await simpleParser(await buildSmartMessage({ mode: 'reply', clientMime, original: { messageId: 'o@x' }, bodies }));
    assert.equal((p.text ?? '').match(/quarterly/g)?.length, 1);
    assert.equal(p.inReplyTo, '<o@x>');
  });
});

describe('inline images of a replied-to message', () => {
  const img = Buffer.from('Content-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=');
  const bodies = { html: '<html><body><p>Hi <img src="cid:logo@x"></p></body></html>' };
  it('come along when the reply quotes the HTML', async () => {
    const clientMime = msg('To: c@x\nSubject: Re\nContent-Type: text/html', '<p>ok</p>');
    const built = await buildSmartMessage({ mode: 'reply', clientMime, original: {}, bodies, originalInline: [[img]] });
    assert.ok(built.includes(img));
    assert.match((await simpleParser(built, { keepCidLinks: true })).html || '', /<img src="cid:logo@x">/);
  });
  it('stay behind when the reply is plain text', async () => {
    const clientMime = msg('To: c@x\nSubject: Re\nContent-Type: text/plain', 'ok');
    const built = await buildSmartMessage({ mode: 'reply', clientMime, original: {}, bodies, originalInline: [[img]] });
    assert.ok(!built.includes(img));
  });
});
