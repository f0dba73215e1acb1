/**
 * One logged-in IMAP connection of one user, as the pool lends it out. The facts learnt
 * about the server on this connection (which mailbox id it offers) live here, not in
 * module state, and die with the connection.
 */
import { ImapFlow } from 'imapflow';
import type { Config } from '../../config/schema.js';
import { AuthenticationError, BackendUnavailableError } from '../../errors.js';
import type { BackendCredentials } from '../../ports/credentials.js';
import type { PoolableSession } from './session-pool.js';

export type ImapEndpoint = Pick<Config['imap'], 'host' | 'port' | 'secure' | 'rejectUnauthorized' | 'connectTimeoutMs'>;

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

/** Response codes (RFC 5530) that say "try later", not "wrong password". */
const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'SERVERBUG', 'INUSE', 'LIMIT']);

/**
 * Connects and logs in. The password stays inside imapflow's options for the life of the
 * connection (it needs it to log in; nothing else reads it there).
 */
export async function openImapSession(endpoint: ImapEndpoint, credentials: BackendCredentials): Promise<ImapSession> {
  const { host, port, secure, rejectUnauthorized, connectTimeoutMs } = endpoint;
  const client = credentials.withSecret((user, pass) => new ImapFlow({
    host,
    port,
    secure,
    auth: { user, pass },
    tls: { rejectUnauthorized },
    logger: false,
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: connectTimeoutMs * 3,
    // A pooled session sits idle between requests with no mailbox selected; IDLE is for Ping.
    disableAutoIdle: true,
  }));
  // A late socket error must not become an unhandled 'error' event; the pool sees `usable`.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; code?: string; message?: string };
    if (e.authenticationFailed && !TEMPORARY_CODES.has(e.serverResponseCode ?? '')) {
      // The edge verified this password moments (or a cache TTL) ago: it changed since.
      throw new AuthenticationError('wrong-credentials', `IMAP refused the login of ${credentials.login}`, credentials.login);
    }
    throw new BackendUnavailableError('imap', `IMAP server ${host}:${port} unavailable: ${e.serverResponseCode ?? e.code ?? e.message ?? 'unknown error'}`);
  }
  return new ImapSession(client);
}
