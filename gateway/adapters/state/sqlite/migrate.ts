import type Database from 'better-sqlite3';
import { SchemaTooNewError, StateStoreError } from '../../../ports/state-store.js';
import type { Migration } from './migrations/index.js';

/**
 * Brings the schema up to the last of `migrations`, each step in its own transaction
 * and recorded in schema_migrations, so a crash mid-upgrade leaves a consistent
 * version to resume from. A database from a newer easgate is refused, not guessed at.
 * Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], where: string): number[] {
  checkList(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const current = schemaVersion(db);
  const supported = migrations.length;
  if (current > supported) throw new SchemaTooNewError(current, supported, where);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const step of migrations.slice(current)) {
    // Re-read the version under the write lock (IMMEDIATE): a second process opening
    // the same file at the same moment then skips what the first one applied.
    const apply = db.transaction(() => {
      if (schemaVersion(db) >= step.version) return false;
      db.exec(step.sql);
      record.run(step.version, step.name, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(step.version);
    } catch (err) {
      throw new StateStoreError(`state database ${where}: migration ${step.version} (${step.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return applied;
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new StateStoreError(`migration list out of order: position ${i + 1} holds version ${m.version}`);
  });
}
