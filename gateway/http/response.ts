/** Writing a CommandResult (or an error) onto the Koa response. */
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { WbxmlElement } from '../../codec/tree.js';
import type { CommandResult } from '../commands/types.js';
import type { WbxmlCodec } from './dispatch.js';
import { pacedBody } from './paced-body.js';

export const WBXML_CONTENT_TYPE = 'application/vnd.ms-sync.wbxml';

/** Status with no body. Koa turns a null body into 204, so an empty buffer it is. */
export function emptyBody(ctx: Context, status: number): void {
  ctx.body = Buffer.alloc(0);
  ctx.status = status;
  ctx.remove('Content-Type');
}

export function writeResult(ctx: Context, result: CommandResult, codec: WbxmlCodec): void {
  switch (result.kind) {
    case 'wbxml': {
      if (codec.encodeChunks && hasOpaqueSource(result.root)) {
        // Streamed: a large attachment is never held in memory as a whole.
        ctx.body = Readable.from(codec.encodeChunks(result.root), { objectMode: false });
        if (codec.encodedLength) ctx.length = codec.encodedLength(result.root);
      } else if (codec.encodePooled) {
        const { bytes, release } = codec.encodePooled(result.root);
        ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        releaseWhenSent(ctx, release);
      } else {
        const bytes = codec.encode(result.root);
        ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      ctx.type = WBXML_CONTENT_TYPE;
      ctx.status = result.status ?? 200;
      break;
    }
    case 'empty':
      emptyBody(ctx, result.status ?? 200);
      break;
    case 'stream':
      ctx.body = pacedBody(result.body, ctx.res);
      ctx.type = result.contentType;
      if (result.length !== undefined) ctx.length = result.length;
      ctx.status = result.status ?? 200;
      break;
  }
  if (result.headers) ctx.set({ ...result.headers });
}

/** Recursion with an index loop: ~3x faster than a stack walk with spreads (20-40 us vs 75-125 us on a Sync window of 100 e-mails). */
function hasOpaqueSource(e: WbxmlElement): boolean {
  if (e.opaqueSource) return true;
  const kids = e.children;
  for (let i = 0; i < kids.length; i++) if (hasOpaqueSource(kids[i]!)) return true;
  return false;
}

/**
 * The pooled buffer may be reused once the response is done with it: 'finish' on a socket that is
 * still open means the last byte was handed to the operating system. Node emits 'finish' also for
 * a response whose client went away mid-write (the socket is destroyed by then, with the write
 * perhaps still pending), so such a buffer is left to the garbage collector instead.
 */
function releaseWhenSent(ctx: Context, release: () => void): void {
  const socket = ctx.res.socket;
  ctx.res.once('finish', () => {
    if (socket !== null && !socket.destroyed) release();
  });
}
