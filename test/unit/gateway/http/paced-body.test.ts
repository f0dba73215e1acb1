/**
 * pacedBody against a real HTTP connection: a producer that overwrites its one buffer as soon as
 * it is asked for the next chunk still delivers exact bytes to a slow client (so the next chunk
 * is asked for only after the write completed); a producer that fails midway cuts the connection
 * instead of leaving it waiting for the promised Content-Length; a client that goes away stops
 * the producer.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { pacedBody } from '../../../../gateway/http/paced-body.js';

const CHUNK = 1024 * 1024;

/** Serves `body` for one request, piped as Koa does; resolves with the stream's error, if any. */
async function serve(makeBody: () => AsyncIterable<Uint8Array>, length: number): Promise<{ url: string; done: Promise<Error | undefined>; close: () => void }> {
  let settle!: (e: Error | undefined) => void;
  const done = new Promise<Error | undefined>((resolve) => (settle = resolve));
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Length', String(length));
    const body = pacedBody(makeBody(), res);
    body.once('error', (err) => settle(err));
    res.once('close', () => setTimeout(() => settle(undefined), 50));
    body.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, done, close: () => server.close() };
}

/** Reads the response slowly (pausing after every piece), hashing it. */
function fetchSlowly(url: string, stopAfter = Infinity): Promise<{ bytes: number; sha: string; complete: boolean }> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const req = http.get(url, { agent: false }, (res) => {
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
        if (bytes >= stopAfter) {
          req.destroy();
          resolve({ bytes, sha: '', complete: false });
          return;
        }
        res.pause();
        setTimeout(() => res.resume(), 1);
      });
      res.on('end', () => resolve({ bytes, sha: hash.digest('hex'), complete: res.complete }));
      res.on('aborted', () => resolve({ bytes, sha: '', complete: false }));
      res.on('error', () => resolve({ bytes, sha: '', complete: false }));
    });
    req.on('error', () => resolve({ bytes, sha: '', complete: false }));
  });
}

describe('pacedBody', () => {
  it('writes lent chunks exactly: the next is asked for only once the previous was written', async () => {
    const data = randomBytes(8 * CHUNK + 123);
    const server = await serve(async function* () {
      const buf = Buffer.alloc(CHUNK);
      for (let i = 0; i < data.length; i += CHUNK) {
        const n = data.copy(buf, 0, i, i + CHUNK);
        yield buf.subarray(0, n);
        buf.fill(0xee);
      }
    }, data.length);
    try {
      const got = await fetchSlowly(server.url);
      assert.equal(got.bytes, data.length);
      assert.equal(got.sha, createHash('sha256').update(data).digest('hex'));
      assert.equal(await server.done, undefined);
    } finally {
      server.close();
    }
  });

  it('a producer failing midway errors the body and cuts the connection short of its Content-Length', async () => {
    const server = await serve(async function* () {
      yield Buffer.alloc(CHUNK, 1);
      throw new Error('backend went away');
    }, 4 * CHUNK);
    try {
      const got = await fetchSlowly(server.url);
      assert.equal(got.complete, false);
      assert.ok(got.bytes <= CHUNK);
      assert.match(String((await server.done)?.message), /backend went away/);
    } finally {
      server.close();
    }
  });

  it('a client going away stops the producer', async () => {
    let stopped = false;
    const server = await serve(async function* () {
      try {
        for (;;) yield Buffer.alloc(CHUNK, 2);
      } finally {
        stopped = true;
      }
    }, 1000 * CHUNK);
    try {
      await fetchSlowly(server.url, 2 * CHUNK);
      await server.done;
      for (let i = 0; i < 100 && !stopped; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(stopped, true);
    } finally {
      server.close();
    }
  });
});
