import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openSqliteStateStore, type SqliteStateStoreOptions } from '../../../../gateway/adapters/state/sqlite/index.js';
import type { StateStore } from '../../../../gateway/ports/state-store.js';

/** A fresh directory removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store in a fresh directory (a subdirectory, so the adapter creates it), closed when the test ends. */
export function tempStore(t: TestContext, opts: Partial<SqliteStateStoreOptions> = {}): { store: StateStore; dataDir: string } {
  const dataDir = join(tempDir(t), 'data');
  const store = openSqliteStateStore({ dataDir, ...opts });
  t.after(() => store.close());
  return { store, dataDir };
}

export const alice = { user: 'alice@example.org', deviceId: 'ANDROIDC123' };
export const bob = { user: 'bob@example.org', deviceId: 'APPL0001' };
