/**
 * Binary content an ItemOperations response carries (an attachment, or in multipart responses an
 * email body): its exact length up front, its bytes as a stream read only while the response is
 * written, so a 50 MB attachment passes through in 64 KiB pieces and is never held whole.
 */
import type { WbxmlElement } from '../../../codec/index.js';

export interface Payload {
  /** Exact number of bytes `chunks()` yields. */
  readonly length: number;
  /** Called at most once, when the response reaches this payload. */
  chunks(): AsyncIterable<Uint8Array>;
}

/**
 * Where a payload goes in the response tree: inline as an ItemOperations:Data string (base64) or,
 * in a multipart response, as an ItemOperations:Part index, appended to `holder`.
 */
export interface PayloadSlot {
  readonly holder: WbxmlElement;
  readonly payload: Payload;
}

export function bytesPayload(bytes: Uint8Array): Payload {
  return {
    length: bytes.length,
    chunks: async function* () {
      yield bytes;
    },
  };
}

/** The payload's chunks, failing (so the response is cut off, not passed off as whole) when the count is not `length`. */
export async function* exactly(payload: Payload): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of payload.chunks()) {
    total += chunk.length;
    if (total > payload.length) throw new Error(`payload yielded more than its ${payload.length} bytes`);
    if (chunk.length > 0) yield chunk;
  }
  if (total !== payload.length) throw new Error(`payload yielded ${total} of its ${payload.length} bytes`);
}

/** Length of the base64 text (no line breaks) of n bytes. */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** 12 bits -> their two base64 characters as one 16-bit store (twice as fast as four byte stores). */
const PAIRS = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) {
  const [first, second] = [ALPHABET[i >> 6]!, ALPHABET[i & 63]!];
  PAIRS[i] = LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second;
}
/** Bytes of base64 text per chunk handed out (a multiple of 4). */
export const BASE64_CHUNK_BYTES = 256 * 1024;

/**
 * Base64 of a byte stream, encoded into one reused buffer: each chunk handed out is lent (valid
 * until the next is asked for), and each input chunk is used up before the next is asked for, so
 * a 50 MB attachment sent inline leaves no text or Buffers behind to collect. At most 2 bytes
 * wait for the next input chunk to complete a 3-byte group.
 */
export async function* base64Chunks(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out16 = new Uint16Array(BASE64_CHUNK_BYTES / 2);
  const out = Buffer.from(out16.buffer);
  const group = new Uint8Array(3);
  let grouped = 0;
  /** Output position in 16-bit units: 2 per 3-byte group. */
  let o = 0;
  const full = (): boolean => o + 2 > out16.length;
  for await (const chunk of source) {
    let i = 0;
    while (grouped > 0 && grouped < 3 && i < chunk.length) group[grouped++] = chunk[i++]!;
    if (grouped === 3) {
      const n = (group[0]! << 16) | (group[1]! << 8) | group[2]!;
      out16[o++] = PAIRS[n >>> 12]!;
      out16[o++] = PAIRS[n & 0xfff]!;
      grouped = 0;
    }
    for (;;) {
      const groups = Math.min(Math.floor((chunk.length - i) / 3), (out16.length - o) >> 1);
      for (let g = 0; g < groups; g++, i += 3) {
        const n = (chunk[i]! << 16) | (chunk[i + 1]! << 8) | chunk[i + 2]!;
        out16[o++] = PAIRS[n >>> 12]!;
        out16[o++] = PAIRS[n & 0xfff]!;
      }
      if (!full()) break;
      yield out.subarray(0, 2 * o);
      o = 0;
    }
    while (i < chunk.length) group[grouped++] = chunk[i++]!;
  }
  if (grouped > 0) {
    if (full()) {
      yield out.subarray(0, 2 * o);
      o = 0;
    }
    const n = (group[0]! << 16) | ((grouped > 1 ? group[1]! : 0) << 8);
    out16[o++] = PAIRS[n >>> 12]!;
    out16[o++] = PAIRS[n & 0xfff]!;
    out[2 * o - 1] = 0x3d;
    if (grouped === 1) out[2 * o - 2] = 0x3d;
  }
  if (o > 0) yield out.subarray(0, 2 * o);
}
