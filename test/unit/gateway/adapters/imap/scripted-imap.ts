/**
 * A scripted IMAP server for the folder listing: a fixed set of mailboxes, and switches for
 * the server differences the adapter must handle (LIST-STATUS or not, X-GUID known or not,
 * OBJECTID, namespaces), which one real Dovecot cannot show at once.
 */
import { startImapLineServer, type ImapLineServer, type ImapReply } from '../../../../support/imap-line-server.js';

export interface ScriptedMailbox {
  /** As on the wire (modified UTF-7). */
  readonly name: string;
  readonly flags?: readonly string[];
  /** X-GUID, or MAILBOXID when the server has OBJECTID. */
  readonly id?: string;
}

export interface ScriptOptions {
  /** Capabilities after login, besides IMAP4rev1. */
  readonly capabilities: readonly string[];
  readonly mailboxes: readonly ScriptedMailbox[];
  /** The NAMESPACE response's arguments. */
  readonly namespace?: string;
  /** Answer BAD to any request for X-GUID (a non-Dovecot server). */
  readonly rejectXGuid?: boolean;
}

/** Every command line received, tag stripped. */
export type ScriptedImap = ImapLineServer;

const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export async function startScriptedImap(opts: ScriptOptions): Promise<ScriptedImap> {
  const objectId = opts.capabilities.includes('OBJECTID');
  const idItem = (m: ScriptedMailbox): string => (objectId ? `MAILBOXID (${m.id})` : `X-GUID ${m.id}`);
  const selectable = (m: ScriptedMailbox): boolean => !(m.flags ?? []).includes('\\Noselect') && m.id !== undefined;
  return startImapLineServer({
    greeting: '* OK scripted ready',
    answer: ({ tag, verb, rest }): ImapReply => {
      const asksId = /X-GUID|MAILBOXID/i.test(rest);
      switch (verb) {
        case 'CAPABILITY':
          return ['* CAPABILITY IMAP4rev1', `${tag} OK done`];
        case 'LOGIN':
          return [`${tag} OK [CAPABILITY IMAP4rev1 ${opts.capabilities.join(' ')}] logged in`];
        case 'NAMESPACE':
          return [`* NAMESPACE ${opts.namespace ?? '(("" "/")) NIL NIL'}`, `${tag} OK done`];
        case 'LIST': {
          if (asksId && opts.rejectXGuid && /X-GUID/i.test(rest)) return [`${tag} BAD unknown status item`];
          const out: string[] = [];
          for (const m of opts.mailboxes) {
            out.push(`* LIST (${(m.flags ?? []).join(' ')}) "/" ${quote(m.name)}`);
            if (asksId && selectable(m)) out.push(`* STATUS ${quote(m.name)} (${idItem(m)})`);
          }
          return [...out, `${tag} OK listed`];
        }
        case 'STATUS': {
          if (opts.rejectXGuid && /X-GUID/i.test(rest)) return [`${tag} BAD unknown status item`];
          const m = opts.mailboxes.find((x) => rest.startsWith(`${quote(x.name)} `) || rest.startsWith(`${x.name} `));
          if (!m || !selectable(m)) return [`${tag} NO [NONEXISTENT] no such mailbox`];
          return [`* STATUS ${quote(m.name)} (${idItem(m)})`, `${tag} OK status`];
        }
        case 'LOGOUT':
          return { end: ['* BYE bye', `${tag} OK logged out`] };
        default:
          return [`${tag} OK ${verb.toLowerCase()} done`];
      }
    },
  });
}
