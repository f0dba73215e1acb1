/**
 * base64 (RFC 2045 transfer encoding) decoded incrementally from any split of the input into a
 * caller's buffer: a 4-character group may straddle two reads, line breaks fall anywhere.
 * No strings and no Buffer per call, unlike Buffer.from(text, 'base64').
 */

/** base64 alphabet -> sextet; -1 for line breaks, padding and anything else, which are skipped. */
const SEXTET = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) SEXTET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** At most this many bytes come out of `n` bytes of input, plus the group begun before them. */
export function maxDecodedBytes(n: number): number {
  return Math.floor((n + 3) / 4) * 3;
}

export class Base64Decoder {
  #acc = 0;
  #sextets = 0;

  /**
   * Decodes src[start, end) into out from `at`; returns where the output ends. `out` must have
   * room for maxDecodedBytes(end - start) bytes from `at`.
   */
  decode(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
    let acc = this.#acc;
    let sextets = this.#sextets;
    let o = at;
    for (let i = start; i < end; i++) {
      const v = SEXTET[src[i]!]!;
      if (v < 0) continue;
      acc = (acc << 6) | v;
      if (++sextets === 4) {
        out[o++] = (acc >> 16) & 0xff;
        out[o++] = (acc >> 8) & 0xff;
        out[o++] = acc & 0xff;
        acc = 0;
        sextets = 0;
      }
    }
    this.#acc = acc;
    this.#sextets = sextets;
    return o;
  }

  /** The end of the input: an unpadded (or padded, the padding being skipped) tail of 2 or 3 sextets is 1 or 2 bytes. */
  finish(out: Uint8Array, at: number): number {
    let o = at;
    if (this.#sextets >= 2) {
      const acc = this.#acc << (6 * (4 - this.#sextets));
      out[o++] = (acc >> 16) & 0xff;
      if (this.#sextets === 3) out[o++] = (acc >> 8) & 0xff;
    }
    this.#acc = 0;
    this.#sextets = 0;
    return o;
  }
}
