import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { easgate } from './helpers.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// serve checks its configuration before it loads the gateway, so these hold whether
// or not gateway/main.ts exists yet.
describe('configuration errors exit 2 and name the key', { concurrency: true }, () => {
  test('a bad environment value names the key and the variable', async () => {
    const r = await easgate(['serve'], { EASGATE_SERVER_PORT: 'eighty' });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^easgate serve: invalid configuration:\n/);
    assert.match(r.stderr, /server\.port \(from EASGATE_SERVER_PORT\)/);
  });

  test('an unknown key in the file names the key and the file', async (t) => {
    const file = join(tempDir(t), 'easgate.json');
    writeFileSync(file, JSON.stringify({ imap: { hots: 'mail.example.org' } }));
    const r = await easgate(['serve', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`unknown configuration key "imap\\.hots" in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('a bad value in the file names the key', async (t) => {
    const file = join(tempDir(t), 'easgate.json');
    writeFileSync(file, JSON.stringify({ log: { level: 'loud' } }));
    const r = await easgate(['serve', '-c', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /log\.level/);
  });

  test('a missing config file is a configuration error', async (t) => {
    const r = await easgate(['devices', 'list', '--config', join(tempDir(t), 'nope.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read config file .*nope\.json/);
  });

  test('an unknown option is a usage error for that command', async () => {
    const r = await easgate(['serve', '--port', '8080']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^easgate serve: Unknown option '--port'/);
    assert.match(r.stderr, /Usage: easgate serve/);
  });
});
