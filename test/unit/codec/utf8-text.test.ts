import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { child, opaqueOf, textOf } from '../../../codec/access.js';
import { decode } from '../../../codec/decoder.js';
import { encode, encodeChunks, encodedLength } from '../../../codec/encoder.js';
import { EncodeError, WbxmlError } from '../../../codec/errors.js';
import { el, elUtf8, textString, treesEqual, type WbxmlElement } from '../../../codec/tree.js';
import { toXml } from '../../../codec/xml.js';

const AS = 'AirSync';
const ASB = 'AirSyncBase';
const EM = 'Email';
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** An email-ish Sync item whose body is `body` (string or bytes), with short texts around it. */
function item(body: WbxmlElement): WbxmlElement {
  return el(AS, 'Sync', [
    el(AS, 'Collections', [
      el(AS, 'Collection', [
        el(AS, 'SyncKey', '2'),
        el(AS, 'Commands', [
          el(AS, 'Add', [
            el(AS, 'ServerId', '5:1'),
            el(AS, 'ApplicationData', [
              el(EM, 'Subject', 'Grüße'),
              el(ASB, 'Body', [el(ASB, 'Type', '2'), body]),
              el(EM, 'Read', '1'),
            ]),
          ]),
        ]),
      ]),
    ]),
  ]);
}

async function streamed(root: WbxmlElement, chunkSize = 64): Promise<{ bytes: Buffer; chunks: Uint8Array[] }> {
  const chunks: Uint8Array[] = [];
  for await (const c of encodeChunks(root, { chunkSize })) chunks.push(c);
  return { bytes: Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))), chunks };
}

const TEXTS = [
  '',
  'a',
  'short ASCII',
  'Grüße, “quotes” – € 😀',
  '<p>'.padEnd(31, 'x'),
  'x'.repeat(32),
  'y'.repeat(33),
  `<html><body>${'Zürich 会議 привет don’t '.repeat(400)}</body></html>`,
];

describe('text as UTF-8 bytes (utf8)', () => {
  it('encodes exactly like the same text as a string, buffered, streamed and in encodedLength', async () => {
    for (const text of TEXTS) {
      const asString = item(el(ASB, 'Data', text));
      const asBytes = item(elUtf8(ASB, 'Data', utf8(text)));
      const expected = encode(asString);
      assert.equal(hex(encode(asBytes)), hex(expected), `buffered, ${text.length} chars`);
      assert.equal(encodedLength(asBytes), expected.length);
      for (const chunkSize of [64, 1024]) {
        const { bytes } = await streamed(asBytes, chunkSize);
        assert.equal(hex(bytes), hex(expected), `streamed in ${chunkSize}-byte chunks, ${text.length} chars`);
      }
    }
  });

  it('passes a byte text of a chunk or more through the streaming encoder without copying it', async () => {
    const body = utf8('ä'.repeat(5000));
    const { bytes, chunks } = await streamed(item(elUtf8(ASB, 'Data', body)), 1024);
    assert.ok(chunks.includes(body), 'the body itself is one of the chunks');
    assert.equal(hex(bytes), hex(encode(item(el(ASB, 'Data', 'ä'.repeat(5000))))));
  });

  it('round-trips: decoding gives the text back, as a string or (textBytes) as a view of the input', () => {
    for (const text of TEXTS) {
      const wire = encode(item(elUtf8(ASB, 'Data', utf8(text))));
      const asString = decode(wire);
      assert.equal(findData(asString).text, text);
      const asBytes = decode(wire, { textBytes: 16 });
      const data = findData(asBytes);
      if (Buffer.byteLength(text) >= 16) {
        assert.equal(data.text, undefined);
        const view = data.utf8!;
        assert.ok(view.buffer === wire.buffer && view.byteOffset > wire.byteOffset && view.byteOffset < wire.byteOffset + wire.length, 'a view into the input');
        assert.equal(Buffer.from(data.utf8!).toString('utf8'), text);
      } else {
        assert.equal(data.text, text);
      }
      assert.ok(treesEqual(asString, asBytes));
      assert.equal(hex(encode(asBytes)), hex(wire));
      assert.equal(toXml(asBytes), toXml(asString));
      // Short strings stay strings: the subject is 6 bytes.
      assert.equal(child(child(child(child(child(asBytes, AS, 'Collections')!, AS, 'Collection')!, AS, 'Commands')!, AS, 'Add')!, AS, 'ApplicationData')!.children[0]!.text, 'Grüße');
    }
  });

  it('copies byte texts with copyOpaque, and keeps malformed UTF-8 a (replaced) string', () => {
    const text = 'z'.repeat(40);
    const wire = Buffer.from(encode(item(el(ASB, 'Data', text))));
    const copied = findData(decode(wire, { textBytes: 8, copyOpaque: true }));
    wire.fill(0x41); // a copy does not see later changes of the input
    assert.equal(Buffer.from(copied.utf8!).toString(), text);

    const bad = Buffer.from(encode(item(el(ASB, 'Data', text))));
    const at = bad.indexOf('zzzz');
    bad[at + 3] = 0xff;
    const replaced = findData(decode(bad, { textBytes: 8 }));
    assert.equal(replaced.utf8, undefined);
    assert.equal(replaced.text, `zzz\uFFFD${'z'.repeat(36)}`);
    assert.throws(() => decode(bad, { textBytes: 8, invalidUtf8: 'error' }), (e: unknown) => e instanceof WbxmlError && e.reason === 'invalid-utf8');
  });

  it('joins several inline strings of one element into one string', () => {
    // <Data>STR_I "a"x20 STR_I "b"x20</Data>: the first chunk is a byte text, the second makes it a string.
    const head = encode(el(ASB, 'Body', [el(ASB, 'Data', 'a'.repeat(20))]));
    const end = head.length - 3; // before NUL END END
    const wire = Buffer.concat([head.subarray(0, end + 1), Buffer.from([0x03]), Buffer.from('b'.repeat(20)), Buffer.from([0, 1, 1])]);
    const data = decode(wire, { textBytes: 8 }).children[0]!;
    assert.equal(data.utf8, undefined);
    assert.equal(data.text, `${'a'.repeat(20)}${'b'.repeat(20)}`);
  });

  it('rejects NUL inside byte text, short and long, buffered and streamed, naming the element', async () => {
    for (const bytes of [utf8('a\0b'), new Uint8Array([0]), utf8(`${'x'.repeat(100)}\0`), utf8(`${'ü'.repeat(3000)}\0`)]) {
      const tree = item(elUtf8(ASB, 'Data', bytes));
      const isNul = (e: unknown) =>
        e instanceof EncodeError && e.reason === 'nul-in-text' && e.path === 'Sync/Collections/Collection/Commands/Add/ApplicationData/Body/Data';
      assert.throws(() => encode(tree), isNul);
      for (const chunkSize of [64, 1024]) await assert.rejects(streamed(tree, chunkSize), isNul);
    }
  });

  it('rejects byte text next to other content', () => {
    const both = elUtf8(ASB, 'Data', utf8('x'));
    both.text = 'x';
    assert.throws(() => encode(item(both)), (e: unknown) => e instanceof EncodeError && e.reason === 'mixed-content');
    const withChild = el(ASB, 'Body', [el(ASB, 'Type', '1')]);
    withChild.utf8 = utf8('x');
    assert.throws(() => encode(withChild), (e: unknown) => e instanceof EncodeError && e.reason === 'mixed-content');
  });

  it('is read by the accessors and textString like a string', () => {
    const body = el(ASB, 'Body', [elUtf8(ASB, 'Data', utf8('Grüße'))]);
    assert.equal(textOf(body, ASB, 'Data'), 'Grüße');
    assert.equal(textString(body.children[0]!), 'Grüße');
    assert.equal(hex(opaqueOf(body, ASB, 'Data')!), hex(utf8('Grüße')));
    assert.equal(textString(body), undefined);
  });

  it('is redacted in logs like string text', () => {
    const xml = toXml(item(elUtf8(ASB, 'Data', utf8('secret body'))), { redact: true });
    assert.ok(!xml.includes('secret'));
    assert.ok(xml.includes('[redacted 11 bytes]'));
  });
});

function findData(root: WbxmlElement): WbxmlElement {
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.ns === ASB && e.tag === 'Data') return e;
    stack.push(...e.children);
  }
  throw new Error('no Data');
}
