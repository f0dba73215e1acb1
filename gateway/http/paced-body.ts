/**
 * A streamed response body written one chunk at a time, the next chunk asked for only once the
 * previous one's write has completed (its write callback: the bytes reached the socket).
 *
 * Why not Readable.from(chunks) piped into the response, as Koa would: pipe() reads ahead and
 * never says when a chunk has left, so a producer could only hand out fresh memory per chunk.
 * Attachments streamed from IMAP lend two reused buffers instead (a chunk stays valid until the
 * next is asked for), which keeps a 50 MB download from leaving 50 MB of dead Buffers behind.
 * So this Readable pushes no data: once Koa pipes it into the response it writes the chunks
 * itself, then ends, and pipe() ends the response after them. A producer that fails midway
 * cuts the connection (the Content-Length is not met) and errors this stream (Koa logs it).
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export function pacedBody(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, res: ServerResponse): Readable {
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  let started = false;
  const write = (chunk: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => {
      res.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  const body = new Readable({
    read(): void {
      if (started) return;
      started = true;
      void (async () => {
        for (;;) {
          const next = await it.next();
          if (next.done || this.destroyed) return;
          if (next.value.length > 0) await write(next.value);
        }
      })().then(
        () => this.push(null),
        (err: unknown) => {
          // The Content-Length promised more: cutting the connection is how the client learns the body is incomplete.
          res.destroy();
          this.destroy(err as Error);
        },
      );
    },
    destroy(err, callback): void {
      // Lets the producer clean up (an IMAP download gives back its connection); it may be mid-chunk.
      void Promise.resolve(it.return?.()).then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
  // A client that goes away stops the producer even while a write of it is still pending.
  res.once('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  return body;
}
