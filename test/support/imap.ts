/**
 * A direct IMAP client for tests: another mail program changing a user's mailbox behind the
 * gateway's back, and the clean-up of the folders a test run made (their names carry the run's
 * unique token, since the users' mailboxes are shared by every suite).
 */
import { after, before } from 'node:test';
import { ImapFlow } from 'imapflow';
import { IMAP_HOST, IMAP_PORT, USERS } from './backing.js';

export interface ImapUser {
  readonly user: string;
  readonly password: string;
}

export async function imapAs(who: ImapUser = USERS.alice): Promise<ImapFlow> {
  const client = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: who.user, pass: who.password }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Deletes every folder of `who` whose path contains `token`, deepest first; returns their paths. */
export async function deleteFoldersWith(token: string, who: ImapUser = USERS.alice): Promise<string[]> {
  const client = await imapAs(who);
  try {
    const ours = (await client.list()).map((m) => m.path).filter((p) => p.includes(token)).sort((a, b) => b.length - a.length);
    for (const path of ours) await client.mailboxDelete(path).catch(() => undefined);
    return ours;
  } finally {
    await client.logout();
  }
}

/**
 * A direct IMAP client for a whole suite (another mail program), logged out after it, when the
 * folders of this run (`token`) are deleted too. Call at describe level.
 */
export function imapSuite(token: string, who: ImapUser = USERS.alice): { readonly imap: ImapFlow } {
  let client: ImapFlow | undefined;
  before(async () => {
    client = await imapAs(who);
  });
  after(async () => {
    await client?.logout();
    await deleteFoldersWith(token, who);
  });
  return {
    get imap(): ImapFlow {
      if (!client) throw new Error('the suite IMAP client is not connected (used outside a test?)');
      return client;
    },
  };
}

/**
 * Makes a pooled session's client push the name of every command it sends onto `sent`, so a
 * test can count the adapter's round trips. Returns the session.
 */
export function recordCommands<S extends { readonly client: ImapFlow }>(session: S, sent: string[]): S {
  const raw = session.client as unknown as { exec: (command: string, ...rest: unknown[]) => Promise<unknown> };
  const exec = raw.exec.bind(raw);
  raw.exec = (command, ...rest) => {
    sent.push(command);
    return exec(command, ...rest);
  };
  return session;
}
