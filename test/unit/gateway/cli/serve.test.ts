import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, start } from './helpers.js';

/** A port that was free a moment ago (config refuses port 0, so we cannot let the OS pick). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

test('serve logs its URL, answers on it, and exits 0 on SIGTERM', {
  skip: !existsSync(join(ROOT, 'gateway/main.ts')) && 'gateway/main.ts (startGateway) is not written yet',
  timeout: 30_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const child = start(['serve'], { EASGATE_SERVER_PORT: String(port), EASGATE_STATE_DATA_DIR: join(dir, 'data'), EASGATE_LOG_LEVEL: 'info' });
  t.after(() => child.kill('SIGKILL'));
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

  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.match(stdout, /"msg":"stopped"/);
});
