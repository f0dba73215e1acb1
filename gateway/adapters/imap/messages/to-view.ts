/**
 * What imapflow parses out of a FETCH (ENVELOPE, BODYSTRUCTURE, header fields) turned into the
 * converters' MessageView. Pure, so it is tested with recorded imapflow objects.
 *
 * - imapflow already decodes RFC 2047 in the envelope's subject and display names, and RFC 2047 /
 *   RFC 2231 in structure parameters (file names): nothing is decoded twice here.
 * - Group syntax: imapflow turns a group's start into { name: group, address: '' } and drops its
 *   end; members follow flat. A group name is kept as a name without an address.
 * - Part numbers are IMAP sections as imapflow computes them, except the root of a single-part
 *   message, which imapflow leaves unnumbered and BODY[1] addresses: it becomes "1".
 * - message/rfc822 is one attachment: its inner structure is dropped, its subject kept.
 */
import type { MessageAddressObject, MessageEnvelopeObject, MessageStructureObject } from 'imapflow';
import type { MailAddress, MessageView, MimePart } from '../../../convert/email/message-view.js';
import { withoutRecent } from './imap-commands.js';

/** The header fields fetched with every view (BODY.PEEK[HEADER.FIELDS (...)]). */
export const VIEW_HEADER_FIELDS = ['Importance', 'X-Priority', 'X-MSMail-Priority', 'Priority', 'Content-Class', 'Thread-Topic', 'References'] as const;

/** The pieces of one FETCH row the view is made of. */
export interface FetchedRow {
  readonly envelope?: MessageEnvelopeObject;
  readonly bodyStructure?: MessageStructureObject;
  readonly flags?: Iterable<string>;
  readonly internalDate?: Date | string;
  readonly size?: number;
  readonly preview?: string;
  /** The raw bytes of BODY[HEADER.FIELDS (...)]. */
  readonly headers?: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Built by assignment, not by spreading optional pieces: spreads of computed-key literals made
// V8 build each view in dictionary mode, about a third of the view's cost in a Sync window.
export function toMessageView(row: FetchedRow): MessageView {
  const env = row.envelope ?? {};
  const view: Mutable<MessageView> = { flags: [], structure: row.bodyStructure ? toMimePart(row.bodyStructure, true) : { part: '1', type: 'text/plain' } };
  const from = addresses(env.from);
  if (from) view.from = from;
  const sender = addresses(env.sender);
  if (sender) view.sender = sender;
  const replyTo = addresses(env.replyTo);
  if (replyTo) view.replyTo = replyTo;
  const to = addresses(env.to);
  if (to) view.to = to;
  const cc = addresses(env.cc);
  if (cc) view.cc = cc;
  const bcc = addresses(env.bcc);
  if (bcc) view.bcc = bcc;
  if (env.subject !== undefined) view.subject = env.subject;
  const date = toDate(env.date);
  if (date) view.date = date;
  if (env.messageId) view.messageId = env.messageId;
  if (env.inReplyTo) view.inReplyTo = env.inReplyTo;
  if (row.headers) {
    const headers = parseHeaderFields(row.headers);
    const refs = headers.references?.join(' ');
    if (refs) view.references = messageIds(refs);
    delete headers.references;
    view.headers = headers;
  }
  if (row.flags) view.flags = withoutRecent(row.flags);
  const internalDate = toDate(row.internalDate);
  if (internalDate) view.internalDate = internalDate;
  if (row.size !== undefined) view.size = row.size;
  if (row.preview !== undefined) view.preview = row.preview;
  return view;
}

function addresses(list: MessageAddressObject[] | undefined): MailAddress[] | undefined {
  if (!list?.length) return undefined;
  const out: MailAddress[] = [];
  for (const a of list) {
    const name = a.name?.trim() || undefined;
    const address = a.address?.trim() || undefined;
    if (name && address) out.push({ name, address });
    else if (name) out.push({ name });
    else if (address) out.push({ address });
  }
  return out.length ? out : undefined;
}

function toDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const hasKeys = (o: object | undefined): boolean => {
  for (const _ in o) return true;
  return false;
};

/** imapflow's structure node as the converters' MimePart. `root`: the top of the message. */
export function toMimePart(node: MessageStructureObject, root = false): MimePart {
  const multipart = node.type.startsWith('multipart/');
  const rfc822 = node.type === 'message/rfc822' || node.type === 'message/global';
  const part = node.part ?? (root && !multipart ? '1' : undefined);
  const out: Mutable<MimePart> = { type: node.type };
  if (part !== undefined) out.part = part;
  if (node.parameters && hasKeys(node.parameters)) out.parameters = { ...node.parameters };
  if (node.encoding) out.encoding = node.encoding.toLowerCase();
  if (node.size !== undefined) out.size = node.size;
  if (node.id) out.id = node.id;
  if (node.description) out.description = node.description;
  if (node.disposition) out.disposition = node.disposition.toLowerCase();
  if (node.dispositionParameters && hasKeys(node.dispositionParameters)) out.dispositionParameters = { ...node.dispositionParameters };
  if (node.location) out.location = node.location;
  if (multipart && node.childNodes) out.childNodes = node.childNodes.map((c) => toMimePart(c));
  if (rfc822 && node.envelope?.subject !== undefined) out.messageSubject = node.envelope.subject;
  return out;
}

/**
 * Header fields by lower-case name, each occurrence unfolded (RFC 5322: the CRLF before WSP removed) and trimmed,
 * values left as the message has them (encoded words included).
 */
export function parseHeaderFields(raw: Uint8Array): Record<string, string[]> {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  const out: Record<string, string[]> = {};
  for (const line of text.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name) || name === '__proto__') continue;
    (out[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return out;
}

/** The <message-id>s of a References (or In-Reply-To) value, in order. */
export function messageIds(value: string): string[] {
  return value.match(/<[^<>\s]+>/g) ?? [];
}
