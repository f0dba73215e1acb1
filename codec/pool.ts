/**
 * Recycled output buffers for the encoder. Writing a multi-megabyte document into freshly
 * allocated memory costs a page fault per 4 KB page (the allocator hands large blocks back to the
 * kernel when they are freed, and takes new ones from it); reusing a few buffers that are already
 * mapped avoids that. A buffer may be reused only once whoever holds the encoded bytes is done with
 * them: `PooledBytes.release()` says so (the HTTP layer calls it once the response has been handed
 * to the socket).
 */
import { allocBytes } from './writer.js';

export interface BufferPoolOptions {
  /** Free buffers kept for reuse (default 4). */
  readonly maxFree?: number;
  /** Larger buffers are not kept (default 16 MiB): a rare huge response must not pin its memory. */
  readonly maxBufferBytes?: number;
}

export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private readonly maxFree: number;
  readonly maxBufferBytes: number;

  constructor(options: BufferPoolOptions = {}) {
    this.maxFree = options.maxFree ?? 4;
    this.maxBufferBytes = options.maxBufferBytes ?? 16 * 1024 * 1024;
  }

  /** Free buffers held now (for tests and metrics). */
  get size(): number {
    return this.free.length;
  }

  /** A buffer of at least `minBytes`: the smallest free one that fits, else a new one. */
  acquire(minBytes: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.length >= minBytes && (best < 0 || b.length < this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // Rounded up to a power of two from 64 KB on, so that sizes that vary a little reuse buffers.
    let size = 65536;
    while (size < minBytes) size *= 2;
    return allocBytes(size);
  }

  /**
   * The largest free buffer, or undefined if none is free: for a document whose size is not known
   * in advance (the largest is the one most likely to hold it without growing).
   */
  takeLargest(): Uint8Array | undefined {
    if (this.free.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length > this.free[best]!.length) best = i;
    return this.free.splice(best, 1)[0];
  }

  /** Hand a buffer back; it must no longer be read or written by anyone. */
  release(buf: Uint8Array): void {
    if (buf.length > this.maxBufferBytes || this.free.includes(buf)) return;
    if (this.free.length < this.maxFree) {
      this.free.push(buf);
      return;
    }
    // Full: keep the larger buffers, which are the ones a fresh allocation would fault in.
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
    if (this.free[smallest]!.length < buf.length) this.free[smallest] = buf;
  }
}

/** Encoded bytes in a pooled buffer. */
export interface PooledBytes {
  /** The document; valid until `release()`. */
  readonly bytes: Uint8Array;
  /** Return the buffer to the pool (idempotent). Never call it while the bytes may still be read. */
  release(): void;
}
