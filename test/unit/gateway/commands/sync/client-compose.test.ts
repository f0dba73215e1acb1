import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { el } from '../../../../../codec/index.js';
import { fromClientDraft } from '../../../../../gateway/convert/email/client-draft.js';
import { composeDraft } from '../../../../../gateway/convert/email/compose-draft.js';
import { ItemConversionError } from '../../../../../gateway/items/errors.js';

const E = 'Email';
const ASB = 'AirSyncBase';
const date = new Date('2026-11-25T12:00:00Z');

test('a client draft (16.1 ApplicationData) composes into MIME that reads back with every property', async () => {
  const draft = fromClientDraft([
    el(E, 'To', '"Bob, the Builder" <bob@example.com>, carol@example.com'),
    el(E, 'Cc', 'Dave <dave@example.com>'),
    el('Email2', 'Bcc', 'secret@example.com'),
    el(E, 'Subject', 'Grüße aus Köln – 日本'),
    el(E, 'Importance', '0'),
    el(ASB, 'Body', [el(ASB, 'Type', '2'), el(ASB, 'Data', '<p>Hallo <img src="cid:logo1"></p>')]),
    el(ASB, 'Attachments', [
      el(ASB, 'Add', [el(ASB, 'ClientId', 'a1'), el(ASB, 'Content', new Uint8Array([0, 1, 2, 255])), el(ASB, 'DisplayName', 'Bericht ü.bin'), el(ASB, 'Method', '1'), el(ASB, 'ContentType', 'application/octet-stream')]),
      el(ASB, 'Add', [el(ASB, 'ClientId', 'a2'), el(ASB, 'Content', new TextEncoder().encode('PNG')), el(ASB, 'DisplayName', 'logo.png'), el(ASB, 'Method', '1'), el(ASB, 'ContentType', 'image/png'), el(ASB, 'ContentId', 'logo1'), el(ASB, 'IsInline', '1')]),
    ]),
  ], '16.1');
  assert.deepEqual(draft.addAttachments.map((a) => a.clientId), ['a1', 'a2']);
  const mime = await composeDraft(draft.item, draft.addAttachments.map((a) => ({ content: a.content, filename: a.displayName!, contentType: a.contentType!, ...(a.contentId ? { contentId: a.contentId, inline: true } : {}) })), { from: 'alice@example.com', date, headers: { 'X-Easgate-Draft': 'abc' } });
  const parsed = await simpleParser(Buffer.from(mime));
  assert.equal(parsed.subject, 'Grüße aus Köln – 日本');
  const addrs = (v: typeof parsed.to) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => `${x.name}|${x.address}`));
  assert.deepEqual(addrs(parsed.to), ['Bob, the Builder|bob@example.com', '|carol@example.com']);
  assert.deepEqual(addrs(parsed.cc), ['Dave|dave@example.com']);
  assert.deepEqual(addrs(parsed.bcc), ['|secret@example.com'], 'a draft keeps Bcc');
  assert.deepEqual(addrs(parsed.from), ['|alice@example.com']);
  assert.equal(parsed.headers.get('priority'), 'low', 'Importance: low (mailparser files it as priority)');
  assert.equal(parsed.headers.get('x-easgate-draft'), 'abc');
  assert.equal(parsed.date?.toISOString(), date.toISOString());
  assert.match(Buffer.from(mime).toString('utf8'), /<img src=3D"cid:logo1">|<img src="cid:logo1">/);
  assert.match(String(parsed.html), /Hallo <img src="data:image\/png/, 'the inline image resolves by its Content-ID');
  const atts = parsed.attachments.map((a) => ({ name: a.filename, type: a.contentType, cid: a.cid, bytes: [...a.content] }));
  assert.deepEqual(atts.find((a) => a.name === 'Bericht ü.bin'), { name: 'Bericht ü.bin', type: 'application/octet-stream', cid: undefined, bytes: [0, 1, 2, 255] });
  assert.equal(atts.find((a) => a.name === 'logo.png')?.cid, 'logo1');
});

test('plain text bodies, no recipients, and the bodies a draft cannot have', async () => {
  const plain = await simpleParser(Buffer.from(await composeDraft({ body: { type: 1, data: 'Just text\nline 2' } }, [], { from: 'alice@example.com', date })));
  assert.equal(plain.text?.trim(), 'Just text\nline 2');
  assert.equal(plain.html, false);
  assert.equal(plain.subject, undefined);
  const empty = await simpleParser(Buffer.from(await composeDraft({}, [], { from: 'alice@example.com', date, messageId: '<keep@example.com>', inReplyTo: '<parent@example.com>', references: '<root@example.com> <parent@example.com>' })));
  assert.equal(empty.messageId, '<keep@example.com>');
  assert.equal(empty.inReplyTo, '<parent@example.com>');
  assert.deepEqual(empty.references, ['<root@example.com>', '<parent@example.com>']);
  await assert.rejects(composeDraft({ body: { type: 3, data: 'rtf' } }, [], { from: 'a@example.com', date }), ItemConversionError);
});

test('malformed draft attachments are conversion errors (Status 6)', () => {
  assert.throws(() => fromClientDraft([el(ASB, 'Attachments', [el(ASB, 'Add', [el(ASB, 'DisplayName', 'x')])])], '16.1'), ItemConversionError);
  assert.throws(() => fromClientDraft([el(ASB, 'Attachments', [el(ASB, 'Delete', [])])], '16.1'), ItemConversionError);
  assert.throws(() => fromClientDraft([el(ASB, 'Attachments', [el(ASB, 'Add', [el(ASB, 'ClientId', 'c'), el(ASB, 'Content', 'x'), el(ASB, 'Method', 'one')])])], '16.1'), ItemConversionError);
  assert.throws(() => fromClientDraft([el('Email2', 'ConversationId', new Uint8Array([1]))], '16.1'), ItemConversionError);
  assert.deepEqual(fromClientDraft([el(ASB, 'Attachments', [el(ASB, 'Delete', [el(ASB, 'FileReference', '4:9:2')])])], '16.1').deleteAttachments, ['4:9:2']);
});
