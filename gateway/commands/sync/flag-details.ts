/**
 * Flag details: IMAP carries a flag only as \Flagged, but a client that sets a follow-up flag
 * expects its dates, reminder, flag type and completion back (MS-ASEMAIL 2.2.2.34). The gateway
 * keeps them in the state store per (user, mailbox, UIDVALIDITY, UID); toEmailItem merges them
 * with what IMAP says (\Flagged wins for active/cleared, the details fill in the rest).
 */
import type { EmailFlag } from '../../items/email.js';
import type { MailboxRef } from '../../ports/mail-messages.js';
import type { FlagDetailsEntry } from '../../ports/state-store.js';
import type { CommandContext } from '../types.js';

const DATE_KEYS = ['dateCompleted', 'completeTime', 'startDate', 'dueDate', 'utcStartDate', 'utcDueDate', 'reminderTime', 'ordinalDate'] as const;
type Stored = { [K in keyof EmailFlag]?: EmailFlag[K] extends Date | undefined ? string : EmailFlag[K] };

/** The stored flag details of these UIDs; UIDs without any are absent. */
export async function storedFlagsFor(ctx: CommandContext, box: MailboxRef, uids: readonly number[]): Promise<Map<number, EmailFlag>> {
  const raw = await ctx.ports.state.getFlagDetails(ctx.user.login, box, uids);
  const out = new Map<number, EmailFlag>();
  for (const [uid, text] of raw) {
    const flag = parseFlagDetails(text);
    if (flag) out.set(uid, flag);
    else ctx.log.warn({ uid }, 'unreadable stored flag details ignored');
  }
  return out;
}

/** Stores (flag) or forgets (null) the details of each UID; call only after IMAP took the change. */
export async function saveFlagDetails(ctx: CommandContext, box: MailboxRef, entries: ReadonlyMap<number, EmailFlag | null>): Promise<void> {
  if (entries.size === 0) return;
  const rows: FlagDetailsEntry[] = [...entries].map(([uid, flag]) => ({ uid, details: flag && hasDetails(flag) ? serializeFlagDetails(flag) : null }));
  await ctx.ports.state.putFlagDetails(ctx.user.login, box, rows);
}

/** Whether there is anything beyond the status that IMAP's \Flagged already says. */
function hasDetails(flag: EmailFlag): boolean {
  return flag.status === 1 || Object.keys(flag).some((k) => k !== 'status' && k !== 'flagType' && flag[k as keyof EmailFlag] !== undefined)
    || (flag.flagType !== undefined && flag.flagType !== 'Flag for follow up');
}

export function serializeFlagDetails(flag: EmailFlag): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flag)) {
    if (v === undefined) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return JSON.stringify(out);
}

export function parseFlagDetails(text: string): EmailFlag | undefined {
  let data: Stored;
  try {
    data = JSON.parse(text) as Stored;
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const flag: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if ((DATE_KEYS as readonly string[]).includes(k)) {
      const d = new Date(String(v));
      if (!Number.isNaN(d.getTime())) flag[k] = d;
    } else if (k === 'status' && (v === 1 || v === 2)) flag[k] = v;
    else if (k === 'reminderSet' && typeof v === 'boolean') flag[k] = v;
    else if ((k === 'subject' || k === 'flagType' || k === 'subOrdinalDate') && typeof v === 'string') flag[k] = v;
  }
  return flag as EmailFlag;
}
