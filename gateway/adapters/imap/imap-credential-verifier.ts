/**
 * Verifies a login by logging in to IMAP and straight out again. A refusal from the
 * server means wrong credentials; anything else (no route, timeout, [UNAVAILABLE]) means
 * the server could not tell us, which must not look like a wrong password to the phone.
 */
import type { CredentialVerifier, VerifiedIdentity } from '../../ports/credential-verifier.js';
import { connectImap, type ImapEndpoint } from './connect.js';

export type { ImapEndpoint } from './connect.js';

export class ImapCredentialVerifier implements CredentialVerifier {
  constructor(private readonly endpoint: ImapEndpoint) {}

  async verify(login: string, password: string): Promise<VerifiedIdentity | undefined> {
    const client = await connectImap(this.endpoint, login, password, 'could not verify credentials');
    if (!client) return undefined;
    try {
      await client.logout();
    } catch {
      client.close();
    }
    return { login, email: login };
  }
}
