import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ROOT, start } from './helpers.js';

/** A port that was free a moment ago (config refuses port 0, so we cannot let the OS pick). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const skip = !existsSync(join(ROOT, 'gateway/main.ts')) && 'gateway/main.ts (startGateway) is not written yet';

function serve(t: TestContext, port: number): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = start(['serve'], { EASGATE_SERVER_PORT: String(port), EASGATE_STATE_DATA_DIR: join(dir, 'data'), EASGATE_LOG_LEVEL: 'info' });
  t.after(() => child.kill('SIGKILL'));
  return child;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`serve logs its URL, answers on it, and exits 0 on ${signal}`, { skip, timeout: 30_000 }, async (t) => {
    await serveAndStop(t, signal);
  });
}

test('serve exits 1 when it cannot listen, saying why', { skip, timeout: 30_000 }, async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  const child = serve(t, (busy.address() as { port: number }).port);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /^easgate serve: cannot start: listen EADDRINUSE/);
  assert.match(stdout, /"code":"EADDRINUSE".*"msg":"easgate failed to start"/);
});

async function serveAndStop(t: TestContext, signal: NodeJS.Signals): Promise<void> {
  const port = await freePort();
  const child = serve(t, port);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as { url?: string };
        if (rec.url) resolve(rec.url);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  assert.ok(url.includes(`:${port}`), url);
  const res = await fetch(new URL('/Microsoft-Server-ActiveSync', url), { method: 'OPTIONS' });
  assert.ok(res.status > 0);
  await res.arrayBuffer();

  child.kill(signal);
  assert.equal(await exited, 0, stderr);
  assert.match(stdout, new RegExp(`"signal":"${signal}","msg":"shutting down"`));
}
