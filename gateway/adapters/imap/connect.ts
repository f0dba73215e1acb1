/**
 * One way to open an IMAP connection and log in, shared by the login check at the edge
 * and the pooled sessions, so both read the server's answer the same way: a refusal means
 * wrong credentials; anything else (no route, timeout, [UNAVAILABLE]) means the server
 * could not tell us, which must never look like a wrong password to the phone.
 */
import { ImapFlow } from 'imapflow';
import type { Config } from '../../config/schema.js';
import { BackendUnavailableError } from '../../errors.js';

export type ImapEndpoint = Pick<Config['imap'], 'host' | 'port' | 'secure' | 'rejectUnauthorized' | 'connectTimeoutMs'>;

/** Response codes (RFC 5530) that say "try later", not "wrong password". */
const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'SERVERBUG', 'INUSE', 'LIMIT']);

/**
 * Connects and logs in. Resolves to the logged-in client, or to undefined when the server
 * refused the credentials; throws BackendUnavailableError when it could not answer.
 * The password stays inside imapflow's options for the life of the connection.
 */
export async function connectImap(endpoint: ImapEndpoint, user: string, pass: string, purpose: string): Promise<ImapFlow | undefined> {
  const { host, port, secure, rejectUnauthorized, connectTimeoutMs } = endpoint;
  const client = new ImapFlow({
    host,
    port,
    secure,
    auth: { user, pass },
    tls: { rejectUnauthorized },
    logger: false,
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: connectTimeoutMs * 3,
    // Sessions sit idle between requests with no mailbox selected; IDLE is for Ping.
    disableAutoIdle: true,
  });
  // A late socket error must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.close();
    const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; code?: string; message?: string };
    if (e.authenticationFailed && !TEMPORARY_CODES.has(e.serverResponseCode ?? '')) return undefined;
    // Rebuilt from the code and message only: imapflow errors carry the command and the
    // server response, which we keep out of logs on principle.
    const why = e.serverResponseCode ?? e.code ?? e.message ?? 'unknown error';
    throw new BackendUnavailableError('imap', `IMAP server ${host}:${port} ${purpose}: ${why}`);
  }
}
