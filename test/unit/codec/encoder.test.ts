import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '../../../codec/decoder.js';
import { encode, encodedLength, type EncodeOptions } from '../../../codec/encoder.js';
import { EncodeError, type EncodeErrorReason } from '../../../codec/errors.js';
import { el, type WbxmlElement } from '../../../codec/tree.js';
import { mb, wbxml } from './support/builder.js';
import { LOCAL_PAGES } from './support/local-pages.js';

const opts: EncodeOptions = { codePages: LOCAL_PAGES };
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const enc = (root: WbxmlElement) => encode(root, opts);
const FH = 'FolderHierarchy';
const AS = 'AirSync';
const ASB = 'AirSyncBase';

function fails(root: WbxmlElement, reason: EncodeErrorReason, path: string): void {
  assert.throws(
    () => enc(root),
    (error: unknown) => {
      assert.ok(error instanceof EncodeError, String(error));
      assert.equal(error.reason, reason, error.message);
      assert.equal(error.path, path);
      return true;
    },
  );
}

describe('encode', () => {
  it('writes the EAS header, one SWITCH_PAGE, STR_I text', () => {
    const root = el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]);
    assert.equal(hex(enc(root)), '03016a00000756520330000101');
    assert.equal(hex(enc(root)), hex(wbxml().page(FH).open('FolderSync').leaf('SyncKey', '0').end().bytes()));
  });

  it('switches pages only when the page changes', () => {
    const root = el(AS, 'Sync', [
      el(AS, 'Collections', [
        el(AS, 'Collection', [
          el(AS, 'SyncKey', '1'),
          el(AS, 'Options', [
            el(ASB, 'BodyPreference', [el(ASB, 'Type', '2'), el(ASB, 'TruncationSize', '200')]),
            el(ASB, 'BodyPreference', [el(ASB, 'Type', '4')]),
            el(AS, 'MIMESupport', '2'),
          ]),
        ]),
      ]),
    ]);
    const expected = wbxml()
      .open('Sync').open('Collections').open('Collection').leaf('SyncKey', '1').open('Options')
      .page(ASB).open('BodyPreference').leaf('Type', '2').leaf('TruncationSize', '200').end()
      .open('BodyPreference').leaf('Type', '4').end()
      .page(AS).leaf('MIMESupport', '2')
      .end().end().end().end().bytes();
    assert.equal(hex(enc(root)), hex(expected));
  });

  it('writes elements without content without the content bit, empty text as STR_I "", empty opaque as OPAQUE 0', () => {
    const root = el(AS, 'Sync', [el(AS, 'GetChanges'), el(AS, 'SyncKey', ''), el(AS, 'ServerId', new Uint8Array(0))]);
    const expected = wbxml().open('Sync').empty('GetChanges').leaf('SyncKey', '').open('ServerId').opaque([]).end().end().bytes();
    assert.equal(hex(enc(root)), hex(expected));
  });

  it('writes opaque data with mb_u_int32 lengths at every width boundary', () => {
    for (const n of [0, 1, 127, 128, 16383, 16384, 2097151, 2097152]) {
      const data = new Uint8Array(n).fill(0xab);
      const bytes = enc(el('ComposeMail', 'SendMail', [el('ComposeMail', 'MIME', data)]));
      const head = [0x03, 0x01, 0x6a, 0x00, 0x00, 21, 0x45, 0x50, 0xc3, ...mb(n)];
      assert.equal(hex(bytes.subarray(0, head.length)), hex(Uint8Array.from(head)), `length ${n}`);
      assert.equal(bytes.length, head.length + n + 2);
      assert.equal(decode(bytes, opts).children[0]!.opaque!.length, n);
    }
  });

  it('encodes text of every kind: ASCII, multi-byte, astral, long, and a lone surrogate as U+FFFD', () => {
    for (const text of ['a', 'Grüße', '日本語', '😀😀', 'x'.repeat(100_000), 'é'.repeat(50_000), '😀'.repeat(40_000)]) {
      const root = el(FH, 'FolderCreate', [el(FH, 'DisplayName', text)]);
      assert.equal(decode(enc(root), opts).children[0]!.text, text);
    }
    const lone = enc(el(FH, 'FolderCreate', [el(FH, 'DisplayName', 'a\ud800b')]));
    assert.equal(decode(lone, opts).children[0]!.text, 'a\ufffdb');
  });

  it('encodes a 20,000-deep tree without recursion', () => {
    let root = el(AS, 'SyncKey', 'leaf');
    for (let i = 0; i < 20_000; i++) root = el(AS, 'Collection', [root]);
    const bytes = enc(root);
    assert.equal(bytes.length, 4 + 20_000 * 2 + 8);
    let node = decode(bytes, { ...opts, limits: { maxDepth: 30_000 } });
    for (let i = 0; i < 20_000; i++) node = node.children[0]!;
    assert.equal(node.text, 'leaf');
  });

  it('round-trips unknown-token names from unknownTags: keep', () => {
    const root = el(FH, 'FolderSync', [el(FH, 'Unknown_0x3F', 'x'), el('Unknown_Page_200', 'Unknown_0x05')]);
    assert.equal(hex(enc(root)), hex(wbxml().page(FH).open('FolderSync').leaf(0x3f, 'x').page(200).empty(0x05).end().bytes()));
  });
});

describe('encode: errors', () => {
  it('an unknown namespace or tag names the element path', () => {
    fails(el(AS, 'Sync', [el(AS, 'Collections', [el('Nope', 'Collection')])]), 'unknown-namespace', 'Sync/Collections/Collection');
    fails(el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Bogus')])]), 'unknown-tag', 'Sync/Collections/Bogus');
    fails(el(AS, 'Bogus'), 'unknown-tag', 'Bogus');
    fails(el(AS, 'Sync', [el(AS, 'Unknown_0x04')]), 'unknown-tag', 'Sync/Unknown_0x04');
  });

  it('rejects elements with more than one kind of content', () => {
    const both = { ...el(AS, 'SyncKey', 'x'), children: [el(AS, 'Status', '1')] };
    fails(el(AS, 'Sync', [both]), 'mixed-content', 'Sync/SyncKey');
    fails(el(AS, 'Sync', [{ ...el(AS, 'SyncKey', 'x'), opaque: new Uint8Array(1) }]), 'mixed-content', 'Sync/SyncKey');
    const withSource = { ...el(AS, 'SyncKey', new Uint8Array(1)), opaqueSource: { length: 0, stream: async function* () {} } };
    fails(el(AS, 'Sync', [withSource]), 'mixed-content', 'Sync/SyncKey');
  });

  it('rejects NUL in text (STR_I cannot carry it), short or long, wherever it is', () => {
    fails(el(AS, 'Sync', [el(AS, 'SyncKey', 'a\0b')]), 'nul-in-text', 'Sync/SyncKey');
    fails(el(AS, 'Sync', [el(AS, 'SyncKey', '\0')]), 'nul-in-text', 'Sync/SyncKey');
    fails(el(AS, 'Sync', [el(AS, 'SyncKey', 'ü😀\0')]), 'nul-in-text', 'Sync/SyncKey'); // after a surrogate pair
    fails(el(AS, 'Sync', [el(AS, 'SyncKey', `${'x'.repeat(100)}\0`)]), 'nul-in-text', 'Sync/SyncKey'); // mid-length
    for (const at of [0, 1, 255, 4999]) {
      const text = 'ü'.repeat(5000).split('');
      text[at] = '\0';
      fails(el(AS, 'Sync', [el(AS, 'SyncKey', text.join(''))]), 'nul-in-text', 'Sync/SyncKey');
    }
  });

  it('rejects an opaque source in the synchronous encoder', () => {
    fails(el(AS, 'Sync', [el(AS, 'SyncKey', { length: 1, stream: async function* () {} })]), 'opaque-source-sync', 'Sync/SyncKey');
  });
});

describe('encodedLength', () => {
  it('equals the encoded size, page switches, multi-byte text and opaque lengths included', () => {
    const trees: WbxmlElement[] = [
      el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]),
      el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'SyncKey', 'Grüße 😀'), el(AS, 'GetChanges'),
        el(AS, 'Options', [el(ASB, 'BodyPreference', [el(ASB, 'Type', '2')]), el(AS, 'MIMESupport', '1')])])])]),
      el('ComposeMail', 'SendMail', [el('ComposeMail', 'ClientId', ''), el('ComposeMail', 'MIME', new Uint8Array(20_000))]),
      el(AS, 'SyncKey', 'a\ud800b\udc00c'),
    ];
    for (const tree of trees) assert.equal(encodedLength(tree, opts), enc(tree).length);
  });

  it('counts an opaque source at its announced length', () => {
    const tree = el('ComposeMail', 'SendMail', [el('ComposeMail', 'MIME', { length: 300, stream: async function* () {} })]);
    assert.equal(encodedLength(tree, opts), 4 + 2 + 1 + 1 + 1 + 2 + 300 + 1 + 1);
  });
});
