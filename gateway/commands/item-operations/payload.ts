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

/** Base64 of a byte stream, chunk by chunk: whole 3-byte groups go out at once, at most 2 bytes wait. */
export async function* base64Chunks(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = carry.length > 0 ? Buffer.concat([carry, view]) : view;
    const whole = buf.length - (buf.length % 3);
    if (whole > 0) yield Buffer.from(buf.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(buf.subarray(whole));
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
}
