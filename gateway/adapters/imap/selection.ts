/**
 * Pooled sessions keep a mailbox selected between requests (the pool prefers a session that has
 * the wanted one), so the mail adapters share how they ask what a session has selected and how
 * they let go of it.
 */
import type { ImapFlow } from 'imapflow';

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
