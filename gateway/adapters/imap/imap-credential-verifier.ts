/**
 * Verifies a login by logging in to IMAP and straight out again. A refusal from the
 * server means wrong credentials; anything else (no route, timeout, [UNAVAILABLE]) means
 * the server could not tell us, which must not look like a wrong password to the phone.
 */
import { ImapFlow } from 'imapflow';
import type { Config } from '../../config/schema.js';
import { BackendUnavailableError } from '../../errors.js';
import type { CredentialVerifier, VerifiedIdentity } from '../../ports/credential-verifier.js';

export type ImapEndpoint = Pick<Config['imap'], 'host' | 'port' | 'secure' | 'rejectUnauthorized' | 'connectTimeoutMs'>;

/** Response codes (RFC 5530) that say "try later", not "wrong password". */
const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'SERVERBUG', 'INUSE', 'LIMIT']);

export class ImapCredentialVerifier implements CredentialVerifier {
  constructor(private readonly endpoint: ImapEndpoint) {}

  async verify(login: string, password: string): Promise<VerifiedIdentity | undefined> {
    const { host, port, secure, rejectUnauthorized, connectTimeoutMs } = this.endpoint;
    const client = new ImapFlow({
      host,
      port,
      secure,
      auth: { user: login, pass: password },
      tls: { rejectUnauthorized },
      logger: false,
      connectionTimeout: connectTimeoutMs,
      greetingTimeout: connectTimeoutMs,
      socketTimeout: connectTimeoutMs * 3,
      disableAutoIdle: true,
    });
    // A late socket error must not become an unhandled 'error' event.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; code?: string; message?: string };
      client.close();
      if (e.authenticationFailed && !TEMPORARY_CODES.has(e.serverResponseCode ?? '')) return undefined;
      // Rebuilt from the code and message only: imapflow errors carry the command and
      // server response, which we keep out of logs on principle.
      const why = e.serverResponseCode ?? e.code ?? e.message ?? 'unknown error';
      throw new BackendUnavailableError('imap', `IMAP server ${host}:${port} could not verify credentials: ${why}`);
    }
    try {
      await client.logout();
    } catch {
      client.close();
    }
    return { login, email: login };
  }
}
