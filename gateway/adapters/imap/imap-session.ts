/**
 * One logged-in IMAP connection of one user, as the pool lends it out. The facts learnt
 * about the server on this connection (which mailbox id it offers) live here, not in
 * module state, and die with the connection.
 */
import type { ImapFlow } from 'imapflow';
import { AuthenticationError } from '../../errors.js';
import type { BackendCredentials } from '../../ports/credentials.js';
import { connectImap, type ImapEndpoint } from './connect.js';
import type { PoolableSession } from './session-pool.js';

export type { ImapEndpoint } from './connect.js';

/** The STATUS item that names a mailbox for good, once known: RFC 8474, Dovecot's, or none. */
export type MailboxIdItem = 'MAILBOXID' | 'X-GUID' | null;

export class ImapSession implements PoolableSession {
  /** undefined until the first listing found out. */
  idItem: MailboxIdItem | undefined;

  constructor(readonly client: ImapFlow) {
    if (client.capabilities.has('OBJECTID')) this.idItem = 'MAILBOXID';
  }

  /** False once the socket closed or the server said BYE: such a session is dropped, not reused. */
  get usable(): boolean {
    return this.client.usable;
  }

  async logout(): Promise<void> {
    try {
      if (this.client.usable) await this.client.logout();
      else this.client.close();
    } catch {
      this.client.close();
    }
  }

  onClose(listener: () => void): void {
    this.client.once('close', listener);
  }
}

/** Connects and logs in (see connect.ts for how the server's answer is read). */
export async function openImapSession(endpoint: ImapEndpoint, credentials: BackendCredentials): Promise<ImapSession> {
  const client = await credentials.withSecret((user, pass) => connectImap(endpoint, user, pass, 'unavailable'));
  if (!client) {
    // The edge verified this password moments (or a cache TTL) ago: it changed since.
    throw new AuthenticationError('wrong-credentials', `IMAP refused the login of ${credentials.login}`, credentials.login);
  }
  return new ImapSession(client);
}
