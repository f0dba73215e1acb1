import type Database from 'better-sqlite3';
import type { DeviceKey } from '../../../ports/state-store.js';
import { DeviceNotFoundError } from '../../../ports/state-store.js';

/** The connection plus a per-connection statement cache (prepare is not free on hot paths). */
export class Sql {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** Runs fn atomically; nested inside an open transaction it becomes a savepoint. */
  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  deviceRowId(key: DeviceKey): number | undefined {
    const row = this.stmt('SELECT id FROM devices WHERE user = ? AND device_id = ?').get(key.user, key.deviceId) as { id: number } | undefined;
    return row?.id;
  }

  requireDevice(key: DeviceKey): number {
    const id = this.deviceRowId(key);
    if (id === undefined) throw new DeviceNotFoundError(key);
    return id;
  }
}

export const ms = (d: Date | undefined): number => (d ?? new Date()).getTime();
export const date = (n: number | null): Date | null => (n === null ? null : new Date(n));
