/** In-memory stand-ins for the ports and the codec, for unit tests of the edge. */
import type { WbxmlElement } from '../../codec/tree.js';
import { BackendUnavailableError } from '../../gateway/errors.js';
import type { WbxmlCodec } from '../../gateway/http/dispatch.js';
import { systemClock } from '../../gateway/ports/clock.js';
import type { CredentialVerifier, VerifiedIdentity } from '../../gateway/ports/credential-verifier.js';
import type { HealthCheck, HealthStatus } from '../../gateway/ports/health-check.js';
import type { CommandPorts, PortsFactory } from '../../gateway/ports/index.js';
import type { ChangeFeed } from '../../gateway/ports/change-feed.js';
import type { MailMessages } from '../../gateway/ports/mail-messages.js';
import type { MailStore } from '../../gateway/ports/mail-store.js';
import type { MailSubmit } from '../../gateway/ports/mail-submit.js';
import type { StateStore } from '../../gateway/ports/state-store.js';

/** Accepts the users it is given; counts calls; can be switched to "backend down". */
export class FakeVerifier implements CredentialVerifier {
  calls = 0;
  down = false;
  delayMs = 0;
  constructor(private readonly users: Record<string, string> = { 'alice@example.com': 'alice-secret', 'bob@example.com': 'bob-secret' }) {}

  async verify(login: string, password: string): Promise<VerifiedIdentity | undefined> {
    this.calls += 1;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) throw new BackendUnavailableError('imap', 'fake IMAP is down');
    return this.users[login] === password ? { login, email: login } : undefined;
  }
}

export class FakeHealth implements HealthCheck {
  readonly name = 'imap';
  status: HealthStatus = { ok: true };
  async check(): Promise<HealthStatus> {
    return this.status;
  }
}

/**
 * A stand-in codec: a "document" is 03 01 6a 00 followed by UTF-8 JSON of a tree.
 * Anything else throws like the real decoder (offset + reason).
 */
export const fakeCodec: WbxmlCodec = {
  decode(bytes: Uint8Array): WbxmlElement {
    const header = [0x03, 0x01, 0x6a, 0x00];
    if (bytes.length < 4 || header.some((b, i) => bytes[i] !== b)) throw Object.assign(new Error('not WBXML'), { offset: 0, reason: 'version' });
    try {
      return JSON.parse(Buffer.from(bytes.subarray(4)).toString('utf8')) as WbxmlElement;
    } catch {
      throw Object.assign(new Error('bad body'), { offset: 4, reason: 'truncated' });
    }
  },
  encode(root: WbxmlElement): Uint8Array {
    return Buffer.concat([Buffer.of(0x03, 0x01, 0x6a, 0x00), Buffer.from(JSON.stringify(root))]);
  },
};

export function fakeDocument(root: WbxmlElement): Buffer {
  return Buffer.from(fakeCodec.encode(root));
}

/** The edge does not touch the state store or the mailbox; handlers under test here do not either. */
export const fakePorts: PortsFactory = {
  forRequest: (): CommandPorts => ({ state: {} as StateStore, clock: systemClock, mail: {} as MailStore, messages: {} as MailMessages, mailFeed: {} as ChangeFeed, submit: {} as MailSubmit }),
};
