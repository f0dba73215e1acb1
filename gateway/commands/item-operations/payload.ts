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
/** Bytes of base64 text per chunk handed out (a multiple of 4). */
export const BASE64_CHUNK_BYTES = 256 * 1024;

/**
 * Base64 of a byte stream, encoded into one reused buffer: each chunk handed out is lent (valid
 * until the next is asked for), and each input chunk is used up before the next is asked for, so
 * a 50 MB attachment sent inline leaves no text or Buffers behind to collect. At most 2 bytes
 * wait for the next input chunk to complete a 3-byte group.
 */
export async function* base64Chunks(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out = Buffer.allocUnsafe(BASE64_CHUNK_BYTES);
  const group = new Uint8Array(3);
  let grouped = 0;
  let o = 0;
  const put = (a: number, b: number, c: number): void => {
    const n = (a << 16) | (b << 8) | c;
    out[o] = ALPHABET[n >>> 18]!;
    out[o + 1] = ALPHABET[(n >>> 12) & 63]!;
    out[o + 2] = ALPHABET[(n >>> 6) & 63]!;
    out[o + 3] = ALPHABET[n & 63]!;
    o += 4;
  };
  for await (const chunk of source) {
    let i = 0;
    while (grouped > 0 && grouped < 3 && i < chunk.length) group[grouped++] = chunk[i++]!;
    if (grouped === 3) {
      put(group[0]!, group[1]!, group[2]!);
      grouped = 0;
    }
    for (;;) {
      const groups = Math.min(Math.floor((chunk.length - i) / 3), (out.length - o) / 4);
      for (let g = 0; g < groups; g++, i += 3) put(chunk[i]!, chunk[i + 1]!, chunk[i + 2]!);
      if (o + 4 > out.length) {
        yield out.subarray(0, o);
        o = 0;
        continue;
      }
      break;
    }
    while (i < chunk.length) group[grouped++] = chunk[i++]!;
  }
  if (grouped > 0) {
    if (o + 4 > out.length) {
      yield out.subarray(0, o);
      o = 0;
    }
    put(group[0]!, grouped > 1 ? group[1]! : 0, 0);
    out[o - 1] = 0x3d;
    if (grouped === 1) out[o - 2] = 0x3d;
  }
  if (o > 0) yield out.subarray(0, o);
}
