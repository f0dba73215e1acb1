/**
 * One test per decode limit (the msgpack-javascript pattern): the limit itself passes, one more
 * fails with WbxmlError('limit:<name>'), and the check happens before anything is allocated.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, type DecodeOptions } from '../../../codec/decoder.js';
import { WbxmlError, type WbxmlErrorReason } from '../../../codec/errors.js';
import { DEFAULT_DECODE_LIMITS, resolveLimits, type DecodeLimits } from '../../../codec/limits.js';
import { bare, mb, wbxml } from './support/builder.js';
import { LOCAL_PAGES } from './support/local-pages.js';

const FH = 'FolderHierarchy';

function withLimits(bytes: Uint8Array, limits: Partial<DecodeLimits>, extra?: DecodeOptions) {
  return decode(bytes, { codePages: LOCAL_PAGES, limits, ...extra });
}

function overLimit(bytes: Uint8Array, limits: Partial<DecodeLimits>, reason: WbxmlErrorReason): WbxmlError {
  try {
    withLimits(bytes, limits);
  } catch (error) {
    assert.ok(error instanceof WbxmlError, String(error));
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected ${reason}`);
}

/** A FolderCreate whose DisplayName has the given text chunks. */
const name = (...chunks: string[]) => {
  const b = wbxml().page(FH).open('FolderCreate').open('DisplayName');
  for (const c of chunks) b.str(c);
  return b.end().end().bytes();
};

/** n nested Changes elements (each with content) around an empty Count. */
const nested = (n: number) => {
  const b = wbxml().page(FH);
  for (let i = 0; i < n - 1; i++) b.open('Changes');
  b.empty('Count');
  for (let i = 0; i < n - 1; i++) b.end();
  return b.bytes();
};

/** A root with n-1 empty children: n elements. */
const wide = (n: number) => {
  const b = wbxml().page(FH).open('Changes');
  for (let i = 0; i < n - 1; i++) b.empty('Count');
  return b.end().bytes();
};

const opaqueOf = (...chunks: number[]) => {
  const b = wbxml().page('ComposeMail').open('SendMail').open('MIME');
  for (const n of chunks) b.opaque(new Uint8Array(n));
  return b.end().end().bytes();
};

describe('decode limits', () => {
  it('defaults are sensible and resolveLimits validates overrides', () => {
    assert.equal(DEFAULT_DECODE_LIMITS.maxInputBytes, 64 * 1024 * 1024);
    assert.equal(DEFAULT_DECODE_LIMITS.maxDepth, 64);
    assert.ok(Object.isFrozen(DEFAULT_DECODE_LIMITS));
    assert.equal(resolveLimits(), DEFAULT_DECODE_LIMITS);
    assert.equal(resolveLimits({ maxDepth: 3 }).maxDepth, 3);
    assert.throws(() => resolveLimits({ maxDepth: -1 }), RangeError);
    assert.throws(() => resolveLimits({ maxElements: 1.5 }), RangeError);
    assert.throws(() => resolveLimits({ maxStringBytes: Number.NaN }), RangeError);
  });

  it('maxInputBytes', () => {
    const bytes = name('x');
    assert.ok(withLimits(bytes, { maxInputBytes: bytes.length }));
    const e = overLimit(bytes, { maxInputBytes: bytes.length - 1 }, 'limit:input');
    assert.equal(e.offset, 0);
  });

  it('maxDepth (the root is depth 1; an empty leaf counts too)', () => {
    assert.ok(withLimits(nested(5), { maxDepth: 5 }));
    overLimit(nested(6), { maxDepth: 5 }, 'limit:depth');
    assert.ok(withLimits(nested(64), {}));
    overLimit(nested(65), {}, 'limit:depth');
  });

  it('maxDepth stops a million nested open tags early, without a stack overflow', () => {
    const bytes = new Uint8Array(4 + 2 + 1_000_000);
    bytes.set([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07]);
    bytes.fill(0x4e, 6); // Changes, with content, forever
    const e = overLimit(bytes, {}, 'limit:depth');
    assert.equal(e.offset, 6 + 64);
  });

  it('maxElements', () => {
    assert.ok(withLimits(wide(100), { maxElements: 100 }));
    overLimit(wide(101), { maxElements: 100 }, 'limit:elements');
  });

  it('maxElements stops a flood of one-byte elements', () => {
    const bytes = new Uint8Array(8 + 1_000_000);
    bytes.set([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x4e]);
    bytes.fill(0x17, 7); // Count, empty
    const e = overLimit(bytes, {}, 'limit:elements');
    assert.equal(e.offset, 7 + DEFAULT_DECODE_LIMITS.maxElements - 1);
  });

  it('maxStringBytes: one STR_I', () => {
    assert.equal(withLimits(name('x'.repeat(10)), { maxStringBytes: 10 }).children[0]!.text!.length, 10);
    overLimit(name('x'.repeat(11)), { maxStringBytes: 10 }, 'limit:string');
    overLimit(name('é'.repeat(6)), { maxStringBytes: 10 }, 'limit:string'); // 12 bytes
  });

  it('maxStringBytes: one STR_T entry', () => {
    const bytes = (n: number) => bare().header({ stringTable: `${'y'.repeat(n)}\0` }).page(FH).open('FolderCreate').open('DisplayName').strT(0).end().end().bytes();
    assert.ok(withLimits(bytes(10), { maxStringBytes: 10 }));
    overLimit(bytes(11), { maxStringBytes: 10 }, 'limit:string');
  });

  it('maxStringBytes: the concatenated text of one element', () => {
    assert.equal(withLimits(name('x'.repeat(5), 'y'.repeat(5)), { maxStringBytes: 10 }).children[0]!.text, 'xxxxxyyyyy');
    overLimit(name('x'.repeat(5), 'y'.repeat(6)), { maxStringBytes: 10 }, 'limit:string');
  });

  it('maxOpaqueBytes: one OPAQUE, and the concatenation in one element', () => {
    assert.equal(withLimits(opaqueOf(10), { maxOpaqueBytes: 10 }).children[0]!.opaque!.length, 10);
    overLimit(opaqueOf(11), { maxOpaqueBytes: 10 }, 'limit:opaque');
    assert.ok(withLimits(opaqueOf(4, 6), { maxOpaqueBytes: 10 }));
    overLimit(opaqueOf(5, 6), { maxOpaqueBytes: 10 }, 'limit:opaque');
  });

  it('maxOpaqueBytes is checked before the length is compared with the input', () => {
    const head = wbxml().page('ComposeMail').open('SendMail').open('MIME').bytes();
    const claim = (n: number) => Uint8Array.from([...head, 0xc3, ...mb(n)]);
    overLimit(claim(0xffffffff), {}, 'limit:opaque');
    overLimit(claim(DEFAULT_DECODE_LIMITS.maxOpaqueBytes + 1), {}, 'limit:opaque');
    overLimit(claim(DEFAULT_DECODE_LIMITS.maxOpaqueBytes), {}, 'truncated');
  });

  it('maxStringTableBytes', () => {
    const bytes = (n: number) => bare().header({ stringTable: 'z'.repeat(n - 1) + '\0' }).page(FH).empty('FolderSync').bytes();
    assert.ok(withLimits(bytes(16), { maxStringTableBytes: 16 }));
    const e = overLimit(bytes(17), { maxStringTableBytes: 16 }, 'limit:string-table');
    assert.equal(e.offset, 3);
    // A claimed 4 GB table fails on the limit, not on an allocation.
    overLimit(bare().raw(0x03, 0x01, 0x6a, 0x8f, 0xff, 0xff, 0xff, 0x7f).bytes(), {}, 'limit:string-table');
  });
});
