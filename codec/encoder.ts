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
import { EAS_HEADER, EncoderCore, lookupUnknownToken, type EncodeOptions } from './encoder-core.js';
import { MAX_RECURSION, RecursiveEncoder } from './encoder-recursive.js';
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

/** Encode a tree into one WBXML document. Throws EncodeError for trees it cannot write. */
export function encode(root: WbxmlElement, options?: EncodeOptions): Uint8Array {
  return encodeSized(root, compiledPages(options?.codePages), sizeHint(root, 0));
}

function encodeSized(root: WbxmlElement, pages: CompiledCodePages, hint: number): Uint8Array {
  const writer = new ByteWriter(hint);
  // The recursive encoder (encoder-recursive.ts) is the fast path; trees deeper than it allows
  // go through the iterative core.
  if (new RecursiveEncoder(pages, writer).document(root)) return writer.finish();
  const fallback = new ByteWriter(1024);
  new EncoderCore(root, pages, fallback, Infinity, false).run(Infinity);
  return fallback.finish();
}

/** Documents below this size are left in (or copied into) ordinary memory by `encodePooled`. */
const POOLED_MIN_BYTES = 16384;
const noRelease = (): void => {};

/**
 * `encode` into a buffer from `pool` instead of fresh memory: the same bytes, valid until
 * `release()`, which returns the buffer for the next document.
 */
export function encodePooled(root: WbxmlElement, pool: BufferPool, options?: EncodeOptions): PooledBytes {
  const pages = compiledPages(options?.codePages);
  // A free buffer is written into at once: the walk that estimates the size costs 10-15 % of a
  // structure-heavy encode, and a recycled buffer is already mapped, so it is cheap to try. Only
  // an empty pool needs the estimate, to size the new buffer (or to leave a small document alone).
  let initial = pool.takeLargest();
  let hint = 0;
  if (initial === undefined) {
    hint = sizeHint(root, 0);
    // Small documents come from Node's preallocated slab or a few fresh pages: nothing to save.
    if (hint < POOLED_MIN_BYTES) return { bytes: encodeSized(root, pages, hint), release: noRelease };
    initial = pool.acquire(hint);
  }
  const writer = new ByteWriter(hint, initial);
  if (!new RecursiveEncoder(pages, writer).document(root)) {
    pool.release(initial);
    return { bytes: encodeSized(root, pages, sizeHint(root, 0)), release: noRelease };
  }
  if (writer.buf === initial && writer.pos < POOLED_MIN_BYTES) {
    // A small document in a recycled buffer: copied out, so the buffer is free again at once.
    const bytes = writer.finishCopy();
    pool.release(initial);
    return { bytes, release: noRelease };
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
