/** Writing a CommandResult (or an error) onto the Koa response. */
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { WbxmlElement } from '../../codec/tree.js';
import type { CommandResult } from '../commands/types.js';

export const WBXML_CONTENT_TYPE = 'application/vnd.ms-sync.wbxml';

/** Status with no body. Koa turns a null body into 204, so an empty buffer it is. */
export function emptyBody(ctx: Context, status: number): void {
  ctx.body = Buffer.alloc(0);
  ctx.status = status;
  ctx.remove('Content-Type');
}

export function writeResult(ctx: Context, result: CommandResult, encode: (root: WbxmlElement) => Uint8Array): void {
  switch (result.kind) {
    case 'wbxml': {
      const bytes = encode(result.root);
      ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      ctx.type = WBXML_CONTENT_TYPE;
      ctx.status = result.status ?? 200;
      break;
    }
    case 'empty':
      emptyBody(ctx, result.status ?? 200);
      break;
    case 'stream':
      ctx.body = Readable.from(result.body, { objectMode: false });
      ctx.type = result.contentType;
      if (result.length !== undefined) ctx.length = result.length;
      ctx.status = result.status ?? 200;
      break;
  }
  if (result.headers) ctx.set({ ...result.headers });
}
