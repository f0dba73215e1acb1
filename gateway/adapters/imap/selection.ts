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

/**
 * What one request has already learnt about the selections of the sessions it used. A Sync asks
 * the session that keeps its mailbox selected for that mailbox's state two or three times within
 * milliseconds (the command's MailboxRef, the change feed's cursor, then the reads, each of which
 * used to NOOP first): with a memo, one request NOOPs and STATUSes a selection once, and answers
 * again from that for FRESH_MS. Never across requests (each request makes its own memo), so a
 * change made on the server before a request starts is always seen by it; and only for as long as
 * the session still has that mailbox selected under the same UIDVALIDITY.
 */
export class SelectionMemo {
  /** Longer than a Sync's reads take, shorter than any recheck of a waiting Sync or Ping. */
  static readonly FRESH_MS = 500;
  readonly #seen = new WeakMap<ImapFlow, { path: string; uidValidity: string; at: number; status?: SelectedStatus; withModSeq?: boolean }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  #entry(client: ImapFlow, path: string) {
    const e = this.#seen.get(client);
    if (!e || e.path !== path || !isSelected(client, path, e.uidValidity) || this.now() - e.at > SelectionMemo.FRESH_MS) return undefined;
    return e;
  }

  /** Whether this request verified `client`'s selection of `path` (NOOP without NO, or a fresh SELECT) moments ago. */
  refreshed(client: ImapFlow, path: string): boolean {
    return this.#entry(client, path) !== undefined;
  }

  /** After a NOOP that kept the selection, or a SELECT/EXAMINE: the session's view is current. */
  noteRefreshed(client: ImapFlow): void {
    const m = client.mailbox;
    if (m) this.#seen.set(client, { path: m.path, uidValidity: String(m.uidValidity), at: this.now() });
  }

  /** The selected mailbox's state this request read moments ago (with HIGHESTMODSEQ when asked for). */
  status(client: ImapFlow, path: string, withModSeq: boolean): SelectedStatus | undefined {
    const e = this.#entry(client, path);
    return e?.status && (e.withModSeq || !withModSeq) ? e.status : undefined;
  }

  noteStatus(client: ImapFlow, path: string, status: SelectedStatus, withModSeq: boolean): void {
    const e = this.#entry(client, path);
    if (e && e.uidValidity === status.uidValidity) Object.assign(e, { status, withModSeq });
  }
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
export async function mailboxStatus(client: ImapFlow, path: string, opts: { readonly highestModSeq: boolean }, memo?: SelectionMemo): Promise<SelectedStatus> {
  const known = memo?.status(client, path, opts.highestModSeq);
  if (known) return known;
  if (isSelected(client, path) && !memo?.refreshed(client, path) && (await refreshSelection(client))) memo?.noteRefreshed(client);
  const st = await client.status(path, { uidValidity: true, uidNext: true, ...(opts.highestModSeq ? { highestModseq: true } : {}) });
  if (!st || st.uidValidity === undefined || st.uidNext === undefined) throw Object.assign(new Error(`STATUS of ${path} failed`), { mailboxMissing: true });
  const status = { uidValidity: String(st.uidValidity), highestModSeq: st.highestModseq ? String(st.highestModseq) : null, uidNext: st.uidNext };
  // Only an answer from the session's own, just refreshed view is kept (see SelectionMemo).
  memo?.noteStatus(client, path, status, opts.highestModSeq);
  return status;
}
