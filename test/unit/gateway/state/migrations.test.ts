import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE, migrations, openSqliteStateStore } from '../../../../gateway/adapters/state/sqlite/index.js';
import { SchemaTooNewError, StateStoreError } from '../../../../gateway/ports/state-store.js';
import { alice, tempDir } from './helpers.js';

function inspect(dataDir: string): Database.Database {
  return new Database(join(dataDir, DB_FILE), { readonly: true });
}

function versions(dataDir: string): number[] {
  const db = inspect(dataDir);
  try {
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
  } finally {
    db.close();
  }
}

test('an empty directory gets every migration, recorded in schema_migrations', async (t) => {
  const dataDir = join(tempDir(t), 'nested', 'data');
  const store = openSqliteStateStore({ dataDir });
  await store.close();
  assert.deepEqual(versions(dataDir), migrations.map((m) => m.version));
  const db = inspect(dataDir);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  db.close();
  for (const name of ['devices', 'folder_ids', 'folder_states', 'schema_migrations', 'sent_messages', 'sync_client_ids', 'sync_states']) {
    assert.ok(tables.includes(name), `table ${name} exists`);
  }
});

test('the directory is created 0700, the file 0600, and the journal is WAL', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const store = openSqliteStateStore({ dataDir });
  await store.touchDevice(alice);
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dataDir, DB_FILE)).mode & 0o777, 0o600);
  assert.equal(statSync(join(dataDir, `${DB_FILE}-wal`)).mode & 0o777, 0o600);
  await store.close();
  const db = inspect(dataDir);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('reopening is idempotent and keeps the data', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const first = openSqliteStateStore({ dataDir });
  await first.touchDevice({ ...alice, deviceType: 'Android' });
  await first.close();
  const second = openSqliteStateStore({ dataDir });
  t.after(() => second.close());
  assert.equal((await second.getDevice(alice))?.deviceType, 'Android');
  assert.deepEqual(versions(dataDir), migrations.map((m) => m.version));
});

test('an older database is upgraded on open, keeping its rows', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const v1 = migrations.slice(0, 1);
  const old = openSqliteStateStore({ dataDir, migrations: v1 });
  await old.touchDevice(alice);
  await old.close();
  assert.deepEqual(versions(dataDir), [1]);

  const next = [...v1, { version: 2, name: 'test-extra', sql: 'CREATE TABLE test_extra (x INTEGER) STRICT;' }];
  const upgraded = openSqliteStateStore({ dataDir, migrations: next });
  assert.ok(await upgraded.getDevice(alice));
  await upgraded.close();
  assert.deepEqual(versions(dataDir), [1, 2]);
  const db = inspect(dataDir);
  assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'test_extra'").get());
  db.close();
});

test('a database from a newer easgate is refused with a clear error and left alone', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  await openSqliteStateStore({ dataDir }).close();
  const db = new Database(join(dataDir, DB_FILE));
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'from-the-future', Date.now());
  db.close();
  assert.throws(() => openSqliteStateStore({ dataDir }), (err: unknown) => {
    assert.ok(err instanceof SchemaTooNewError);
    assert.match(err.message, /schema version 999/);
    assert.match(err.message, new RegExp(`newer than the ${migrations.length}`));
    assert.match(err.message, /upgrade easgate/);
    return true;
  });
  assert.equal(versions(dataDir).at(-1), 999);
});

test('a failing migration rolls back entirely and is not recorded', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  const broken = [...migrations, {
    version: migrations.length + 1,
    name: 'broken',
    sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);',
  }];
  assert.throws(() => openSqliteStateStore({ dataDir, migrations: broken }), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.match(err.message, /migration \d+ \(broken\) failed: no such table: no_such_table/);
    return true;
  });
  assert.deepEqual(versions(dataDir), migrations.map((m) => m.version));
  const db = inspect(dataDir);
  assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").get(), undefined);
  db.close();
});

test('a migration list with a gap is a programming error, caught at open', (t) => {
  const dataDir = join(tempDir(t), 'data');
  const gap = [...migrations, { version: migrations.length + 2, name: 'gap', sql: 'SELECT 1;' }];
  assert.throws(() => openSqliteStateStore({ dataDir, migrations: gap }), /out of order/);
});

test('with create: false, a missing database is an error and nothing is created', (t) => {
  const dataDir = join(tempDir(t), 'typo');
  assert.throws(() => openSqliteStateStore({ dataDir, create: false }), /no state database at .*typo/);
  assert.throws(() => statSync(dataDir), /ENOENT/);
});

test('an unusable data directory is reported with its path', (t) => {
  const file = join(tempDir(t), 'not-a-dir');
  writeFileSync(file, 'a plain file where the directory should be');
  assert.throws(() => openSqliteStateStore({ dataDir: file }), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.ok(err.message.includes(join(file, DB_FILE)));
    return true;
  });
});
