/**
 * A growable byte buffer for the encoder (the pg-protocol Writer pattern): one backing array,
 * doubled when full, with a fast path for ASCII strings. `take()` hands the filled part out
 * without copying and starts over, which is what the streaming encoder yields as chunks.
 */

type Utf8Writer = (this: Uint8Array, s: string, offset: number, length: number) => number;
/** Node's Buffer#utf8Write encodes straight into a range of a Uint8Array; elsewhere TextEncoder. */
const nodeUtf8Write: Utf8Writer | undefined = (
  globalThis as { Buffer?: { prototype?: { utf8Write?: Utf8Writer } } }
).Buffer?.prototype?.utf8Write;
const textEncoder = new TextEncoder();
/**
 * The backing store is a plain Uint8Array (V8 optimises stores into it better than into a Buffer
 * subclass); `finish`/`take` hand out Buffer views of it on Node, which Koa and streams take as
 * they are.
 */
type BufferFrom = (buffer: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array;
const nodeBuffer = (globalThis as { Buffer?: { from: BufferFrom; allocUnsafe: (size: number) => Uint8Array } }).Buffer;
const nodeBufferFrom = nodeBuffer?.from.bind(nodeBuffer);
/** Uninitialised memory on Node (no zero-fill; only bytes the writer wrote are ever exposed). */
const allocBytes = (size: number): Uint8Array => {
  if (nodeBuffer === undefined) return new Uint8Array(size);
  const b = nodeBuffer.allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const view = (bytes: Uint8Array, length: number): Uint8Array =>
  nodeBufferFrom !== undefined ? nodeBufferFrom(bytes.buffer, bytes.byteOffset, length) : bytes.subarray(0, length);

/** Strings up to this many UTF-16 units are encoded by a JS loop (cheaper than a native call). */
const SHORT_STRING = 32;
/** Strings at least this long are checked for NUL on their encoded bytes (a native memchr). */
const LONG_STRING = 256;

type ByteIndexOf = (this: Uint8Array, value: number, byteOffset: number) => number;
/** Buffer#indexOf is memchr; Uint8Array#indexOf is a plain loop. */
const byteIndexOf: ByteIndexOf =
  (globalThis as { Buffer?: { prototype?: { indexOf?: ByteIndexOf } } }).Buffer?.prototype?.indexOf ?? Uint8Array.prototype.indexOf;

/** Byte texts up to this long are checked and copied by JS loops (cheaper than native calls). */
const SHORT_BYTES = 32;

export { allocBytes };

/** Whether `bytes` contains NUL: a JS loop for short ones, memchr for long ones. */
export function hasNul(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n <= SHORT_BYTES) {
    for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
    return false;
  }
  return byteIndexOf.call(bytes, 0, 0) >= 0;
}

export class ByteWriter {
  /** The backing store; only [0, pos) is meaningful. Public for the encoder's hot loop. */
  buf: Uint8Array;
  pos = 0;

  /** `initial`: write into this buffer (a recycled one) instead of allocating `initialSize` bytes. */
  constructor(initialSize = 1024, initial?: Uint8Array) {
    this.buf = initial !== undefined && initial.length >= 16 ? initial : allocBytes(Math.max(16, initialSize));
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.pos;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    // Quadruple while large: a multi-megabyte document is copied fewer times on its way up.
    let size = this.buf.length * (this.buf.length >= 65536 ? 4 : 2);
    while (size < this.pos + n) size *= 2;
    const next = allocBytes(size);
    next.set(this.buf.subarray(0, this.pos), 0);
    this.buf = next;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /** Two bytes, e.g. SWITCH_PAGE + page. */
  byte2(a: number, b: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    this.buf[this.pos++] = a;
    this.buf[this.pos++] = b;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** WBXML mb_u_int32: big-endian base-128 with the continuation bit on all but the last byte. */
  mbUInt32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    if (value < 0x80) {
      buf[this.pos++] = value;
      return;
    }
    let n = 1;
    while (n < 5 && value >= 2 ** (7 * n)) n++;
    for (let i = n - 1; i >= 0; i--) {
      const septet = Math.floor(value / 2 ** (7 * i)) & 0x7f;
      buf[this.pos++] = i === 0 ? septet : septet | 0x80;
    }
  }

  /**
   * `s` as UTF-8 followed by NUL: the body of an STR_I. Returns false, having written nothing, if
   * `s` itself contains NUL (which would end the string early and let the rest be read as tokens).
   * Short strings are encoded here in JS; longer ones by the platform's UTF-8 encoder. Lone
   * surrogates become U+FFFD (EF BF BD) either way.
   */
  cstring(s: string): boolean {
    // Two functions, so that each is optimised for its own kind of string: a document of only
    // short strings must not leave the long-string path compiled without type feedback.
    return s.length <= SHORT_STRING ? this.shortCstring(s) : this.longCstring(s, 0);
  }

  /** Short strings, encoded in JS; surrogates are handed to `longCstring`. */
  private shortCstring(s: string): boolean {
    const n = s.length;
    // UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.ensure(n * 3 + 1);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c === 0) return false;
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if ((c & 0xf800) === 0xd800) {
        // A surrogate: pairs and lone ones are left to the platform encoder.
        this.pos = p;
        if (this.longCstring(s, i)) return true;
        this.pos = start; // NUL after the surrogate: nothing of `s` stays written
        return false;
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    buf[p] = 0;
    this.pos = p + 1;
    return true;
  }

  /** `s` from index `from` on, by the platform's UTF-8 encoder, then NUL. */
  private longCstring(s: string, from: number): boolean {
    const n = s.length;
    if (n < LONG_STRING && s.indexOf('\0', from) >= 0) return false;
    this.ensure((n - from) * 3 + 1);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    const rest = from === 0 ? s : s.slice(from);
    if (nodeUtf8Write !== undefined) {
      p += nodeUtf8Write.call(buf, rest, p, buf.length - p);
    } else {
      p += textEncoder.encodeInto(rest, buf.subarray(p)).written;
    }
    buf[p] = 0;
    // Long strings: search the encoded bytes for NUL; the terminator just written bounds the search.
    if (n >= LONG_STRING && byteIndexOf.call(buf, 0, start) !== p) return false;
    this.pos = p + 1;
    return true;
  }

  /**
   * UTF-8 bytes followed by NUL, copied as they are: the body of an STR_I for text held as bytes.
   * Returns false, having written nothing, if they contain NUL (which would end the string early
   * and let the rest be read as tokens). UTF-8 validity is the producer's promise (see
   * `WbxmlElement.utf8`): checking it here again would cost more than the copy.
   */
  utf8Cstring(bytes: Uint8Array): boolean {
    const n = bytes.length;
    this.ensure(n + 1);
    const buf = this.buf;
    let p = this.pos;
    if (n <= SHORT_BYTES) {
      for (let i = 0; i < n; i++) {
        const b = bytes[i]!;
        if (b === 0) return false;
        buf[p++] = b;
      }
    } else {
      if (byteIndexOf.call(bytes, 0, 0) >= 0) return false;
      buf.set(bytes, p);
      p += n;
    }
    buf[p] = 0;
    this.pos = p + 1;
    return true;
  }

  /** The bytes written so far, as a view; the writer must not be used afterwards. */
  finish(): Uint8Array {
    return view(this.buf, this.pos);
  }

  /** A copy of the bytes written so far, in fresh memory: the backing store may be reused at once. */
  finishCopy(): Uint8Array {
    const out = allocBytes(Math.max(16, this.pos));
    out.set(this.buf.subarray(0, this.pos), 0);
    return view(out, this.pos);
  }

  /**
   * The bytes written since the last take, as a view that stays valid: the writer continues
   * in a fresh buffer of `nextSize` bytes.
   */
  take(nextSize: number): Uint8Array {
    const out = view(this.buf, this.pos);
    this.buf = allocBytes(Math.max(16, nextSize));
    this.pos = 0;
    return out;
  }
}

/** Bytes `s` takes as UTF-8 (for size precomputation without encoding). */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 2; // 4 bytes for 2 units
        i++;
      } else bytes += 2; // lone surrogate -> U+FFFD (3 bytes)
    } else bytes += 2;
  }
  return bytes;
}
