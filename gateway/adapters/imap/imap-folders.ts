/**
 * Folder listing over IMAP: imapflow's LIST (names decoded from modified UTF-7, SPECIAL-USE
 * attributes, INBOX) plus one more LIST that asks every mailbox for its stable id through
 * LIST-STATUS (RFC 5819): RFC 8474 MAILBOXID where the server has OBJECTID, else Dovecot's
 * X-GUID. Measured against Dovecot 2.3 with 107 folders: one LIST-STATUS round trip ~13 ms,
 * one STATUS per folder ~60 ms (the fallback for servers without LIST-STATUS).
 */
import type { ImapFlow, ListResponse } from 'imapflow';
import type { FolderNamespace, MailFolder, SpecialUse } from '../../ports/mail-store.js';
import { SPECIAL_USES } from '../../ports/mail-store.js';
import { isCommandFailure } from './imap-errors.js';
import type { ImapSession } from './imap-session.js';
import { rawExec, type ImapAttribute, type ImapToken } from './raw-exec.js';

export interface ListOptions {
  /** List other users' and shared namespaces too (imap.sharedNamespaces). */
  readonly sharedNamespaces: boolean;
}

type Token = ImapToken;
type Attribute = ImapAttribute;

const atom = (value: string): Token => ({ type: 'ATOM', value });
const text = (t: Attribute | undefined): string | undefined => {
  const v = (t as Token | undefined)?.value;
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString() : undefined;
};

export async function listMailFolders(session: ImapSession, opts: ListOptions): Promise<MailFolder[]> {
  const client = session.client;
  const listed = (await client.list()).filter((e) => !e.flags.has('\\NonExistent'));
  const ns = namespaceOf(client);
  const wanted = listed.filter((e) => opts.sharedNamespaces || ns(e) === 'personal');
  const ids = await mailboxIds(session, wanted);
  // With SPECIAL-USE on the server its attributes are the truth; imapflow's guesses from
  // names ("Archive", "Spam") would otherwise lock a user's own folder against deletion.
  const trustNames = !client.capabilities.has('SPECIAL-USE') && !client.capabilities.has('XLIST');
  return wanted.map((e) => toMailFolder(e, ids.get(e.pathAsListed), ns(e), trustNames));
}

function toMailFolder(e: ListResponse, id: string | undefined, namespace: FolderNamespace, trustNames: boolean): MailFolder {
  const isInbox = e.path.toUpperCase() === 'INBOX';
  const use = SPECIAL_USES.find((u) => u === e.specialUse);
  const trusted = use !== undefined && (use === '\\Inbox' || e.specialUseSource !== 'name' || trustNames);
  // Another user's \Sent is not our Sent.
  const specialUse: SpecialUse | null = namespace === 'personal' && trusted ? use : null;
  return {
    backendId: id ?? `imap:path:${e.path}`,
    path: e.path,
    displayName: isInbox ? 'Inbox' : e.name,
    parentPath: e.parentPath ? e.parentPath : null,
    delimiter: e.delimiter || null,
    specialUse,
    selectable: !e.flags.has('\\Noselect'),
    namespace,
  };
}

/** Which RFC 2342 namespace a mailbox belongs to: the longest matching other/shared prefix wins. */
function namespaceOf(client: ImapFlow): (e: ListResponse) => FolderNamespace {
  const prefixes: { prefix: string; kind: FolderNamespace }[] = [];
  const spaces = client.namespaces as unknown as Record<'other' | 'shared', { prefix?: string }[] | false> | undefined;
  for (const kind of ['other', 'shared'] as const) {
    for (const n of spaces?.[kind] || []) if (n.prefix) prefixes.push({ prefix: n.prefix, kind });
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return (e) => {
    const full = e.delimiter ? `${e.path}${e.delimiter}` : e.path;
    return prefixes.find((p) => full.startsWith(p.prefix))?.kind ?? 'personal';
  };
}

/** pathAsListed -> backendId, for every selectable mailbox the server would name. */
async function mailboxIds(session: ImapSession, entries: ListResponse[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const selectable = entries.filter((e) => !e.flags.has('\\Noselect'));
  if (selectable.length === 0 || session.idItem === null) return ids;
  const item = session.idItem ?? 'X-GUID';
  try {
    if (session.client.capabilities.has('LIST-STATUS')) {
      await listStatus(session.client, item, ids);
    } else {
      for (const e of selectable) {
        try {
          await status(session.client, e.pathAsListed, item, ids);
        } catch (err) {
          // NO: this mailbox went away or is not ours to ask; the others still count.
          if (isRejected(err)) throw err;
          if (!isCommandFailure(err)) throw err;
        }
      }
    }
    session.idItem = item;
  } catch (err) {
    if (!isRejected(err)) throw err;
    // BAD: the server does not know the item; learnt once per connection.
    session.idItem = null;
    ids.clear();
  }
  return ids;
}

const isRejected = (err: unknown): boolean => (err as { responseStatus?: string } | null)?.responseStatus === 'BAD';

async function listStatus(client: ImapFlow, item: 'MAILBOXID' | 'X-GUID', ids: Map<string, string>): Promise<void> {
  const raw = rawExec(client);
  const res = await raw.exec('LIST', [{ type: 'STRING', value: '' }, { type: 'STRING', value: '*' }, atom('RETURN'), [atom('STATUS'), [atom(item)]]], {
    untagged: { STATUS: async (u) => collect(u.attributes, item, ids), LIST: async () => undefined },
  });
  res.next();
}

async function status(client: ImapFlow, pathAsListed: string, item: 'MAILBOXID' | 'X-GUID', ids: Map<string, string>): Promise<void> {
  const raw = rawExec(client);
  const res = await raw.exec('STATUS', [{ type: 'STRING', value: pathAsListed }, [atom(item)]], {
    untagged: { STATUS: async (u) => collect(u.attributes, item, ids) },
  });
  res.next();
}

/** `* STATUS <mailbox> (X-GUID <guid>)` or `(MAILBOXID (<id>))`. */
function collect(attributes: Attribute[] | undefined, item: string, ids: Map<string, string>): void {
  const mailbox = text(attributes?.[0]);
  const list = attributes?.[1];
  if (mailbox === undefined || !Array.isArray(list)) return;
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (text(list[i])?.toUpperCase() !== item) continue;
    const v = list[i + 1];
    const id = Array.isArray(v) ? text(v[0]) : text(v);
    if (id) ids.set(mailbox, item === 'MAILBOXID' ? `imap:mailboxid:${id}` : `imap:guid:${id}`);
  }
}
