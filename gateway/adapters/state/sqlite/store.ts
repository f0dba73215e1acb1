import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { StateStore, StateStoreOps } from '../../../ports/state-store.js';
import { StateStoreError } from '../../../ports/state-store.js';
import * as devices from './devices.js';
import * as flagDetails from './flag-details.js';
import { migrate } from './migrate.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { Sql } from './sql.js';
import * as states from './states.js';

export const DB_FILE = 'easgate.sqlite';

export interface SqliteStateStoreOptions {
  dataDir: string;
  /** Milliseconds a writer waits for another process (the CLI next to the server) to finish. */
  busyTimeoutMs?: number;
  /** False for operator tools: a mistyped dataDir should be an error, not a new empty store. */
  create?: boolean;
  /** Tests open with a prefix of the list to build an older database. */
  migrations?: readonly Migration[];
}

/** The port's methods, minus the promises. */
type SyncOps = { [K in keyof StateStoreOps]: StateStoreOps[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => R : never };

function syncOps(sql: Sql): SyncOps {
  return {
    touchDevice: (s) => devices.touchDevice(sql, s),
    getDevice: (k) => devices.getDevice(sql, k),
    listDevices: (u) => devices.listDevices(sql, u),
    updateDevice: (k, p) => devices.updateDevice(sql, k, p),
    setBlocked: (k, b) => devices.setBlocked(sql, k, b),
    requestWipe: (k, kind, at) => devices.requestWipe(sql, k, kind, at),
    cancelWipe: (k) => devices.cancelWipe(sql, k),
    recordWipeAck: (k, at) => devices.recordWipeAck(sql, k, at),
    deleteDevice: (k) => devices.deleteDevice(sql, k),
    getFolderState: (d, key) => states.getFolderState(sql, d, key),
    getLatestFolderState: (d) => states.getLatestFolderState(sql, d),
    putFolderState: (d, s) => states.putFolderState(sql, d, s),
    resetFolderStates: (d) => states.resetFolderStates(sql, d),
    folderServerId: (u, b) => states.folderServerId(sql, u, b),
    folderBackendId: (u, s) => states.folderBackendId(sql, u, s),
    setFolderBackendId: (u, s, b) => states.setFolderBackendId(sql, u, s, b),
    listFolderIds: (u) => states.listFolderIds(sql, u),
    getSyncState: (d, c, k) => states.getSyncState(sql, d, c, k),
    getLatestSyncState: (d, c) => states.getLatestSyncState(sql, d, c),
    putSyncState: (d, s) => states.putSyncState(sql, d, s),
    lookupClientIds: (d, c, ids) => states.lookupClientIds(sql, d, c, ids),
    deleteSyncStates: (d, c) => states.deleteSyncStates(sql, d, c),
    recordSentMessage: (d, c, e) => states.recordSentMessage(sql, d, c, e),
    wasMessageSent: (d, c, n) => states.wasMessageSent(sql, d, c, n),
    getFlagDetails: (u, b, uids) => flagDetails.getFlagDetails(sql, u, b, uids),
    putFlagDetails: (u, b, e) => flagDetails.putFlagDetails(sql, u, b, e),
    prune: (o) => states.prune(sql, o),
  };
}

/**
 * Wraps each synchronous op. `gate` returns a promise to wait on (then it is asked
 * again) or undefined to go ahead; the op runs in the same tick as the last check, so
 * nothing can start in between.
 */
function asyncOps(ops: SyncOps, gate: () => Promise<void> | undefined): StateStoreOps {
  const out = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(ops) as [string, (...args: unknown[]) => unknown][]) {
    out[name] = async (...args) => {
      for (let wait = gate(); wait; wait = gate()) await wait;
      return fn(...args);
    };
  }
  return out as unknown as StateStoreOps;
}

/**
 * Opens (creating if needed) <dataDir>/easgate.sqlite and brings its schema up to date.
 * The directory is created 0700 and the file kept 0600: it names users and devices.
 */
export function openSqliteStateStore(opts: SqliteStateStoreOptions): StateStore {
  const file = join(opts.dataDir, DB_FILE);
  if (opts.create === false && !existsSync(file)) {
    throw new StateStoreError(`no state database at ${file}; is state.dataDir (EASGATE_STATE_DATA_DIR) right?`);
  }
  let db: Database.Database;
  try {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    // Create the file ourselves so it is never world-readable, even for an instant;
    // SQLite gives the -wal and -shm files the same permissions.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    db = new Database(file, { timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (err) {
    throw new StateStoreError(`cannot open state database ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL, not WAL's usual NORMAL: a state lost to a power cut makes the phone's SyncKey
    // unknown, and the re-prime that follows is exactly what users hate.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    migrate(db, opts.migrations ?? allMigrations, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return makeStore(db);
}

/**
 * The connection is shared, so while a transaction awaits, other callers must not slip
 * their statements into it: they wait until it ends.
 */
function makeStore(db: Database.Database): StateStore {
  const ops = syncOps(new Sql(db));
  let busy: Promise<void> | null = null;
  let closed = false;
  const gate = (): Promise<void> | undefined => {
    if (busy) return busy;
    if (closed) throw new StateStoreError('state store is closed');
    return undefined;
  };

  async function transaction<T>(fn: (tx: StateStoreOps) => Promise<T>): Promise<T> {
    for (let wait = gate(); wait; wait = gate()) await wait;
    let release!: () => void;
    busy = new Promise((resolve) => (release = resolve));
    let open = true;
    const tx = asyncOps(ops, () => {
      if (!open) throw new StateStoreError('transaction already ended');
      return undefined;
    });
    try {
      db.exec('BEGIN IMMEDIATE');
      const result = await fn(tx);
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    } finally {
      open = false;
      busy = null;
      release();
    }
  }

  async function close(): Promise<void> {
    while (busy) await busy;
    if (closed) return;
    closed = true;
    db.close();
  }

  return { ...asyncOps(ops, gate), transaction, close };
}
