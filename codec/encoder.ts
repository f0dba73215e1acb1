/**
 * Element tree -> WBXML bytes, in one pass.
 *
 * Output is canonical: header `03 01 6a 00` (WBXML 1.3, unknown public id, UTF-8, no string
 * table), SWITCH_PAGE only when the page changes, text as STR_I (strings transcoded to UTF-8,
 * `utf8` byte texts copied after a check for NUL), opaque as OPAQUE, and elements without
 * content written without the content bit.
 *
 * `encode` builds the document in memory. `encodeChunks` / `encodeToStream` (encoder-stream.ts)
 * produce the same bytes as a sequence of chunks.
 */
import { EAS_HEADER, ENCODE_MESSAGES, EncoderCore, lookupUnknownToken, type EncodeOptions } from './encoder-core.js';
import { EncodeError } from './errors.js';
import { compiledPages, TagTokens, type CompiledCodePages } from './tables.js';
import type { BufferPool, PooledBytes } from './pool.js';
import type { WbxmlElement } from './tree.js';
import { ByteWriter, utf8Length } from './writer.js';

export { EAS_HEADER, type EncodeOptions } from './encoder-core.js';
export { BufferPool, type BufferPoolOptions, type PooledBytes } from './pool.js';
export {
  encodeChunks,
  encodeToStream,
  type ChunkSink,
  type EncodeStreamOptions,
  type EncodeToStreamOptions,
} from './encoder-stream.js';

// Token values are repeated here rather than imported: hot loops must not read imported bindings,
// which some module loaders (tsx, CommonJS interop) turn into getter calls.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const CONTENT = 0x40;

/** Encode a tree into one WBXML document. Throws EncodeError for trees it cannot write. */
export function encode(root: WbxmlElement, options?: EncodeOptions): Uint8Array {
  return encodeSized(root, compiledPages(options?.codePages), sizeHint(root, 0));
}

function encodeSized(root: WbxmlElement, pages: CompiledCodePages, hint: number): Uint8Array {
  const writer = new ByteWriter(hint);
  // The recursive encoder is the fast path (V8 optimises a function called once per element far
  // better than one long loop); trees deeper than it allows go through the iterative core.
  if (new RecursiveEncoder(pages, writer).document(root)) return writer.finish();
  const fallback = new ByteWriter(1024);
  new EncoderCore(root, pages, fallback, Infinity, false).run(Infinity);
  return fallback.finish();
}

/** Documents estimated below this size are encoded into ordinary memory by `encodePooled`. */
const POOLED_MIN_BYTES = 16384;
const noRelease = (): void => {};

/**
 * `encode` into a buffer from `pool` instead of fresh memory: the same bytes, valid until
 * `release()`, which returns the buffer for the next document.
 */
export function encodePooled(root: WbxmlElement, pool: BufferPool, options?: EncodeOptions): PooledBytes {
  const pages = compiledPages(options?.codePages);
  const hint = sizeHint(root, 0);
  // Small documents come from Node's preallocated slab or a few fresh pages: nothing to save.
  if (hint < POOLED_MIN_BYTES) return { bytes: encodeSized(root, pages, hint), release: noRelease };
  const initial = pool.acquire(hint);
  const writer = new ByteWriter(hint, initial);
  if (!new RecursiveEncoder(pages, writer).document(root)) {
    pool.release(initial);
    return { bytes: encodeSized(root, pages, hint), release: noRelease };
  }
  const bytes = writer.finish();
  // Outgrown: the first buffer was not handed out and goes straight back; the grown one later.
  if (writer.buf !== initial) pool.release(initial);
  const buf = writer.buf;
  let released = false;
  return {
    bytes,
    release: () => {
      if (released) return;
      released = true;
      pool.release(buf);
    },
  };
}

/**
 * About the size of the document, from one cheap walk (no UTF-8 length computations: strings
 * count 1.125 bytes per UTF-16 unit, byte texts and opaque data exactly), so that the writer
 * usually allocates once instead of growing and copying a multi-megabyte document several times.
 * Non-ASCII text makes it an underestimate, which the writer's growth covers.
 */
function sizeHint(e: WbxmlElement, depth: number): number {
  const children = e.children;
  const n = children.length;
  if (n > 0) {
    if (depth >= MAX_RECURSION) return 0;
    let size = 4; // tag, END, maybe a page switch
    for (let i = 0; i < n; i++) size += sizeHint(children[i]!, depth + 1);
    return size;
  }
  // 1/8 more for the odd non-ASCII character: an estimate just short would make the writer
  // quadruple a multi-megabyte buffer for the last few bytes.
  if (e.text !== undefined) return e.text.length + (e.text.length >> 3) + 6;
  if (e.utf8 !== undefined) return e.utf8.length + 6;
  if (e.opaque !== undefined) return e.opaque.length + 10;
  return 3;
}

/** Texts up to this many UTF-16 units are encoded inline by the recursive encoder. */
const INLINE_TEXT = 32;

/** Deeper than this, `encode` switches to the iterative core (EAS documents nest about 10 deep). */
const MAX_RECURSION = 500;

/** The synchronous encoder: one recursive call per element. Same output as EncoderCore. */
class RecursiveEncoder {
  private page = 0;
  private readonly tokens: TagTokens;
  /** Open elements, for error paths only. */
  private readonly open: WbxmlElement[] = [];

  constructor(
    private readonly pages: CompiledCodePages,
    private readonly w: ByteWriter,
  ) {
    this.tokens = new TagTokens(pages);
  }

  /** Write the whole document; false if the tree is too deep for recursion (nothing useful written). */
  document(root: WbxmlElement): boolean {
    const w = this.w;
    w.ensure(4);
    for (const b of EAS_HEADER) w.byte(b);
    return this.element(root, 0);
  }

  private element(e: WbxmlElement, depth: number): boolean {
    const w = this.w;
    let packed = this.tokens.of(e.ns, e.tag);
    if (packed < 0) packed = lookupUnknownToken(this.pages, e, this.open.map((o) => o.tag));
    const page = packed >> 8;
    const token = packed & 0xff;
    if (page !== this.page) {
      w.byte2(SWITCH_PAGE, page);
      this.page = page;
    }
    const children = e.children;
    const n = children.length;
    if (n > 0) {
      if (e.text !== undefined || e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e);
      if (depth >= MAX_RECURSION) return false;
      w.byte(token | CONTENT);
      this.open.push(e);
      for (let i = 0; i < n; i++) if (!this.element(children[i]!, depth + 1)) return false;
      this.open.pop();
      w.byte(END);
      return true;
    }
    const text = e.text;
    if (text !== undefined) {
      if (e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e);
      const n = text.length;
      if (n <= INLINE_TEXT) {
        // Short text, written right here: most EAS strings are short, and keeping this loop in
        // the per-element function makes its speed independent of V8's inlining decisions
        // (which otherwise depend on which documents the process happened to encode first).
        w.ensure(n * 3 + 4);
        const buf = w.buf;
        let p = w.pos;
        buf[p++] = token | CONTENT;
        buf[p++] = STR_I;
        let i = 0;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c < 0x80) {
            if (c === 0) this.fail('nul-in-text', e);
            buf[p++] = c;
          } else if (c < 0x800) {
            buf[p++] = 0xc0 | (c >> 6);
            buf[p++] = 0x80 | (c & 0x3f);
          } else if ((c & 0xf800) === 0xd800) {
            break; // a surrogate: the general path below handles pairs and lone ones
          } else {
            buf[p++] = 0xe0 | (c >> 12);
            buf[p++] = 0x80 | ((c >> 6) & 0x3f);
            buf[p++] = 0x80 | (c & 0x3f);
          }
        }
        if (i === n) {
          buf[p++] = 0;
          buf[p++] = END;
          w.pos = p;
          return true;
        }
        // Nothing of this element was committed (w.pos is unchanged): start over below.
      }
      w.byte2(token | CONTENT, STR_I);
      if (!w.cstring(text)) this.fail('nul-in-text', e);
      w.byte(END);
      return true;
    }
    const utf8 = e.utf8;
    if (utf8 !== undefined) {
      if (e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e);
      w.byte2(token | CONTENT, STR_I);
      if (!w.utf8Cstring(utf8)) this.fail('nul-in-text', e);
      w.byte(END);
      return true;
    }
    const opaque = e.opaque;
    if (opaque !== undefined) {
      if (e.opaqueSource !== undefined) this.fail('mixed-content', e);
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(opaque.length);
      w.bytes(opaque);
      w.byte(END);
      return true;
    }
    if (e.opaqueSource !== undefined) this.fail('opaque-source-sync', e);
    w.byte(token);
    return true;
  }

  private path(e: WbxmlElement): string {
    return [...this.open.map((o) => o.tag), e.tag].join('/');
  }

  private fail(reason: 'mixed-content' | 'nul-in-text' | 'opaque-source-sync', e: WbxmlElement): never {
    throw new EncodeError(reason, ENCODE_MESSAGES[reason], this.path(e));
  }
}

/**
 * The exact number of bytes `encode` (or the concatenated chunks of `encodeChunks`) produces for
 * this tree, opaque sources included: a streamed response can still send Content-Length.
 */
export function encodedLength(root: WbxmlElement, options?: EncodeOptions): number {
  const pages = compiledPages(options?.codePages);
  const tokens = new TagTokens(pages);
  let total = EAS_HEADER.length;
  let page = 0;
  const stack: WbxmlElement[] = [root];
  const path: string[] = [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    let packed = tokens.of(e.ns, e.tag);
    if (packed < 0) packed = lookupUnknownToken(pages, e, path);
    const p = packed >> 8;
    if (p !== page) {
      total += 2;
      page = p;
    }
    if (e.children.length > 0) {
      total += 2; // tag + END
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
    } else if (e.text !== undefined) {
      total += 4 + utf8Length(e.text); // tag STR_I text NUL END
    } else if (e.utf8 !== undefined) {
      total += 4 + e.utf8.length;
    } else if (e.opaque !== undefined) {
      total += 3 + mbUInt32Length(e.opaque.length) + e.opaque.length; // tag OPAQUE len data END
    } else if (e.opaqueSource !== undefined) {
      total += 3 + mbUInt32Length(e.opaqueSource.length) + e.opaqueSource.length;
    } else {
      total += 1;
    }
  }
  return total;
}

function mbUInt32Length(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}
