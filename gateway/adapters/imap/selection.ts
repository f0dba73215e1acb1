/**
 * Pooled sessions keep a mailbox selected between requests (the pool prefers a session that has
 * the wanted one), so the mail adapters share how they ask what a session has selected and how
 * they let go of it.
 */
import type { ImapFlow } from 'imapflow';
import { rawExec } from './raw-exec.js';

/** imapflow's command runner; not in its typings, used for ENABLE and UNSELECT, which it has no public method for. */
interface ImapRun {
  run(command: 'ENABLE', extensions: string[]): Promise<unknown>;
  run(command: 'CLOSE', options: { unselect: boolean }): Promise<unknown>;
}

/** Whether the session has `path` selected (and, when given, under this UIDVALIDITY). */
export function isSelected(client: ImapFlow, path: string, uidValidity?: string): boolean {
  if (client.mailbox === false || client.mailbox?.path !== path) return false;
  return uidValidity === undefined || String(client.mailbox.uidValidity) === uidValidity;
}

/**
 * UNSELECT (RFC 3691; Dovecot has it). Without it imapflow sends CLOSE, which on a read-write
 * selection also expunges messages marked \Deleted.
 */
export async function unselect(client: ImapFlow): Promise<void> {
  if (client.mailbox) await (client as unknown as ImapRun).run('CLOSE', { unselect: true });
}

/** ENABLE is valid only in the authenticated state (callers unselect first). */
export async function enableQresync(client: ImapFlow): Promise<void> {
  if (client.enabled.has('QRESYNC') || !client.capabilities.has('QRESYNC')) return;
  await (client as unknown as ImapRun).run('ENABLE', ['QRESYNC']);
}

/**
 * NOOP on a kept selection, which brings its view up to date (flags, expunges, deliveries by
 * others) at the cost of the changes. False, with the mailbox unselected, when the server says
 * the selected mailbox is gone: Dovecot 2.3 answers the NOOP of a session whose mailbox was
 * deleted (and maybe recreated under the same name) with an untagged NO and keeps serving the
 * old view, so without this check reads would come from a mailbox that no longer exists.
 * imapflow's own noop() neither reports that NO nor a failed NOOP.
 */
export async function refreshSelection(client: ImapFlow): Promise<boolean> {
  let lost = false;
  const res = await rawExec(client).exec('NOOP', [], {
    untagged: {
      NO: async () => {
        lost = true;
      },
    },
  });
  res.next();
  if (lost) await unselect(client);
  return !lost;
}

export interface SelectedStatus {
  readonly uidValidity: string;
  readonly uidNext: number;
  /** null without CONDSTORE/QRESYNC enabled, or when the mailbox has no mod-sequences. */
  readonly highestModSeq: string | null;
}

/**
 * STATUS (UIDVALIDITY UIDNEXT [HIGHESTMODSEQ]) of `path`, as cheaply as it is correct (asking for
 * HIGHESTMODSEQ also turns mod-sequences on for the mailbox in Dovecot 2.3, so a freshly created
 * folder has one from the first call):
 * - on a session that has it selected, after refreshSelection: Dovecot answers STATUS of the
 *   selected mailbox from the session's view (under a CLIENTBUG hint), which the NOOP has just
 *   brought up to date, in well under a millisecond;
 * - otherwise (or when the selection was lost) as a plain STATUS, which Dovecot 2.3 answers from
 *   its list index until someone changes the mailbox and then by opening it: ~100 ms per STATUS
 *   at 100,000 messages, for as long as the mailbox's index has changes not yet written back.
 * Changes after the NOOP are not in the answer; the view reads that follow on this session agree
 * with it, so a caller sees one consistent state.
 */
export async function mailboxStatus(client: ImapFlow, path: string, opts: { readonly highestModSeq: boolean }): Promise<SelectedStatus> {
  if (isSelected(client, path)) await refreshSelection(client);
  const st = await client.status(path, { uidValidity: true, uidNext: true, ...(opts.highestModSeq ? { highestModseq: true } : {}) });
  if (!st || st.uidValidity === undefined || st.uidNext === undefined) throw Object.assign(new Error(`STATUS of ${path} failed`), { mailboxMissing: true });
  return { uidValidity: String(st.uidValidity), highestModSeq: st.highestModseq ? String(st.highestModseq) : null, uidNext: st.uidNext };
}
