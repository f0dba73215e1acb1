/**
 * Streams that keep a pooled session lent for as long as they are read: the pool lends a session
 * for as long as the callback given to it runs, so the callback here hands the stream over and
 * then waits until the reader is done with it (or the request ends).
 */
import { finished } from 'node:stream/promises';
import type { ImapFlow } from 'imapflow';
import { BackendUnavailableError } from '../../../errors.js';
import { MessageNotFoundError, type PartStream } from '../../../ports/mail-messages.js';

/** Runs `fn` on a pooled session with the mailbox selected for reading (ImapMailMessages' #run). */
export type OnSession = (fn: (client: ImapFlow) => Promise<void>) => Promise<void>;

/** One part as imapflow's download stream, on a session lent until the stream is done. */
export async function streamOnLentSession(run: OnSession, signal: AbortSignal, uid: number, part: string): Promise<PartStream> {
  let handOver!: (s: PartStream) => void;
  let handed = false;
  const handedOver = new Promise<PartStream>((resolve) => (handOver = resolve));
  const work = run(async (client) => {
    // The pool retries a read on a fresh session when a reused one died: not once the reader has the stream.
    if (handed) throw new BackendUnavailableError('imap', 'IMAP connection lost while streaming a part');
    // imapflow's 64 KiB chunks: 256 KiB streamed ~1.5x faster on loopback but grew RSS by 20-40 MiB.
    const dl = await client.download(String(uid), part || undefined, { uid: true, decodeText: false });
    if (!dl.content) throw new MessageNotFoundError(uid);
    const content = dl.content;
    // A request that ends (client gone, timeout) frees the session even if nobody reads on.
    const abort = (): void => void content.destroy(new Error('request aborted'));
    signal.addEventListener('abort', abort, { once: true });
    handed = true;
    handOver({
      content,
      ...(dl.meta.expectedSize ? { encodedSize: dl.meta.expectedSize } : {}),
      ...(dl.meta.contentType ? { contentType: dl.meta.contentType } : {}),
    });
    await finished(content).catch(() => undefined);
    signal.removeEventListener('abort', abort);
  });
  // Once handed over, a failure reaches the reader as the stream's error.
  work.catch(() => undefined);
  return Promise.race([handedOver, work.then(() => handedOver)]);
}

/**
 * Chunks produced on a session borrowed when iteration starts (not before: a response that
 * streams several parts one after another must not hold several sessions while the first is
 * read) and returned when it ends, fails or the reader stops. The reader pulls the producer
 * directly, one chunk per request and nothing ahead, so a producer that lends its buffers
 * (valid until the next chunk is asked for) may reuse them.
 */
export async function* chunksOnLentSession(run: OnSession, signal: AbortSignal, produce: (client: ImapFlow) => AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let handOver!: (it: AsyncIterator<Uint8Array>) => void;
  let handed = false;
  let done!: () => void;
  const finishedReading = new Promise<void>((resolve) => (done = resolve));
  const handedOver = new Promise<AsyncIterator<Uint8Array>>((resolve) => (handOver = resolve));
  const work = run(async (client) => {
    if (handed) throw new BackendUnavailableError('imap', 'IMAP connection lost while streaming a part');
    handed = true;
    handOver(produce(client)[Symbol.asyncIterator]());
    // The session stays lent until the reader is done with the chunks.
    await finishedReading;
  });
  work.catch(() => undefined);
  try {
    const it = await Promise.race([handedOver, work.then(() => handedOver)]);
    try {
      for (;;) {
        if (signal.aborted) throw new Error('request aborted');
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  } finally {
    done();
  }
}
