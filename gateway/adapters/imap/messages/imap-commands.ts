/**
 * The IMAP steps ImapMailMessages builds its operations from: selecting a box for a read or a
 * write, APPEND with APPENDUID, exact expunges, failure reporting, and the checks that keep
 * UIDs, sections and flags the server would misread from ever reaching the wire.
 */
import type { ImapFlow } from 'imapflow';
import type { FetchRequest } from '../../../convert/email/body-plan.js';
import { BackendUnavailableError } from '../../../errors.js';
import {
  FolderNotFoundError,
  InvalidFlagError,
  MailBackendError,
  MessageNotFoundError,
  UidPlusRequiredError,
  UidValidityChangedError,
  type AppendedMessage,
  type AppendOptions,
  type MailboxRef,
} from '../../../ports/mail-messages.js';
import { isCommandFailure } from '../imap-errors.js';
import { refreshSelection, type SelectionMemo } from '../selection.js';

const SYSTEM_FLAGS = new Set(['\\SEEN', '\\ANSWERED', '\\FLAGGED', '\\DELETED', '\\DRAFT']);
/** RFC 3501 atom: no ( ) { SP CTL % * " \ ] and nothing beyond ASCII. */
const KEYWORD = /^[\x21\x23-\x24\x26-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/;
export const SECTION = /^(\d+(\.\d+)*)?$/;

export async function select(client: ImapFlow, box: MailboxRef, write: boolean, memo?: SelectionMemo): Promise<void> {
  const current = client.mailbox;
  const reuse = current && current.path === box.path && (!write || !current.readOnly);
  // A session keeps its mailbox selected between requests (the pool prefers such a session):
  // NOOP brings its view up to date (flags, expunges and deliveries by others: Dovecot answers a
  // UID FETCH or STORE of a message delivered since with nothing until then), at a cost of the
  // changes only.
  // A view under another UIDVALIDITY may be of a deleted namesake: select again to be sure; a
  // view the server reports lost (refreshSelection) is selected again too.
  // Within one request, a selection this request refreshed moments ago is not asked again (SelectionMemo).
  const known = reuse && memo?.refreshed(client, box.path) === true;
  const fresh = reuse && (known || (await refreshSelection(client))) && Number(current.uidValidity) === box.uidValidity;
  const mailbox = fresh ? current : await client.mailboxOpen(box.path, { readOnly: !write });
  if (!known || !fresh) memo?.noteRefreshed(client);
  const actual = mailbox.uidValidity !== undefined ? Number(mailbox.uidValidity) : undefined;
  if (actual !== box.uidValidity) throw new UidValidityChangedError(box.path, box.uidValidity, actual);
}

export async function append(client: ImapFlow, path: string, mime: Uint8Array, opts: AppendOptions): Promise<AppendedMessage> {
  const flags = checkFlags(opts.flags ?? []);
  const res = await client.append(path, Buffer.from(mime.buffer, mime.byteOffset, mime.byteLength), flags, opts.internalDate);
  if (!res) return failure(client, 'APPEND', path);
  if (res.uid === undefined) throw new UidPlusRequiredError('the server did not report the new UID (no APPENDUID)');
  let uidValidity = res.uidValidity !== undefined ? Number(res.uidValidity) : undefined;
  if (uidValidity === undefined) {
    const status = await client.status(path, { uidValidity: true });
    uidValidity = status && status.uidValidity !== undefined ? Number(status.uidValidity) : undefined;
  }
  if (uidValidity === undefined) throw new UidPlusRequiredError('the server did not report the UIDVALIDITY of the new message');
  return { uid: res.uid, uidValidity };
}

/** \Deleted and UID EXPUNGE of exactly `set`; never a plain EXPUNGE, which takes everyone's \Deleted. */
export async function expungeOnly(client: ImapFlow, set: string): Promise<void> {
  if (!client.capabilities.has('UIDPLUS')) throw new UidPlusRequiredError('the server has no UID EXPUNGE (UIDPLUS): deleting would expunge other messages');
  const ok = await client.messageDelete(set, { uid: true });
  if (!ok) await failure(client, 'EXPUNGE');
}

/** imapflow's STORE, MOVE and EXPUNGE report failures as `false`: say why as well as we can. */
export async function failure(client: ImapFlow, what: string, destPath?: string): Promise<never> {
  if (!client.usable) throw new BackendUnavailableError('imap', `IMAP connection lost during ${what}`);
  if (destPath !== undefined) {
    try {
      await client.status(destPath, { messages: true });
    } catch (err) {
      if (isCommandFailure(err) || isNotFound(err)) throw new FolderNotFoundError(`${what}: no such destination folder`, { cause: err });
      throw err;
    }
  }
  throw new MailBackendError(`${what} failed`);
}

/** imapflow's own "no such mailbox" (STATUS, after a LIST found nothing). */
export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'NotFound';
}

export async function store(client: ImapFlow, run: () => Promise<boolean>): Promise<void> {
  if (!(await run()) && !client.usable) throw new BackendUnavailableError('imap', 'IMAP connection lost during STORE');
}

/** Whether the selected mailbox keeps mod-sequences (CONDSTORE, which imapflow enables at login, and no NOMODSEQ). */
export function hasModSeqs(client: ImapFlow): boolean {
  const box = client.mailbox;
  return Boolean(box && box.highestModseq !== undefined && !box.noModseq);
}

/** \Recent says "new to this session", nothing about the message: never reported. */
export function withoutRecent(flags: Iterable<string>): string[] {
  return [...flags].filter((f) => f.toLowerCase() !== '\\recent');
}

export function checkSection(part: string, allowWhole: boolean): void {
  if (!SECTION.test(part) || (!allowWhole && part === '')) throw new MailBackendError(`not a body section: ${JSON.stringify(part)}`);
}

export function checkUids(uids: readonly number[]): void {
  for (const u of uids) if (!Number.isInteger(u) || u < 1 || u > 0xffffffff) throw new MessageNotFoundError(u, `not a UID: ${u}`);
}

export function checkSections(requests: readonly FetchRequest[]): void {
  for (const r of requests) if (!SECTION.test(r.part)) throw new MailBackendError(`not a body section: ${JSON.stringify(r.part)}`);
}

export function checkFlags(flags: readonly string[]): string[] {
  for (const f of flags) {
    const ok = f.startsWith('\\') ? SYSTEM_FLAGS.has(f.toUpperCase()) : KEYWORD.test(f);
    if (!ok) throw new InvalidFlagError(`IMAP cannot carry the flag ${JSON.stringify(f)}`);
  }
  return [...flags];
}
