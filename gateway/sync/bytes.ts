/**
 * The little binary format sync snapshots are written in: unsigned LEB128 varints (up to
 * 2^53, so any safe integer), and length-prefixed UTF-8 strings. Readers check every bound
 * and throw SnapshotFormatError, so a corrupt snapshot is a re-prime, never a crash.
 */

export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  byte(b: number): this {
    this.#room(1);
    this.#buf[this.#len++] = b & 0xff;
    return this;
  }

  varint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a varint: ${n}`);
    this.#room(8);
    while (n >= 0x80) {
      this.#buf[this.#len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[this.#len++] = n;
    return this;
  }

  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.varint(bytes.length);
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  /** A string or null (0 = null, else length+1). */
  optString(s: string | null): this {
    if (s === null) return this.varint(0);
    const bytes = Buffer.from(s, 'utf8');
    this.varint(bytes.length + 1);
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

export class ByteReader {
  #pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.#pos >= this.buf.length;
  }

  byte(): number {
    if (this.#pos >= this.buf.length) throw new SnapshotFormatError('snapshot ends early');
    return this.buf[this.#pos++]!;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(n)) break;
        return n;
      }
      scale *= 0x80;
    }
    throw new SnapshotFormatError('varint out of range');
  }

  #utf8(len: number): string {
    if (this.#pos + len > this.buf.length) throw new SnapshotFormatError('string runs past the snapshot');
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.#pos, len).toString('utf8');
    this.#pos += len;
    return s;
  }

  string(): string {
    return this.#utf8(this.varint());
  }

  optString(): string | null {
    const n = this.varint();
    return n === 0 ? null : this.#utf8(n - 1);
  }
}
