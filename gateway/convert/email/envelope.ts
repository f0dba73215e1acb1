/**
 * The email properties that come from the envelope, header fields and flags: address lists as
 * EAS writes them, DisplayTo, ThreadTopic, Importance, Categories, LastVerbExecuted, and the
 * conversation identifiers.
 */
import { createHash, hash } from 'node:crypto';
import { keywordToCategory } from './category-keywords.js';
import { decodeHeaderWords } from './decode.js';
import type { MailAddress, MessageView } from './message-view.js';

/**
 * MS-ASDTYPE 2.7.3: RFC 5322 mailboxes separated by ", ": `"Name" <addr>`, or the bare address
 * when there is no name. Entries without an address (a group's name) are left out.
 */
export function formatAddressList(list: readonly MailAddress[] | undefined): string | undefined {
  const out: string[] = [];
  for (const a of list ?? []) {
    const address = a.address?.trim();
    if (!address) continue;
    const name = a.name ? decodeHeaderWords(a.name).trim() : '';
    out.push(name && name !== address ? `"${quotable(name)}" <${address}>` : address);
  }
  return out.length > 0 ? out.join(', ') : undefined;
}

const QUOTED_SPECIALS = /["\\]/;

function quotable(name: string): string {
  return QUOTED_SPECIALS.test(name) ? name.replace(/(["\\])/g, '\\$1') : name;
}

/** DisplayTo: the display names of the To recipients (the address when there is none), separated by "; ". */
export function displayNames(list: readonly MailAddress[] | undefined): string | undefined {
  const names = (list ?? []).filter((a) => a.address || a.name).map((a) => (a.name ? decodeHeaderWords(a.name).trim() : '') || a.address!.trim());
  return names.length > 0 ? names.join('; ') : undefined;
}

/** The first value of a fetched header field, unfolded and trimmed. */
export function header(view: MessageView, name: string): string | undefined {
  const v = view.headers?.[name.toLowerCase()]?.[0];
  return v === undefined ? undefined : v.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Reply and forward prefixes in the languages mail clients commonly write, with "[2]" counters. */
const SUBJECT_PREFIX = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|vb|rv|tr|odp|ynt|antw|doorst|r|enc|res)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*/i;

/** ThreadTopic: the Thread-Topic header (Outlook's), else the subject without Re:/Fwd:-style prefixes. */
export function threadTopic(view: MessageView): string | undefined {
  const explicit = header(view, 'thread-topic');
  if (explicit) return decodeHeaderWords(explicit);
  if (view.subject === undefined) return undefined;
  let s = decodeHeaderWords(view.subject);
  for (let i = 0; i < 10 && SUBJECT_PREFIX.test(s); i++) s = s.replace(SUBJECT_PREFIX, '');
  return s.trim();
}

/**
 * 0 low, 1 normal, 2 high, from Importance (RFC 2156), X-Priority (1-2 high, 4-5 low),
 * X-MSMail-Priority or Priority (RFC 2156: urgent / non-urgent), in that order.
 */
export function importance(view: MessageView): 0 | 1 | 2 {
  const imp = header(view, 'importance')?.toLowerCase();
  if (imp === 'high') return 2;
  if (imp === 'low') return 0;
  if (imp === 'normal') return 1;
  const xp = /^\s*(\d)/.exec(header(view, 'x-priority') ?? '')?.[1];
  if (xp === '1' || xp === '2') return 2;
  if (xp === '4' || xp === '5') return 0;
  if (xp === '3') return 1;
  const ms = header(view, 'x-msmail-priority')?.toLowerCase();
  if (ms === 'high') return 2;
  if (ms === 'low') return 0;
  const prio = header(view, 'priority')?.toLowerCase();
  if (prio === 'urgent') return 2;
  if (prio === 'non-urgent') return 0;
  return 1;
}

/**
 * Categories are the IMAP keywords a user set: system flags (\Seen) and the "$" keywords
 * clients and servers use for state ($Forwarded, $Junk, $MDNSent, $label1) are not categories.
 * Keywords the gateway wrote for categories that are not atoms are decoded (category-keywords.ts).
 */
export function categoriesOf(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const f of flags) {
    const c = keywordToCategory(f);
    if (c !== undefined) seen.add(c);
  }
  return [...seen];
}

/**
 * MS-ASEMAIL 2.2.2.44: 1 REPLYTOSENDER, 2 REPLYTOALL, 3 FORWARD. IMAP knows \Answered (which
 * cannot tell reply from reply-all, so 1) and $Forwarded; when both are set the order is unknown
 * and the reply wins, as it is what Outlook shows first.
 */
export function lastVerb(flags: readonly string[]): 1 | 3 | undefined {
  const has = (f: string): boolean => flags.some((x) => x.toLowerCase() === f.toLowerCase());
  if (has('\\Answered')) return 1;
  if (has('$Forwarded')) return 3;
  return undefined;
}

function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').trim().toLowerCase();
}

/** The Message-ID that starts the thread: the first of References, else In-Reply-To, else the message's own. */
export function threadRootId(view: MessageView): string | undefined {
  const root = view.references?.find((r) => r.trim() !== '') ?? (view.inReplyTo?.trim() || undefined) ?? (view.messageId?.trim() || undefined);
  return root === undefined ? undefined : normalizeMessageId(root);
}

/**
 * ConversationId (MS-ASEMAIL 2.2.2.21, 16 bytes): a hash of the thread root's Message-ID, so every
 * message of a thread gets the same id on every device without any stored state. A message with
 * no Message-ID at all gets one from its subject and date (stable, but alone in its thread).
 */
export function conversationId(view: MessageView): Uint8Array {
  const root = threadRootId(view) ?? `no-message-id:${view.subject ?? ''}:${view.date?.getTime() ?? ''}`;
  return new Uint8Array(sha256(`easgate-conversation:${root}`).subarray(0, 16));
}

/**
 * crypto.hash (Node 20.12+) is the one-shot digest without a Hash object, a few times cheaper for
 * one short id per message; its base64 output decoded is faster than asking it for a buffer.
 */
function sha256(text: string): Buffer {
  return typeof hash === 'function' ? Buffer.from(hash('sha256', text, 'base64'), 'base64') : createHash('sha256').update(text).digest();
}

const FILETIME_EPOCH_OFFSET_MS = 11644473600000n;

/**
 * ConversationIndex (MS-ASCON 2.2.2.4): a 5-byte header, the 40 most significant bits of the
 * FILETIME of the message's date (big-endian, as MS-OXOMSG 2.2.1.3 lays out the header's time),
 * then one 5-byte response level per reply level, which is the number of References. The levels'
 * time deltas are unknown without the ancestors' dates, so they are zero; their low byte comes
 * from the root id, so a thread's levels are stable.
 */
export function conversationIndex(view: MessageView, id: Uint8Array = conversationId(view)): Uint8Array {
  const when = view.date ?? view.internalDate ?? new Date(0);
  const filetime = (BigInt(when.getTime()) + FILETIME_EPOCH_OFFSET_MS) * 10000n;
  const levels = Math.min(view.references?.length ?? (view.inReplyTo ? 1 : 0), 50);
  const out = new Uint8Array(5 + 5 * levels);
  const high40 = filetime >> 24n;
  for (let i = 0; i < 5; i++) out[i] = Number((high40 >> BigInt(8 * (4 - i))) & 0xffn);
  const salt = id[0]!;
  for (let l = 0; l < levels; l++) {
    // DC bit 0, 31-bit time delta 0, then 4 random bits and a 4-bit sequence count (MS-OXOMSG).
    out[5 + 5 * l + 4] = ((salt & 0x0f) << 4) | (l & 0x0f);
  }
  return out;
}
