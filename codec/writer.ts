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
type Allocator = (size: number) => Uint8Array;
/**
 * On Node the backing store is an uninitialised Buffer: no zero-fill, and callers get Buffers
 * (which Koa and streams take as they are). Only bytes the writer has written are ever exposed.
 */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafe?: Allocator } }).Buffer;
const allocBytes: Allocator =
  nodeBuffer?.allocUnsafe !== undefined ? (size) => nodeBuffer.allocUnsafe!(size) : (size) => new Uint8Array(size);
/** Strings up to this many UTF-16 units are written by a JS loop while they are ASCII. */
const SHORT_STRING = 32;

export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = allocBytes(Math.max(16, initialSize));
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
    let size = this.buf.length * 2;
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

  /** `s` as UTF-8 followed by NUL (the body of STR_I). The caller has checked `s` has no NUL. */
  cstring(s: string): void {
    const n = s.length;
    // UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.ensure(n * 3 + 1);
    const buf = this.buf;
    let pos = this.pos;
    let i = 0;
    if (n <= SHORT_STRING) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
    }
    if (i < n) {
      const rest = i === 0 ? s : s.slice(i);
      if (nodeUtf8Write !== undefined) {
        pos += nodeUtf8Write.call(buf, rest, pos, buf.length - pos);
      } else {
        pos += textEncoder.encodeInto(rest, buf.subarray(pos)).written;
      }
    }
    buf[pos++] = 0;
    this.pos = pos;
  }

  /** The bytes written so far, as a view; the writer must not be used afterwards. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /**
   * The bytes written since the last take, as a view that stays valid: the writer continues
   * in a fresh buffer of `nextSize` bytes.
   */
  take(nextSize: number): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
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
