import type { FlagDetailsEntry, MessageBoxKey } from '../../../ports/state-store.js';
import type { Sql } from './sql.js';

export function getFlagDetails(sql: Sql, user: string, box: MessageBoxKey, uids: readonly number[]): Map<number, string> {
  const found = new Map<number, string>();
  if (uids.length === 0) return found;
  const rows = sql.stmt(`SELECT uid, details FROM flag_details
    WHERE user = ? AND mailbox = ? AND uid_validity = ? AND uid IN (SELECT value FROM json_each(?))`)
    .all(user, box.path, box.uidValidity, JSON.stringify(uids)) as { uid: number; details: string }[];
  for (const r of rows) found.set(r.uid, r.details);
  return found;
}

export function putFlagDetails(sql: Sql, user: string, box: MessageBoxKey, entries: readonly FlagDetailsEntry[]): void {
  if (entries.length === 0) return;
  sql.atomic(() => {
    sql.stmt('DELETE FROM flag_details WHERE user = ? AND mailbox = ? AND uid_validity <> ?').run(user, box.path, box.uidValidity);
    const now = Date.now();
    for (const e of entries) {
      if (e.details === null) {
        sql.stmt('DELETE FROM flag_details WHERE user = ? AND mailbox = ? AND uid_validity = ? AND uid = ?').run(user, box.path, box.uidValidity, e.uid);
      } else {
        sql.stmt(`INSERT INTO flag_details (user, mailbox, uid_validity, uid, details, updated_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (user, mailbox, uid_validity, uid) DO UPDATE SET details = excluded.details, updated_at = excluded.updated_at`)
          .run(user, box.path, box.uidValidity, e.uid, e.details, now);
      }
    }
  });
}
