/**
 * writeResult with a pooled encoder over a real socket: each response's buffer goes back to the
 * pool only after the response has been handed to the socket, so concurrent large responses to
 * slow readers arrive intact; a response the client abandons keeps its buffer out of the pool.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { BufferPool, decode, el, elUtf8, encode, encodePooled, type WbxmlElement } from '../../../../codec/index.js';
import { writeResult } from '../../../../gateway/http/response.js';

const pool = new BufferPool();
const codec = { decode: (b: Uint8Array) => decode(b), encode: (r: WbxmlElement) => encode(r), encodePooled: (r: WbxmlElement) => encodePooled(r, pool) };

/** A Sync-like document of about `kb` KB whose every byte depends on `seed`. */
function doc(seed: number, kb: number): WbxmlElement {
  const body = Buffer.alloc(kb * 1024, `<p>${seed} Grüße ${seed * 7}</p>`);
  return el('AirSync', 'Sync', [el('AirSync', 'SyncKey', String(seed)), elUtf8('AirSyncBase', 'Data', body)]);
}

let server: http.Server;
let url: string;
before(async () => {
  const app = new Koa();
  app.silent = true; // the abandoned response's ECONNRESET is expected
  app.use((ctx) => {
    const seed = Number(ctx.query.seed);
    writeResult(ctx, { kind: 'wbxml', root: doc(seed, Number(ctx.query.kb)) }, codec);
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(seed: number, kb: number, delayMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(`${url}/?seed=${seed}&kb=${kb}`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      // A slow reader: the server's writes cannot complete before the client reads.
      res.pause();
      setTimeout(() => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.resume();
      }, delayMs);
    }).on('error', reject);
  });
}

describe('pooled WBXML responses', () => {
  it('arrive intact when many large responses are in flight at once', async () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const bodies = await Promise.all(seeds.map((s) => get(s, 900, 20 + (s % 4) * 30)));
    for (const [i, b] of bodies.entries()) assert.deepEqual(b, Buffer.from(encode(doc(seeds[i]!, 900))), `seed ${seeds[i]}`);
    assert.ok(pool.size > 0, 'buffers came back to the pool');
    // And again, now reusing pooled buffers.
    const again = await Promise.all(seeds.map((s) => get(s + 100, 700, 10 + (s % 3) * 25)));
    for (const [i, b] of again.entries()) assert.deepEqual(b, Buffer.from(encode(doc(seeds[i]! + 100, 700))));
  });

  it('keeps the buffer of an abandoned response out of the pool', async () => {
    // 15 MB: more than the loopback socket buffers hold, so the write is still pending when the client goes.
    const kb = 15 * 1024;
    await new Promise<void>((resolve) => {
      const req = http.get(`${url}/?seed=7&kb=${kb}`, { agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
      req.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 200));
    const drained: Uint8Array[] = [];
    while (pool.size > 0) drained.push(pool.acquire(0));
    const sizes = drained.map((b) => b.length);
    assert.ok(sizes.every((s) => s < kb * 1024), `pooled sizes ${sizes.join(',')}`);
    for (const b of drained) pool.release(b);
  });
});
