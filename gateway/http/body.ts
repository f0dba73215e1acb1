/**
 * Reads a request body into memory, never more than `limit` bytes: a declared
 * Content-Length over the limit is refused before a byte is read, and a chunked body
 * is counted as it arrives and abandoned (paused, not drained) once it crosses the limit.
 */
import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError } from '../errors.js';

/** Throws PayloadTooLargeError when Content-Length announces more than limit. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const header = req.headers['content-length'];
  if (header === undefined) return;
  const declared = Number(header);
  if (!Number.isSafeInteger(declared) || declared < 0) throw new BadRequestError('invalid-content-length', 'Content-Length is not a byte count');
  if (declared > limit) throw new PayloadTooLargeError(limit, declared);
}

export function readBody(req: IncomingMessage, limit: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    checkDeclaredLength(req, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      signal?.removeEventListener('abort', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Pause instead of destroy: the socket must live long enough to carry the 413.
        req.pause();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new BadRequestError('client-aborted', 'the client went away while sending the body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    signal?.addEventListener('abort', onAborted, { once: true });
    if (req.readableEnded) onEnd();
  });
}
