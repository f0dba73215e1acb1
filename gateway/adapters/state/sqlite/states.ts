import type {
  DeviceKey, FolderEntry, FolderIdMapping, FolderState, FolderStateInput, PruneOptions, PruneResult, SyncState, SyncStateInput,
} from '../../../ports/state-store.js';
import { StateStoreError } from '../../../ports/state-store.js';
import { ms, type Sql } from './sql.js';

function checkKey(syncKey: string, previous?: string): void {
  if (syncKey === '' || syncKey === '0') throw new StateStoreError(`SyncKey ${JSON.stringify(syncKey)} cannot be stored: it means "start over"`);
  if (previous === syncKey) throw new StateStoreError(`previousSyncKey equals the new SyncKey ${syncKey}`);
}

/**
 * Keeps the state just written and the one the client sent (or, when not named, the
 * newest before it): a client that never saw our answer retries with its old key.
 */
function keepTwo(sql: Sql, table: 'folder_states' | 'sync_states', scope: string, args: unknown[], keptId: number, previous?: string): void {
  const prevId = previous === undefined
    ? (sql.stmt(`SELECT MAX(id) AS id FROM ${table} WHERE ${scope} AND id <> ?`).get(...args, keptId) as { id: number | null }).id
    : (sql.stmt(`SELECT id FROM ${table} WHERE ${scope} AND sync_key = ?`).get(...args, previous) as { id: number } | undefined)?.id ?? null;
  sql.stmt(`DELETE FROM ${table} WHERE ${scope} AND id NOT IN (?, ?)`).run(...args, keptId, prevId ?? keptId);
}

// Folder hierarchy ---------------------------------------------------------------

interface FolderStateRow { sync_key: string; folders: string; created_at: number }

const toFolderState = (r: FolderStateRow): FolderState => ({
  syncKey: r.sync_key,
  folders: JSON.parse(r.folders) as FolderEntry[],
  createdAt: new Date(r.created_at),
});

export function getFolderState(sql: Sql, device: DeviceKey, syncKey: string): FolderState | undefined {
  const row = sql.stmt(`SELECT f.sync_key, f.folders, f.created_at FROM folder_states f JOIN devices d ON d.id = f.device
    WHERE d.user = ? AND d.device_id = ? AND f.sync_key = ?`).get(device.user, device.deviceId, syncKey) as FolderStateRow | undefined;
  return row && toFolderState(row);
}

export function getLatestFolderState(sql: Sql, device: DeviceKey): FolderState | undefined {
  const row = sql.stmt(`SELECT f.sync_key, f.folders, f.created_at FROM folder_states f JOIN devices d ON d.id = f.device
    WHERE d.user = ? AND d.device_id = ? ORDER BY f.id DESC LIMIT 1`).get(device.user, device.deviceId) as FolderStateRow | undefined;
  return row && toFolderState(row);
}

export function putFolderState(sql: Sql, device: DeviceKey, input: FolderStateInput): void {
  checkKey(input.syncKey, input.previousSyncKey);
  // Only the known fields are kept, so the snapshot cannot smuggle anything else in.
  const folders = input.folders.map(({ serverId, parentId, displayName, type, backendId }) => ({ serverId, parentId, displayName, type, backendId }));
  sql.atomic(() => {
    const dev = sql.requireDevice(device);
    const { id } = sql.stmt(`INSERT INTO folder_states (device, sync_key, folders, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (device, sync_key) DO UPDATE SET folders = excluded.folders, created_at = excluded.created_at
      RETURNING id`).get(dev, input.syncKey, JSON.stringify(folders), ms(input.at)) as { id: number };
    keepTwo(sql, 'folder_states', 'device = ?', [dev], id, input.previousSyncKey);
  });
}

export function resetFolderStates(sql: Sql, device: DeviceKey): void {
  sql.atomic(() => {
    const dev = sql.deviceRowId(device);
    if (dev === undefined) return;
    sql.stmt('DELETE FROM folder_states WHERE device = ?').run(dev);
    sql.stmt('DELETE FROM sync_states WHERE device = ?').run(dev);
  });
}

// Folder id map ------------------------------------------------------------------

export function folderServerId(sql: Sql, user: string, backendId: string): string {
  return sql.atomic(() => {
    const found = sql.stmt('SELECT seq FROM folder_ids WHERE user = ? AND backend_id = ?').get(user, backendId) as { seq: number } | undefined;
    if (found) return String(found.seq);
    // MAX+1 never reuses a ServerId, because mappings are never deleted.
    const { seq } = sql.stmt(`INSERT INTO folder_ids (user, seq, backend_id, created_at)
      SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM folder_ids WHERE user = ? RETURNING seq`).get(user, backendId, Date.now(), user) as { seq: number };
    return String(seq);
  });
}

const seqOf = (serverId: string): number | undefined => (/^[1-9][0-9]{0,14}$/.test(serverId) ? Number(serverId) : undefined);

export function folderBackendId(sql: Sql, user: string, serverId: string): string | undefined {
  const seq = seqOf(serverId);
  if (seq === undefined) return undefined;
  const row = sql.stmt('SELECT backend_id FROM folder_ids WHERE user = ? AND seq = ?').get(user, seq) as { backend_id: string } | undefined;
  return row?.backend_id;
}

export function setFolderBackendId(sql: Sql, user: string, serverId: string, backendId: string): void {
  const seq = seqOf(serverId);
  const unknown = new StateStoreError(`no folder ServerId ${serverId} for user ${user}`);
  if (seq === undefined) throw unknown;
  try {
    if (sql.stmt('UPDATE folder_ids SET backend_id = ? WHERE user = ? AND seq = ?').run(backendId, user, seq).changes === 0) throw unknown;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new StateStoreError(`backend id ${backendId} of user ${user} is already mapped to another ServerId`, { cause: err });
    }
    throw err;
  }
}

export function listFolderIds(sql: Sql, user: string): FolderIdMapping[] {
  const rows = sql.stmt('SELECT seq, backend_id FROM folder_ids WHERE user = ? ORDER BY seq').all(user) as { seq: number; backend_id: string }[];
  return rows.map((r) => ({ serverId: String(r.seq), backendId: r.backend_id }));
}

// Item sync states ---------------------------------------------------------------

interface SyncStateRow { collection_id: string; sync_key: string; snapshot: Buffer; created_at: number }

const toSyncState = (r: SyncStateRow): SyncState => ({
  collectionId: r.collection_id,
  syncKey: r.sync_key,
  snapshot: new Uint8Array(r.snapshot.buffer, r.snapshot.byteOffset, r.snapshot.byteLength),
  createdAt: new Date(r.created_at),
});

const SYNC_COLUMNS = 's.collection_id, s.sync_key, s.snapshot, s.created_at';

export function getSyncState(sql: Sql, device: DeviceKey, collectionId: string, syncKey: string): SyncState | undefined {
  const row = sql.stmt(`SELECT ${SYNC_COLUMNS} FROM sync_states s JOIN devices d ON d.id = s.device
    WHERE d.user = ? AND d.device_id = ? AND s.collection_id = ? AND s.sync_key = ?`)
    .get(device.user, device.deviceId, collectionId, syncKey) as SyncStateRow | undefined;
  return row && toSyncState(row);
}

export function getLatestSyncState(sql: Sql, device: DeviceKey, collectionId: string): SyncState | undefined {
  const row = sql.stmt(`SELECT ${SYNC_COLUMNS} FROM sync_states s JOIN devices d ON d.id = s.device
    WHERE d.user = ? AND d.device_id = ? AND s.collection_id = ? ORDER BY s.id DESC LIMIT 1`)
    .get(device.user, device.deviceId, collectionId) as SyncStateRow | undefined;
  return row && toSyncState(row);
}

export function putSyncState(sql: Sql, device: DeviceKey, input: SyncStateInput): void {
  checkKey(input.syncKey, input.previousSyncKey);
  sql.atomic(() => {
    const dev = sql.requireDevice(device);
    const { id } = sql.stmt(`INSERT INTO sync_states (device, collection_id, sync_key, snapshot, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device, collection_id, sync_key) DO UPDATE SET snapshot = excluded.snapshot, created_at = excluded.created_at
      RETURNING id`).get(dev, input.collectionId, input.syncKey, Buffer.from(input.snapshot), ms(input.at)) as { id: number };
    sql.stmt('DELETE FROM sync_client_ids WHERE state = ?').run(id);
    const add = sql.stmt('INSERT INTO sync_client_ids (state, client_id, server_id) VALUES (?, ?, ?)');
    for (const [clientId, serverId] of input.clientIds ?? []) add.run(id, clientId, serverId);
    keepTwo(sql, 'sync_states', 'device = ? AND collection_id = ?', [dev, input.collectionId], id, input.previousSyncKey);
  });
}

export function lookupClientIds(sql: Sql, device: DeviceKey, collectionId: string, clientIds: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  if (clientIds.length === 0) return found;
  // Oldest first, so the newest state's answer wins if a ClientId was (wrongly) reused.
  const rows = sql.stmt(`SELECT c.client_id, c.server_id FROM sync_client_ids c
    JOIN sync_states s ON s.id = c.state JOIN devices d ON d.id = s.device
    WHERE d.user = ? AND d.device_id = ? AND s.collection_id = ? AND c.client_id IN (SELECT value FROM json_each(?))
    ORDER BY s.id`).all(device.user, device.deviceId, collectionId, JSON.stringify(clientIds)) as { client_id: string; server_id: string }[];
  for (const r of rows) found.set(r.client_id, r.server_id);
  return found;
}

export function deleteSyncStates(sql: Sql, device: DeviceKey, collectionId?: string): void {
  const dev = sql.deviceRowId(device);
  if (dev === undefined) return;
  if (collectionId === undefined) sql.stmt('DELETE FROM sync_states WHERE device = ?').run(dev);
  else sql.stmt('DELETE FROM sync_states WHERE device = ? AND collection_id = ?').run(dev, collectionId);
}

// Sent messages and pruning -------------------------------------------------------

export function recordSentMessage(sql: Sql, device: DeviceKey, clientId: string, expiresAt: Date): boolean {
  return sql.atomic(() => {
    const dev = sql.requireDevice(device);
    const now = Date.now();
    // An expired record is as good as none: take it over.
    const res = sql.stmt(`INSERT INTO sent_messages (device, client_id, sent_at, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (device, client_id) DO UPDATE SET sent_at = excluded.sent_at, expires_at = excluded.expires_at
      WHERE sent_messages.expires_at <= excluded.sent_at`).run(dev, clientId, now, expiresAt.getTime());
    return res.changes > 0;
  });
}

export function wasMessageSent(sql: Sql, device: DeviceKey, clientId: string, now?: Date): boolean {
  const row = sql.stmt(`SELECT 1 FROM sent_messages m JOIN devices d ON d.id = m.device
    WHERE d.user = ? AND d.device_id = ? AND m.client_id = ? AND m.expires_at > ?`).get(device.user, device.deviceId, clientId, ms(now));
  return row !== undefined;
}

export function prune(sql: Sql, opts: PruneOptions = {}): PruneResult {
  return sql.atomic(() => {
    const result: PruneResult = { sentMessages: 0, folderStates: 0, syncStates: 0 };
    result.sentMessages = sql.stmt('DELETE FROM sent_messages WHERE expires_at <= ?').run(ms(opts.now)).changes;
    if (opts.inactiveBefore) {
      const cutoff = opts.inactiveBefore.getTime();
      const idle = 'device IN (SELECT id FROM devices WHERE last_seen < ?)';
      result.folderStates = sql.stmt(`DELETE FROM folder_states WHERE ${idle}`).run(cutoff).changes;
      result.syncStates = sql.stmt(`DELETE FROM sync_states WHERE ${idle}`).run(cutoff).changes;
    }
    return result;
  });
}
