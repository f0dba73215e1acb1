/**
 * MailMessages.searchMessages over IMAP. On the wire, per mailbox (one borrowed session):
 *
 *   EXAMINE <box>                       (skipped when the session already has it selected)
 *   UID SORT (REVERSE ARRIVAL) UTF-8 <keys>      with SORT (RFC 5256): newest INTERNALDATE first
 *   UID SEARCH [CHARSET UTF-8] <keys>            without SORT: UIDs descending (arrival order)
 *   UID FETCH <first k hits> (UID INTERNALDATE)  only when the caller merges several mailboxes
 *   UID FETCH <hits> (UID INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO REFERENCES)])
 *                                                with threadHeaders (ConversationId searches)
 *
 * Only UIDs travel; the caller fetches views for the page it answers with. Search keys:
 * - text: OR SUBJECT/FROM/TO/CC/BODY per word (a quoted "phrase" stays one word), words ANDed.
 *   Dovecot without an FTS plugin reads bodies to answer BODY: correct, and slower on big folders.
 * - receivedAfter/receivedBefore: YOUNGER/OLDER <seconds> (RFC 5032 WITHIN) where offered, which
 *   is exact to the second; otherwise SINCE/BEFORE, which IMAP defines on whole days (the
 *   message's INTERNALDATE day in the server's zone). That fallback widens to whole days so it
 *   never drops a match: after d -> SINCE day(d), before d -> BEFORE day(d)+1.
 */
import type { ImapFlow } from 'imapflow';
import type { MessageQuery, MessageSearchResult, SearchMessagesOptions, ThreadHeaders } from '../../../ports/mail-messages.js';
import { rawExec, type Untagged } from '../raw-exec.js';
import { messageIds, parseHeaderFields } from './to-view.js';
import { uidSet, uidSets } from './view-fetch.js';

export interface Token {
  readonly type: 'ATOM' | 'STRING' | 'LITERAL';
  readonly value: string | Buffer;
}
export type SearchKey = Token | SearchKey[];


export interface KeyOptions {
  /** The server offers WITHIN (YOUNGER/OLDER). */
  readonly within: boolean;
  /** The instant relative intervals are counted from. */
  readonly now: Date;
}

const atom = (value: string): Token => ({ type: 'ATOM', value });
const NON_ASCII = /[^\x00-\x7f]/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TEXT_FIELDS = ['SUBJECT', 'FROM', 'TO', 'CC', 'BODY'] as const;

/** Words of a FreeText value: whitespace separates, "double quotes" keep a phrase together. */
export function freeTextWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const w = (m[1] ?? m[2] ?? '').replace(/"/g, '').trim();
    if (w) words.push(w);
  }
  return words;
}

/** The IMAP search keys for `query` (a flat list: IMAP ANDs keys side by side). */
export function searchKeys(query: MessageQuery, opts: KeyOptions): SearchKey[] {
  switch (query.kind) {
    case 'all':
      return [atom('ALL')];
    case 'text': {
      const words = freeTextWords(query.text);
      if (words.length === 0) return [atom('ALL')];
      return words.flatMap((w) => orOf(TEXT_FIELDS.map((f) => [atom(f), str(w)])));
    }
    case 'receivedAfter':
      return dateKey('after', query.date, opts);
    case 'receivedBefore':
      return dateKey('before', query.date, opts);
    case 'and': {
      const keys = query.of.flatMap((q) => searchKeys(q, opts));
      return keys.length ? keys : [atom('ALL')];
    }
    case 'or':
      if (query.of.length === 0) return [atom('ALL')];
      return orOf(query.of.map((q) => searchKeys(q, opts)));
  }
}

/** OR takes two keys: a list of n alternatives becomes OR a (OR b (OR c d)); each alternative in parentheses. */
function orOf(alternatives: SearchKey[][]): SearchKey[] {
  const groups = alternatives.map((keys): SearchKey => (keys.length === 1 ? keys[0]! : keys));
  if (groups.length === 1) return Array.isArray(groups[0]) ? (groups[0] as SearchKey[]) : [groups[0]!];
  let tail: SearchKey = groups[groups.length - 1]!;
  for (let i = groups.length - 2; i >= 0; i--) tail = [atom('OR'), groups[i]!, tail];
  return tail as SearchKey[];
}

function dateKey(side: 'after' | 'before', date: Date, opts: KeyOptions): SearchKey[] {
  const seconds = Math.floor((opts.now.getTime() - date.getTime()) / 1000);
  if (opts.within && seconds >= 1) return [atom(side === 'after' ? 'YOUNGER' : 'OLDER'), atom(String(seconds))];
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + (side === 'before' ? 1 : 0)));
  return [atom(side === 'after' ? 'SINCE' : 'BEFORE'), atom(imapDate(day))];
}

export function imapDate(d: Date): string {
  return `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}

/** A search word: quoted when ASCII, a literal otherwise (RFC 3501 quoted strings are 7-bit). */
function str(value: string): Token {
  return NON_ASCII.test(value) ? { type: 'LITERAL', value: Buffer.from(value, 'utf8') } : { type: 'STRING', value };
}

export function needsUtf8(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => (Array.isArray(k) ? needsUtf8(k) : k.type === 'LITERAL'));
}

/** Runs the search in `path` on `client` (see the file comment for the commands). */
export async function searchMailbox(client: ImapFlow, path: string, query: MessageQuery, opts: SearchMessagesOptions): Promise<MessageSearchResult> {
  opts.signal?.throwIfAborted();
  // Closing is the only way to stop a SEARCH in flight; the pool drops the closed session.
  const abort = (): void => client.close();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await run(client, path, query, opts);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}

async function run(client: ImapFlow, path: string, query: MessageQuery, opts: SearchMessagesOptions): Promise<MessageSearchResult> {
  const current = client.mailbox;
  const mailbox = current && current.path === path ? current : await client.mailboxOpen(path, { readOnly: true });
  const uidValidity = Number(mailbox.uidValidity);
  const box = { path, uidValidity };
  const exists = typeof mailbox.exists === 'number' ? mailbox.exists : undefined;
  if (exists === 0) return { box, uids: [], dates: new Map() };
  const keys = searchKeys(query, { within: client.capabilities.has('WITHIN'), now: new Date() });
  const raw = rawExec(client);
  const uids: number[] = [];
  const collect = async (u: Untagged): Promise<void> => {
    if (u.numbers) for (const n of u.numbers) uids.push(n);
    for (const a of u.attributes ?? []) {
      const v = a && !Array.isArray(a) ? Number((a as { value?: unknown }).value) : NaN;
      if (Number.isInteger(v) && v > 0) uids.push(v);
    }
  };
  if (client.capabilities.has('SORT')) {
    const res = await raw.exec('UID SORT', [[atom('REVERSE'), atom('ARRIVAL')], atom('UTF-8'), ...keys], { untagged: { SORT: collect } });
    res.next();
  } else {
    const charset = needsUtf8(keys) ? [atom('CHARSET'), atom('UTF-8')] : [];
    const res = await raw.exec('UID SEARCH', [...charset, ...keys], { untagged: { SEARCH: collect } });
    res.next();
    uids.sort((a, b) => b - a);
  }
  const dates = new Map<number, Date>();
  if (opts.threadHeaders) return { box, uids, dates, threads: await threadHeaders(client, uids, dates) };
  const head = uids.slice(0, Math.max(0, opts.datesOfFirst ?? 0));
  if (head.length > 0) {
    for (const msg of await client.fetchAll(uidSet(head), { uid: true, internalDate: true }, { uid: true })) {
      if (msg.internalDate) dates.set(msg.uid, new Date(msg.internalDate));
    }
  }
  return { box, uids, dates };
}

const THREAD_FIELDS = ['message-id', 'in-reply-to', 'references'];

/** Threading headers (and INTERNALDATE into `dates`) of every UID, a few hundred bytes each. */
async function threadHeaders(client: ImapFlow, uids: readonly number[], dates: Map<number, Date>): Promise<Map<number, ThreadHeaders>> {
  const out = new Map<number, ThreadHeaders>();
  for (const set of uids.length ? uidSets(uids) : []) {
    for (const msg of await client.fetchAll(set, { uid: true, internalDate: true, headers: THREAD_FIELDS }, { uid: true })) {
      if (msg.internalDate) dates.set(msg.uid, new Date(msg.internalDate));
      const h = msg.headers ? parseHeaderFields(msg.headers) : {};
      const refs = h.references?.join(' ');
      out.set(msg.uid, {
        ...(h['message-id']?.[0] ? { messageId: h['message-id'][0] } : {}),
        ...(h['in-reply-to']?.[0] ? { inReplyTo: h['in-reply-to'][0] } : {}),
        ...(refs ? { references: messageIds(refs) } : {}),
      });
    }
  }
  return out;
}
