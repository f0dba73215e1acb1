/**
 * A scripted IMAP server on loopback, for the cases a real Dovecot will not produce on
 * demand: a temporary [UNAVAILABLE] refusal, a wrong greeting, a server that never speaks.
 */
import { startImapLineServer, type ImapLineServer, type ImapReply } from './imap-line-server.js';

export type LoginReply = 'ok' | 'authenticationfailed' | 'unavailable';

/** Commands received, tag stripped and passwords masked ("LOGIN alice ***"). */
export type FakeImapServer = ImapLineServer;

export async function startFakeImap(opts: { greeting?: string | null; login?: LoginReply } = {}): Promise<FakeImapServer> {
  return startImapLineServer({
    greeting: opts.greeting === undefined ? '* OK [CAPABILITY IMAP4rev1] fake ready' : opts.greeting,
    encoding: 'latin1',
    answer: ({ tag, verb }): ImapReply => {
      if (verb === 'CAPABILITY') return ['* CAPABILITY IMAP4rev1', `${tag} OK done`];
      if (verb === 'LOGOUT') return { end: ['* BYE bye', `${tag} OK logged out`] };
      if (verb !== 'LOGIN') return [`${tag} OK ${verb.toLowerCase()} done`];
      const reply = opts.login ?? 'ok';
      if (reply === 'ok') return [`${tag} OK [CAPABILITY IMAP4rev1] logged in`];
      if (reply === 'unavailable') return [`${tag} NO [UNAVAILABLE] try again later`];
      return [`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.`];
    },
  });
}
