/**
 * Flag details per (user, mailbox, UIDVALIDITY, UID). The mailbox column holds the folder's stable
 * id (`id:<backendId>`) when the caller knows it, else its path: rows written by path before ids
 * were passed are still read, and are moved to the id the first time their UIDs are written.
 */
import type { FlagDetailsEntry, MessageBoxKey } from '../../../ports/state-store.js';
import type { Sql } from './sql.js';

/** The mailbox column's value for this box: its id where known, else its path. */
function mailboxKey(box: MessageBoxKey): string {
  return box.folderId ? `id:${box.folderId}` : box.path;
}

export function getFlagDetails(sql: Sql, user: string, box: MessageBoxKey, uids: readonly number[]): Map<number, string> {
  const found = new Map<number, string>();
  if (uids.length === 0) return found;
  const key = mailboxKey(box);
  const rows = sql.stmt(`SELECT uid, details, mailbox FROM flag_details
    WHERE user = ? AND mailbox IN (?, ?) AND uid_validity = ? AND uid IN (SELECT value FROM json_each(?))`)
    .all(user, key, box.path, box.uidValidity, JSON.stringify(uids)) as { uid: number; details: string; mailbox: string }[];
  // A row under the id wins over an older one under the path.
  for (const r of rows) if (r.mailbox === key || !found.has(r.uid)) found.set(r.uid, r.details);
  return found;
}

export function putFlagDetails(sql: Sql, user: string, box: MessageBoxKey, entries: readonly FlagDetailsEntry[]): void {
  if (entries.length === 0) return;
  const key = mailboxKey(box);
  sql.atomic(() => {
    sql.stmt('DELETE FROM flag_details WHERE user = ? AND mailbox IN (?, ?) AND uid_validity <> ?').run(user, key, box.path, box.uidValidity);
    const now = Date.now();
    for (const e of entries) {
      sql.stmt('DELETE FROM flag_details WHERE user = ? AND mailbox IN (?, ?) AND uid_validity = ? AND uid = ?').run(user, key, box.path, box.uidValidity, e.uid);
      if (e.details !== null) {
        sql.stmt('INSERT INTO flag_details (user, mailbox, uid_validity, uid, details, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(user, key, box.uidValidity, e.uid, e.details, now);
      }
    }
  });
}
