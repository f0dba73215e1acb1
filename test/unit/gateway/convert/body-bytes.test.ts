/**
 * Type 1/2 bodies from parts that are already UTF-8 go out as the part's bytes (no decode to a
 * string and encode back). What is sent must be exactly what the string path sends: the same text,
 * the same cut, the same EstimatedDataSize; and everything the string path would change falls back
 * to it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBodyFetch, toEmailItem, type BodyRequest } from '../../../../gateway/convert/email/index.js';
import { declareUtf8, truncateUtf8 } from '../../../../gateway/convert/email/text.js';
import type { BodyType, EmailBody } from '../../../../gateway/items/email.js';
import { fetchSections, parseEml } from './support/eml.js';

function eml(contentType: string, body: Buffer | string, encoding = '8bit'): Buffer {
  const head = `From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: ${contentType}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

function bodyOf(raw: Buffer, type: BodyType, truncationSize?: number): EmailBody {
  const e = parseEml(raw);
  const request: BodyRequest = { bodyPreferences: [{ type, truncationSize }] };
  const plan = planBodyFetch(e.view, request, '16.1');
  return toEmailItem(e.view, fetchSections(e, plan.fetch), { version: '16.1', body: request, fileReference: (s) => s }).body!;
}

const HTML = '<html><head><meta charset="utf-8"></head><body><p>Grüße &amp; 日本語 &#x263A; — <b>fett</b></p><p>naïve café</p></body></html>';
const PLAIN = 'Grüße aus Köln\r\n日本語のテキスト — “quoted”\r\nEnde.\r\n';

describe('UTF-8 Type 1/2 bodies as bytes', () => {
  it('sends an 8-bit UTF-8 HTML part as its bytes, with the exact size', () => {
    const b = bodyOf(eml('text/html; charset=utf-8', HTML), 2);
    assert.ok(b.data instanceof Uint8Array);
    assert.equal(Buffer.from(b.data).toString('utf8'), HTML);
    assert.equal(b.estimatedDataSize, Buffer.byteLength(HTML));
    assert.equal(b.truncated, false);
  });

  it('decodes base64 and quoted-printable and keeps the bytes', () => {
    const b64 = bodyOf(eml('text/plain; charset="UTF-8"', Buffer.from(PLAIN).toString('base64'), 'base64'), 1);
    assert.ok(b64.data instanceof Uint8Array);
    assert.equal(Buffer.from(b64.data).toString('utf8'), PLAIN);
    const qp = Buffer.from(PLAIN).toString('latin1').replace(/[\u0080-\u00ff=]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    const q = bodyOf(eml('text/plain; charset=utf-8', Buffer.from(qp, 'latin1'), 'quoted-printable'), 1);
    assert.ok(q.data instanceof Uint8Array);
    assert.equal(Buffer.from(q.data).toString('utf8'), PLAIN);
  });

  it('cuts where the string path cuts, at every TruncationSize', () => {
    const size = Buffer.byteLength(HTML);
    for (let n = 0; n <= size + 2; n++) {
      const b = bodyOf(eml('text/html; charset=utf-8', HTML), 2, n);
      const want = truncateUtf8(declareUtf8(HTML), n, true);
      const got = b.data === undefined ? '' : Buffer.from(b.data as Uint8Array).toString('utf8');
      assert.equal(got, want.text, `n=${n}`);
      assert.equal(b.truncated, want.truncated, `n=${n}`);
      const sent = Buffer.byteLength(want.text);
      assert.equal(b.estimatedDataSize, want.truncated ? Math.max(size, sent + 1) : sent, `n=${n}`);
    }
  });

  it('drops a leading BOM as decoding would', () => {
    const b = bodyOf(eml('text/plain; charset=utf-8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLAIN)])), 1);
    assert.equal(Buffer.from(b.data as Uint8Array).toString('utf8'), PLAIN);
    assert.equal(b.estimatedDataSize, Buffer.byteLength(PLAIN));
  });

  it('passes pure ASCII without a charset, decodes 8-bit bytes labelled US-ASCII as Windows-1252', () => {
    assert.ok(bodyOf(eml('text/plain', 'plain ascii\r\n'), 1).data instanceof Uint8Array);
    const b = bodyOf(eml('text/plain; charset=us-ascii', Buffer.from([0x93, 0x68, 0x69, 0x94])), 1);
    assert.equal(b.data, '\u201chi\u201d');
  });

  it('falls back to the string path for whatever it would change', () => {
    // A <meta> naming another charset is rewritten to utf-8.
    const upper = bodyOf(eml('text/html; charset=utf-8', '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; CHARSET=UTF-8"><p>é</p>'), 2);
    assert.equal(upper.data, '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; CHARSET=utf-8"><p>é</p>');
    const meta = bodyOf(eml('text/html; charset=utf-8', '<html><head><meta charset="iso-8859-1"></head><body>é</body></html>'), 2);
    assert.equal(meta.data, '<html><head><meta charset="utf-8"></head><body>é</body></html>');
    // format=flowed is unflowed.
    const flowed = bodyOf(eml('text/plain; charset=utf-8; format=flowed', 'one \r\ntwo\r\n'), 1);
    assert.equal(flowed.data, 'one two\r\n');
    // Controls the value writer strips, and invalid UTF-8, stay strings.
    assert.equal(typeof bodyOf(eml('text/plain; charset=utf-8', 'a\u0001b'), 1).data, 'string');
    assert.equal(typeof bodyOf(eml('text/plain; charset=utf-8', 'a\uFFFEb'), 1).data, 'string');
    assert.equal(typeof bodyOf(eml('text/html; charset=utf-8', '<p>\uFFFF</p>'), 2).data, 'string');
    assert.ok(bodyOf(eml('text/plain; charset=utf-8', 'half\uFF76kana \uFFE5'), 1).data instanceof Uint8Array);
    assert.equal(typeof bodyOf(eml('text/plain; charset=utf-8', Buffer.from([0x61, 0xff, 0x62])), 1).data, 'string');
    // Another charset, and HTML-to-text conversion, are decoded.
    assert.equal(typeof bodyOf(eml('text/plain; charset=iso-8859-1', Buffer.from([0xe9])), 1).data, 'string');
    assert.equal(typeof bodyOf(eml('text/html; charset=utf-8', HTML), 1).data, 'string');
  });
});
