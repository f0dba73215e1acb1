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

export function toMessageView(row: FetchedRow): MessageView {
  const env = row.envelope ?? {};
  const headers = row.headers ? parseHeaderFields(row.headers) : undefined;
  const refs = headers?.references?.join(' ');
  const { references: _drop, ...otherHeaders } = headers ?? {};
  const date = toDate(env.date);
  const internalDate = toDate(row.internalDate);
  return {
    ...addresses('from', env.from),
    ...addresses('sender', env.sender),
    ...addresses('replyTo', env.replyTo),
    ...addresses('to', env.to),
    ...addresses('cc', env.cc),
    ...addresses('bcc', env.bcc),
    ...(env.subject !== undefined ? { subject: env.subject } : {}),
    ...(date ? { date } : {}),
    ...(env.messageId ? { messageId: env.messageId } : {}),
    ...(env.inReplyTo ? { inReplyTo: env.inReplyTo } : {}),
    ...(refs ? { references: messageIds(refs) } : {}),
    ...(headers ? { headers: otherHeaders } : {}),
    // \Recent tells "new to this session", nothing about the message.
    flags: row.flags ? [...row.flags].filter((f) => f.toLowerCase() !== '\\recent') : [],
    ...(internalDate ? { internalDate } : {}),
    ...(row.size !== undefined ? { size: row.size } : {}),
    structure: row.bodyStructure ? toMimePart(row.bodyStructure, true) : { part: '1', type: 'text/plain' },
    ...(row.preview !== undefined ? { preview: row.preview } : {}),
  };
}

function addresses<K extends string>(key: K, list: MessageAddressObject[] | undefined): { [P in K]?: MailAddress[] } {
  if (!list?.length) return {};
  const out: MailAddress[] = [];
  for (const a of list) {
    const name = a.name?.trim() || undefined;
    const address = a.address?.trim() || undefined;
    if (name || address) out.push({ ...(name ? { name } : {}), ...(address ? { address } : {}) });
  }
  return out.length ? ({ [key]: out } as { [P in K]?: MailAddress[] }) : {};
}

function toDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** imapflow's structure node as the converters' MimePart. `root`: the top of the message. */
export function toMimePart(node: MessageStructureObject, root = false): MimePart {
  const multipart = node.type.startsWith('multipart/');
  const rfc822 = node.type === 'message/rfc822' || node.type === 'message/global';
  const part = node.part ?? (root && !multipart ? '1' : undefined);
  const children = multipart && node.childNodes ? node.childNodes.map((c) => toMimePart(c)) : undefined;
  return {
    ...(part !== undefined ? { part } : {}),
    type: node.type,
    ...(node.parameters && Object.keys(node.parameters).length ? { parameters: { ...node.parameters } } : {}),
    ...(node.encoding ? { encoding: node.encoding.toLowerCase() } : {}),
    ...(node.size !== undefined ? { size: node.size } : {}),
    ...(node.id ? { id: node.id } : {}),
    ...(node.description ? { description: node.description } : {}),
    ...(node.disposition ? { disposition: node.disposition.toLowerCase() } : {}),
    ...(node.dispositionParameters && Object.keys(node.dispositionParameters).length ? { dispositionParameters: { ...node.dispositionParameters } } : {}),
    ...(node.location ? { location: node.location } : {}),
    ...(children ? { childNodes: children } : {}),
    ...(rfc822 && node.envelope?.subject !== undefined ? { messageSubject: node.envelope.subject } : {}),
  };
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
