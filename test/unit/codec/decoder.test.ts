import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, decodeDocument, type DecodeOptions } from '../../../codec/decoder.js';
import { encode } from '../../../codec/encoder.js';
import { WbxmlError, type WbxmlErrorReason } from '../../../codec/errors.js';
import { el } from '../../../codec/tree.js';
import { bare, wbxml } from './support/builder.js';
import { LOCAL_PAGES } from './support/local-pages.js';

const opts: DecodeOptions = { codePages: LOCAL_PAGES };
const dec = (bytes: Uint8Array, extra?: DecodeOptions) => decode(bytes, { ...opts, ...extra });

/** Assert decoding fails with this reason (and offset, when given). */
function rejects(bytes: Uint8Array, reason: WbxmlErrorReason, offset?: number, extra?: DecodeOptions): WbxmlError {
  try {
    dec(bytes, extra);
  } catch (error) {
    assert.ok(error instanceof WbxmlError, `expected WbxmlError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (offset !== undefined) assert.equal(error.offset, offset, error.message);
    return error;
  }
  assert.fail(`expected WbxmlError(${reason})`);
}

const FH = 'FolderHierarchy';
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

describe('decode: documents', () => {
  it('decodes the 13-byte FolderSync SyncKey=0 request', () => {
    const bytes = Buffer.from('03016a00000756520330000101', 'hex');
    assert.deepEqual(dec(bytes), el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
  });

  it('decodes nested elements, empty elements and several pages', () => {
    const bytes = wbxml()
      .open('Sync').open('Collections').open('Collection')
      .leaf('SyncKey', '5').leaf('CollectionId', '7').empty('DeletesAsMoves').empty('GetChanges')
      .open('Options').page('AirSyncBase').open('BodyPreference').leaf('Type', '2').leaf('TruncationSize', '5120').end()
      .page('AirSync').leaf('MIMESupport', '1').end()
      .end().end().end().bytes();
    assert.deepEqual(
      dec(bytes),
      el('AirSync', 'Sync', [
        el('AirSync', 'Collections', [
          el('AirSync', 'Collection', [
            el('AirSync', 'SyncKey', '5'),
            el('AirSync', 'CollectionId', '7'),
            el('AirSync', 'DeletesAsMoves'),
            el('AirSync', 'GetChanges'),
            el('AirSync', 'Options', [
              el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '2'), el('AirSyncBase', 'TruncationSize', '5120')]),
              el('AirSync', 'MIMESupport', '1'),
            ]),
          ]),
        ]),
      ]),
    );
  });

  it('a root element without content', () => {
    assert.deepEqual(dec(wbxml().empty('Sync').bytes()), el('AirSync', 'Sync'));
  });

  it('decodes UTF-8 text of every length class (ASCII fast path, non-ASCII, long)', () => {
    for (const text of ['', 'a', '1', 'Inbox', 'Grüße', 'é', '日本語のメール', '😀 emoji', 'x'.repeat(9), 'ü'.repeat(5000)]) {
      const bytes = wbxml().page(FH).open('FolderCreate').leaf('DisplayName', text).end().bytes();
      assert.equal(dec(bytes).children[0]!.text, text);
    }
  });

  it('an empty inline string is text ""', () => {
    const bytes = wbxml().page(FH).open('FolderCreate').leaf('DisplayName', '').end().bytes();
    assert.deepEqual(dec(bytes).children[0], el(FH, 'DisplayName', ''));
  });

  it('concatenates several text chunks (STR_I and STR_T) in one element', () => {
    const bytes = bare().header({ stringTable: 'table\0two\0' })
      .page(FH).open('FolderCreate').open('DisplayName').str('in').strT(0).str('-').strT(6).end().end().bytes();
    assert.equal(dec(bytes).children[0]!.text, 'intable-two');
  });

  it('opaque content is a zero-copy view by default and a copy with copyOpaque', () => {
    const bytes = wbxml().page('ComposeMail').open('SendMail').open('MIME').opaque([1, 0, 255]).end().end().bytes();
    const view = dec(bytes).children[0]!.opaque!;
    assert.deepEqual([...view], [1, 0, 255]);
    assert.equal(view.buffer, bytes.buffer);
    const copy = dec(bytes, { copyOpaque: true }).children[0]!.opaque!;
    assert.deepEqual([...copy], [1, 0, 255]);
    assert.notEqual(copy.buffer, bytes.buffer);
  });

  it('several OPAQUE tokens in one element concatenate; an empty one is zero bytes', () => {
    const bytes = wbxml().page('ComposeMail').open('SendMail')
      .open('MIME').opaque('ab').opaque('').opaque('cd').end()
      .open('ClientId').opaque([]).end().end().bytes();
    const root = dec(bytes);
    assert.equal(Buffer.from(root.children[0]!.opaque!).toString(), 'abcd');
    assert.equal(root.children[1]!.opaque!.length, 0);
  });

  it('accepts a plain Uint8Array (not a Buffer), long texts included', () => {
    for (const text of ['a'.repeat(5000), 'ü'.repeat(3000), '😀'.repeat(2000)]) {
      const bytes = new Uint8Array(wbxml().page(FH).open('FolderCreate').leaf('DisplayName', text).end().bytes());
      assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
      assert.equal(dec(bytes).children[0]!.text, text);
    }
  });

  it('accepts a Buffer that is a slice of a larger pool', () => {
    const pool = Buffer.alloc(100, 0xee);
    const bytes = wbxml().page(FH).open('FolderSync').leaf('SyncKey', '0').end().bytes();
    pool.set(bytes, 37);
    assert.deepEqual(dec(pool.subarray(37, 37 + bytes.length)), el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
  });
});

describe('decode: header', () => {
  const body = (b: ReturnType<typeof bare>) => b.page(FH).open('FolderSync').leaf('SyncKey', '0').end().bytes();

  it('accepts versions 1.1, 1.2, 1.3 and rejects others', () => {
    for (const version of [0x01, 0x02, 0x03]) {
      assert.equal(decodeDocument(body(bare().header({ version })), opts).header.version, version);
    }
    for (const version of [0x00, 0x04, 0x13, 0xff]) rejects(body(bare().header({ version })), 'version', 0);
  });

  it('accepts any public id, multi-byte ones too', () => {
    assert.equal(decodeDocument(body(bare().header({ publicId: [0x01] })), opts).header.publicId, 1);
    assert.equal(decodeDocument(body(bare().header({ publicId: [0x81, 0x7f] })), opts).header.publicId, 255);
    assert.equal(decodeDocument(body(bare().header({ publicId: [0x8f, 0xff, 0xff, 0xff, 0x7f] })), opts).header.publicId, 0xffffffff);
  });

  it('accepts a public id given as a string-table reference', () => {
    const doc = decodeDocument(body(bare().header({ publicId: [0x00, 0x02], stringTable: 'x\0-//AIRSYNC//DTD AirSync//EN\0' })), opts);
    assert.equal(doc.header.publicId, undefined);
    assert.equal(doc.header.publicIdString, '-//AIRSYNC//DTD AirSync//EN');
  });

  it('rejects a public id reference outside the string table', () => {
    rejects(body(bare().header({ publicId: [0x00, 0x09], stringTable: 'abc\0' })), 'string-table', 2);
  });

  it('requires UTF-8 (106), also when written as a non-minimal multi-byte integer', () => {
    assert.equal(decodeDocument(body(bare().header({ charset: [0x80, 0x6a] })), opts).header.charset, 106);
    const error = rejects(body(bare().header({ charset: [0x04] })), 'charset', 2);
    assert.match(error.message, /charset 4 is not supported/);
    rejects(body(bare().header({ charset: [0x00] })), 'charset', 2);
    rejects(body(bare().header({ charset: [0x83, 0x6a] })), 'charset', 2); // 490
  });

  it('rejects a truncated header at every length', () => {
    const full = bare().header({ publicId: [0x00, 0x00], stringTable: 'ab\0' }).bytes();
    for (let n = 0; n < full.length; n++) rejects(full.subarray(0, n), 'truncated');
  });

  it('rejects a string table longer than the input', () => {
    rejects(bare().raw(0x03, 0x01, 0x6a, 0x05, 0x61, 0x00).bytes(), 'truncated', 6);
  });
});

describe('decode: multi-byte integers', () => {
  it('rejects integers longer than 5 bytes', () => {
    rejects(bare().raw(0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x6a, 0x00).bytes(), 'mb-u-int32', 1);
  });

  it('rejects 5-byte integers of 2^32 and more', () => {
    rejects(bare().raw(0x03, 0x90, 0x80, 0x80, 0x80, 0x00, 0x6a, 0x00).bytes(), 'mb-u-int32', 1);
    rejects(bare().raw(0x03, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x6a, 0x00).bytes(), 'mb-u-int32', 1);
  });

  it('rejects an OPAQUE length that overflows, and one that runs past the input', () => {
    const head = wbxml().page('ComposeMail').open('SendMail').open('MIME').bytes();
    rejects(Uint8Array.from([...head, 0xc3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'mb-u-int32', head.length + 1);
    rejects(Uint8Array.from([...head, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]), 'limit:opaque', head.length);
    rejects(Uint8Array.from([...head, 0xc3, 0x05, 1, 2, 3]), 'truncated', head.length + 5);
  });
});

describe('decode: SWITCH_PAGE', () => {
  it('tolerates redundant SWITCH_PAGEs, and the trailing `00 06` some clients send before END', () => {
    const bytes = wbxml().page(FH).page(FH).open('FolderSync').page(0).page(FH).leaf('SyncKey', '0').page(6).end().page(0).bytes();
    assert.deepEqual(dec(bytes), el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
  });

  it('a switch to a page nobody defines is fine until a tag is used there', () => {
    const bytes = wbxml().page(FH).open('FolderSync').page(99).page(FH).leaf('SyncKey', '0').end().bytes();
    assert.deepEqual(dec(bytes), el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
  });

  it('rejects SWITCH_PAGE without its page byte', () => {
    rejects(wbxml().page(FH).open('FolderSync').raw(0x00).bytes(), 'truncated');
  });
});

describe('decode: unknown tags', () => {
  const unknownToken = wbxml().page(FH).open('FolderSync').open(0x3a).str('x').end().end().bytes();
  const unknownPage = wbxml().page(FH).open('FolderSync').page(25).open(0x05).str('x').end().end().bytes();

  it('rejects an unknown token on a known page, with its offset', () => {
    const error = rejects(unknownToken, 'unknown-token', 7);
    assert.match(error.message, /0x3A on code page 7 \(FolderHierarchy\)/);
  });

  it('rejects a tag on an unknown page', () => {
    rejects(unknownPage, 'unknown-page', 9);
  });

  it("'keep' names them Unknown_0xNN / Unknown_Page_N, and the encoder writes them back", () => {
    const tree = dec(unknownToken, { unknownTags: 'keep' });
    assert.deepEqual(tree.children[0], el(FH, 'Unknown_0x3A', 'x'));
    assert.equal(hex(encode(tree, { codePages: LOCAL_PAGES })), hex(unknownToken));
    const tree2 = dec(unknownPage, { unknownTags: 'keep' });
    assert.deepEqual(tree2.children[0], el('Unknown_Page_25', 'Unknown_0x05', 'x'));
    assert.equal(hex(encode(tree2, { codePages: LOCAL_PAGES })), hex(unknownPage));
  });
});

describe('decode: tokens EAS does not use', () => {
  const prefix = () => wbxml().page(FH).open('FolderSync');
  const at = prefix().bytes().length;

  it('rejects attributes (tag bit 0x80) with their offset', () => {
    rejects(prefix().raw(0x92, 0x01).bytes(), 'attribute', at);
    rejects(prefix().raw(0xd2, 0x01, 0x01).bytes(), 'attribute', at);
  });

  for (const [name, token] of Object.entries({
    ENTITY: 0x02, LITERAL: 0x04, LITERAL_C: 0x44, LITERAL_A: 0x84, LITERAL_AC: 0xc4, PI: 0x43,
    EXT_I_0: 0x40, EXT_I_1: 0x41, EXT_I_2: 0x42, EXT_T_0: 0x80, EXT_T_1: 0x81, EXT_T_2: 0x82,
    EXT_0: 0xc0, EXT_1: 0xc1, EXT_2: 0xc2,
  })) {
    it(`rejects ${name} (0x${token.toString(16)})`, () => {
      const error = rejects(prefix().raw(token, 0x01, 0x61, 0x00, 0x01).bytes(), 'unsupported-token', at);
      assert.match(error.message, new RegExp(name));
    });
  }
});

describe('decode: structure', () => {
  it('rejects an END without an open element', () => {
    rejects(wbxml().raw(0x01).bytes(), 'unbalanced-end', 4);
  });

  it('rejects a second root element', () => {
    rejects(wbxml().page(FH).open('FolderSync').end().empty('FolderSync').bytes(), 'trailing-data', 8);
  });

  it('rejects content after the root element, but accepts trailing SWITCH_PAGEs', () => {
    const doc = wbxml().page(FH).open('FolderSync').leaf('SyncKey', '0').end();
    assert.ok(dec(doc.page(0).page(7).bytes()));
    rejects(wbxml().page(FH).open('FolderSync').end().str('x').bytes(), 'text-outside-root', 8);
    rejects(wbxml().page(FH).open('FolderSync').end().end().bytes(), 'unbalanced-end', 8);
  });

  it('rejects text and opaque data before the root', () => {
    rejects(wbxml().str('x').bytes(), 'text-outside-root', 4);
    rejects(bare().header({ stringTable: 'a\0' }).strT(0).bytes(), 'text-outside-root', 6);
    rejects(wbxml().opaque('x').bytes(), 'text-outside-root', 4);
  });

  it('rejects an empty body and unclosed elements', () => {
    rejects(wbxml().bytes(), 'truncated', 4);
    rejects(wbxml().page(FH).bytes(), 'truncated', 6);
    const error = rejects(wbxml().page(FH).open('FolderSync').open('Changes').bytes(), 'truncated', 8);
    assert.match(error.message, /inside <Changes> with 2 element\(s\) open/);
  });

  it('rejects an inline string without NUL', () => {
    rejects(wbxml().page(FH).open('FolderSync').open('SyncKey').raw(0x03, 0x31, 0x32).bytes(), 'truncated', 11);
  });
});

describe('decode: mixed content', () => {
  const start = () => wbxml().page(FH).open('FolderSync');

  it('rejects text after a child and a child after text', () => {
    rejects(start().leaf('SyncKey', '0').str('x').end().bytes(), 'mixed-content', 12);
    rejects(start().str('x').leaf('SyncKey', '0').end().bytes(), 'mixed-content', 10);
  });

  it('drops whitespace-only text next to child elements (formatting)', () => {
    const bytes = start().str('\n  ').leaf('SyncKey', '0').str('\n').str(' \t\r\n').end().bytes();
    assert.deepEqual(dec(bytes), el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
  });

  it('keeps whitespace-only text that is the whole content', () => {
    const bytes = start().leaf('SyncKey', '  ').end().bytes();
    assert.equal(dec(bytes).children[0]!.text, '  ');
  });

  it('rejects opaque data mixed with text or children', () => {
    rejects(start().open('SyncKey').str('a').opaque('b').end().end().bytes(), 'mixed-content', 11);
    rejects(start().open('SyncKey').opaque('b').str('a').end().end().bytes(), 'mixed-content', 11);
    rejects(start().opaque('b').leaf('SyncKey', '0').end().bytes(), 'mixed-content', 10);
    rejects(start().leaf('SyncKey', '0').opaque('b').end().bytes(), 'mixed-content', 12);
    rejects(start().str(' ').opaque('b').end().bytes(), 'mixed-content', 10);
  });
});

describe('decode: UTF-8', () => {
  it('long texts take the ASCII, UTF-8 or malformed-UTF-8 route and decode exactly as Buffer#toString does', () => {
    const ascii = Buffer.from('a'.repeat(20_000));
    const cases: Buffer[] = [ascii];
    for (const at of [0, 1, 4093, 4094, 4095, 4096, 4097, 8191, 8192, 12_000, 19_997]) {
      const inserts: number[][] = [
        [...Buffer.from('é')], [...Buffer.from('€')], [...Buffer.from('😀')], // valid 2-, 3-, 4-byte sequences
        [0xff], [0xe9], [0xe2, 0x82], [0x80, 0x80, 0x80], [0xf0, 0x9f, 0x98], // malformed
      ];
      for (const insert of inserts) {
        const bytes = Buffer.from(ascii);
        Buffer.from(insert).copy(bytes, at);
        cases.push(bytes);
      }
    }
    cases.push(Buffer.alloc(9000, 0x80)); // nothing but continuation bytes
    cases.push(Buffer.from('日本語のメール'.repeat(2000)));
    cases.push(Buffer.from('\ufeffBOM first, then text 😀 ü '.repeat(100))); // a BOM is a character, not stripped
    cases.push(Buffer.concat([Buffer.from('x'.repeat(2000)), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('ü'.repeat(1000))])); // a UTF-8-encoded surrogate
    cases.push(Buffer.from('x'.repeat(1023))); // just below the long-text threshold
    cases.push(Buffer.from('é'.repeat(512))); // exactly at it
    for (const text of cases) {
      const doc = Buffer.concat([wbxml().page(FH).open('FolderCreate').open('DisplayName').raw(0x03).bytes(), text, Buffer.from([0, 1, 1])]);
      assert.equal(dec(doc).children[0]!.text, text.toString('utf8'));
    }
  });

  const withName = (...bytes: number[]) =>
    wbxml().page(FH).open('FolderCreate').open('DisplayName').raw(0x03, ...bytes, 0x00).end().end().bytes();

  it('replaces malformed UTF-8 with U+FFFD by default', () => {
    assert.equal(dec(withName(0x61, 0xff, 0x62)).children[0]!.text, 'a\ufffdb');
    assert.equal(dec(withName(...Buffer.from('long enough ü '), 0xc3)).children[0]!.text, 'long enough ü \ufffd');
  });

  it("rejects it with invalidUtf8: 'error'", () => {
    // The offset is that of the first bad byte: the string starts at 9.
    rejects(withName(0x61, 0xff, 0x62), 'invalid-utf8', 10, { invalidUtf8: 'error' });
    rejects(withName(0xed, 0xa0, 0x80), 'invalid-utf8', 9, { invalidUtf8: 'error' }); // a surrogate
    rejects(withName(0x61, 0x62, 0xe2, 0x82), 'invalid-utf8', 11, { invalidUtf8: 'error' }); // cut short
    rejects(withName(0xc0, 0xaf), 'invalid-utf8', 9, { invalidUtf8: 'error' }); // overlong
    assert.equal(dec(withName(...Buffer.from('ok ü')), { invalidUtf8: 'error' }).children[0]!.text, 'ok ü');
  });
});
