/**
 * ENVELOPE and BODYSTRUCTURE token lists as imapflow's parseEnvelope / parseBodystructure read
 * them (same objects, field for field: tested against them on recorded and generated rows), for
 * the view fetch of every Sync window.
 *
 * The difference is the cost of the common case. imapflow runs every display name, subject and
 * structure parameter through libmime's decodeWords, five regular-expression passes even for
 * text with no encoded word in it, which made it the largest remaining cost of reading a view.
 * Here text without "=?" skips it (decodeWords returns such text unchanged), and a parameter
 * list without RFC 2231 continuations or encoded values is read directly; anything else goes
 * through imapflow's own getStructuredParams, so the rare cases keep its exact behaviour.
 */
import type { MessageAddressObject, MessageEnvelopeObject, MessageStructureObject } from 'imapflow';
import { getStructuredParams, isUnsafeKey } from 'imapflow/lib/tools.js';
import libmime from 'libmime';
import type { ImapAttribute, ImapToken } from '../raw-exec.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** libmime.decodeWords, skipped where it would return the text unchanged (no encoded word, no NUL join marker). */
function decodeWords(text: string): string {
  return text.includes('=?') || text.includes('\u0000') ? libmime.decodeWords(text) : text;
}

/** A token's text as imapflow's parsers take it: a string, a literal as UTF-8, '' for NIL. */
function text(token: ImapAttribute | undefined): string {
  const v = (token as ImapToken | null | undefined)?.value;
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString() : '';
}

/** Display text: encoded words decoded, then one pair of surrounding quotes dropped. */
function displayText(raw: string): string {
  const v = decodeWords(raw);
  return v.length > 2 && v[0] === '"' && v[v.length - 1] === '"' ? v.slice(1, -1) : v;
}

function addressList(list: ImapAttribute): MessageAddressObject[] {
  const out: MessageAddressObject[] = [];
  for (const entry of list as ImapAttribute[]) {
    if (!Array.isArray(entry)) continue;
    const name = displayText(text(entry[0]));
    const mailbox = text(entry[2]);
    const host = text(entry[3]);
    // RFC 9051 7.5.2: a NIL host marks group syntax; the group's name becomes a display name.
    const a: MessageAddressObject = host ? { name, address: `${mailbox}@${host}` } : { name: name || (mailbox && displayText(mailbox)), address: '' };
    if (a.name || a.address) out.push(a);
  }
  return out;
}

const ADDRESS_FIELDS = ['from', 'sender', 'replyTo', 'to', 'cc', 'bcc'] as const;

export function parseEnvelope(entry: ImapAttribute[]): MessageEnvelopeObject {
  const envelope: Mutable<MessageEnvelopeObject> = {};
  const present = (i: number): boolean => !!(entry[i] as ImapToken | null | undefined)?.value;
  if (present(0)) {
    const raw = text(entry[0]);
    const date = new Date(raw);
    (envelope as { date?: Date | string }).date = Number.isNaN(date.getTime()) ? raw : date;
  }
  if (present(1)) envelope.subject = decodeWords(text(entry[1]));
  for (let i = 0; i < ADDRESS_FIELDS.length; i++) {
    const list = entry[2 + i];
    if (Array.isArray(list) && list.length) envelope[ADDRESS_FIELDS[i]!] = addressList(list);
  }
  if (present(8)) envelope.inReplyTo = text(entry[8]).trim();
  if (present(9)) envelope.messageId = text(entry[9]).trim();
  return envelope;
}

/** A structure parameter list (key, value, ...) as imapflow's getStructuredParams returns it. */
function parameters(list: ImapAttribute): Record<string, string> {
  if (!Array.isArray(list)) return getStructuredParams(list as never) as Record<string, string>;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = text(list[i]).toLowerCase();
    const value = text(list[i + 1]);
    // RFC 2231 continuations or charsets, encoded words, a filename that looks RFC 2231-encoded:
    // imapflow's own reading, for the whole list.
    if (key.includes('*') || value.includes('=?') || value.includes('\u0000') || (key === 'filename' && value.includes("'"))) {
      return getStructuredParams(list as never) as Record<string, string>;
    }
    if (!isUnsafeKey(key)) out[key] = value;
  }
  return out;
}

const lower = (t: ImapAttribute | undefined): string => text(t).toLowerCase();

function walk(node: ImapAttribute[], path: number[]): MessageStructureObject {
  const cur: Mutable<MessageStructureObject> & Record<string, unknown> = {} as never;
  let i = 0;
  if (path.length) cur.part = path.join('.');
  if (Array.isArray(node[0])) {
    const children: MessageStructureObject[] = [];
    let n = 0;
    while (Array.isArray(node[i])) children.push(walk(node[i++] as ImapAttribute[], [...path, ++n]));
    cur.childNodes = children;
    cur.type = `multipart/${lower(node[i++])}`;
    if (i < node.length) {
      if (node[i]) cur.parameters = parameters(node[i]!);
      i++;
    }
  } else {
    cur.type = `${lower(node[i++])}/${lower(node[i++])}`;
    if (node[i]) cur.parameters = parameters(node[i]!);
    i++;
    if (node[i]) cur.id = text(node[i]);
    i++;
    if (node[i]) cur.description = text(node[i]);
    i++;
    if (node[i]) cur.encoding = lower(node[i]);
    i++;
    if (node[i]) cur.size = Number(text(node[i]) || 0) || 0;
    i++;
    if (cur.type === 'message/rfc822') {
      if (node[i]) cur.envelope = parseEnvelope(([] as ImapAttribute[]).concat(node[i]!));
      i++;
      // The enclosed message shares the wrapper's part number.
      if (node[i]) cur.childNodes = [walk(node[i] as ImapAttribute[], path)];
      i++;
      if (node[i]) cur.lineCount = Number(text(node[i]) || 0) || 0;
      i++;
    }
    if (cur.type.startsWith('text/')) {
      // Some servers leave out a text part's line count; imapflow then shifts, and so does this.
      const shifted = node.length === 11 && Array.isArray(node[i + 1]) && !Array.isArray(node[i + 2]);
      if (!shifted) {
        if (node[i]) cur.lineCount = Number(text(node[i]) || 0) || 0;
        i++;
      }
    }
    if (i < node.length) {
      if (node[i]) cur.md5 = lower(node[i]);
      i++;
    }
  }
  if (i < node.length) {
    const disposition = node[i];
    if (Array.isArray(disposition) && disposition.length) {
      cur.disposition = lower(disposition[0]);
      if (Array.isArray(disposition[1])) cur.dispositionParameters = parameters(disposition[1]);
    }
    i++;
  }
  if (i < node.length) {
    if (node[i]) cur.language = ([] as ImapAttribute[]).concat(node[i]!).map((v) => lower(v));
    i++;
  }
  if (i < node.length && node[i]) cur.location = text(node[i]);
  return cur;
}

export function parseBodystructure(entry: ImapAttribute[]): MessageStructureObject {
  return walk(entry, []);
}
