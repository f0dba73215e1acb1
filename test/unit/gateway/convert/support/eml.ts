/**
 * Test support: a MessageView from an .eml file, shaped the way the IMAP adapter will fill it
 * from FETCH (ENVELOPE with Sender and Reply-To defaulting to From as RFC 3501 says, BODYSTRUCTURE
 * part numbers, RFC822.SIZE, the HEADER.FIELDS the converters read), and a fake "IMAP partial
 * fetch" that returns BODY[section]<0.N> from the file. The MIME structure is parsed here (a
 * boundary splitter plus libmime's header-value parser), not with mailparser, so the tests do not
 * depend on how a mail library would interpret the message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { FetchRequest } from '../../../../../gateway/convert/email/body-plan.js';
import type { FetchedPart, MailAddress, MessageView, MimePart } from '../../../../../gateway/convert/email/message-view.js';
import { HEADER_FIELDS } from '../../../../../gateway/convert/email/to-email-item.js';
import { FIXTURES_DIR } from '../../../../support/fixtures.js';

/** Our own .eml files and golden outputs. */
export const CONVERT_FIXTURES = fileURLToPath(new URL('../../../../fixtures/convert/', import.meta.url));
/** Horde's real-world mails in the shared fixtures (EASGATE_FIXTURES_DIR overrides the shared dir). */
export const HORDE_DIR = join(FIXTURES_DIR, 'horde_ActiveSync');

export interface Eml {
  readonly view: MessageView;
  readonly raw: Buffer;
  /** Encoded body bytes of every leaf and multipart section, by IMAP part number. */
  readonly sections: ReadonlyMap<string, Buffer>;
}

interface Header {
  readonly name: string;
  readonly value: string;
}

function splitHead(buf: Buffer): { headers: Header[]; body: Buffer } {
  let end = buf.indexOf('\r\n\r\n');
  let sep = 4;
  const lf = buf.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end < 0) return { headers: parseHeaders(buf.toString('latin1')), body: Buffer.alloc(0) };
  return { headers: parseHeaders(buf.subarray(0, end).toString('latin1')), body: buf.subarray(end + sep) };
}

function parseHeaders(text: string): Header[] {
  const out: Header[] = [];
  for (const line of text.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const m = /^([^:\s]+)\s*:\s?(.*)$/.exec(line);
    if (m) out.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim() });
  }
  return out;
}

const first = (hs: Header[], name: string): string | undefined => hs.find((h) => h.name === name)?.value;

/** Header text is 8-bit in some mails (raw UTF-8 subjects): read it as UTF-8 when it is valid. */
function headerText(value: string): string {
  const bytes = Buffer.from(value, 'latin1');
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : value;
}

function parseParams(value: string | undefined): { value: string; params: Record<string, string> } {
  if (!value) return { value: '', params: {} };
  const parsed = libmime.parseHeaderValue(headerText(value));
  return { value: parsed.value.toLowerCase(), params: Object.fromEntries(Object.entries(parsed.params).map(([k, v]) => [k.toLowerCase(), String(v)])) };
}

/** Lines "--boundary" split the body; the CRLF before a delimiter belongs to the delimiter. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const esc = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|\\r?\\n)--${esc}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const marks: Array<{ start: number; end: number; last: boolean }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) marks.push({ start: m.index, end: m.index + m[0].length, last: m[2] === '--' });
  const parts: Buffer[] = [];
  for (let i = 0; i < marks.length - 1 && !marks[i]!.last; i++) {
    let from = marks[i]!.end;
    if (text.startsWith('\r\n', from)) from += 2;
    else if (text.startsWith('\n', from)) from += 1;
    parts.push(body.subarray(from, marks[i + 1]!.start));
  }
  return parts;
}

function parsePart(buf: Buffer, part: string | undefined, sections: Map<string, Buffer>): MimePart {
  const { headers, body } = splitHead(buf);
  const ct = parseParams(first(headers, 'content-type') ?? 'text/plain; charset=us-ascii');
  const cd = parseParams(first(headers, 'content-disposition'));
  const type = ct.value.includes('/') ? ct.value : 'text/plain';
  const multi = type.startsWith('multipart/') && ct.params.boundary !== undefined;
  // IMAP numbers a single-part message's body "1"; a multipart root has no number of its own.
  const num = part ?? (multi ? undefined : '1');
  if (num !== undefined) sections.set(num, body);
  const base = {
    part: num,
    type,
    parameters: ct.params,
    encoding: first(headers, 'content-transfer-encoding')?.toLowerCase() ?? '7bit',
    size: body.length,
    id: first(headers, 'content-id'),
    description: first(headers, 'content-description'),
    disposition: cd.value || undefined,
    dispositionParameters: cd.value ? cd.params : undefined,
    location: first(headers, 'content-location'),
  };
  if (multi) {
    const kids = splitMultipart(body, ct.params.boundary!).map((b, i) => parsePart(b, part ? `${part}.${i + 1}` : String(i + 1), sections));
    return { ...base, childNodes: kids };
  }
  if (type === 'message/rfc822') {
    const inner = splitHead(body).headers;
    const subject = first(inner, 'subject');
    return { ...base, messageSubject: subject === undefined ? undefined : libmime.decodeWords(headerText(subject)) };
  }
  return base;
}

function addresses(hs: Header[], name: string): MailAddress[] | undefined {
  const v = first(hs, name);
  if (v === undefined) return undefined;
  return addressparser(headerText(v), { flatten: true }).map((a) => ({ name: a.name ? libmime.decodeWords(a.name) : undefined, address: a.address || undefined }));
}

const msgIds = (v: string | undefined): string[] => (v ? (v.match(/<[^<>]+>/g) ?? []) : []);

export interface EmlOptions {
  readonly flags?: readonly string[];
  readonly internalDate?: Date;
  readonly preview?: string;
}

export function parseEml(raw: Buffer, options: EmlOptions = {}): Eml {
  const sections = new Map<string, Buffer>();
  const { headers } = splitHead(raw);
  const structure = parsePart(raw, undefined, sections);
  const from = addresses(headers, 'from');
  const dateHeader = first(headers, 'date');
  const date = dateHeader ? new Date(dateHeader) : undefined;
  const wanted = new Set(HEADER_FIELDS.map((h) => h.toLowerCase()).filter((h) => h !== 'references'));
  const extra: Record<string, string[]> = {};
  for (const h of headers) if (wanted.has(h.name)) (extra[h.name] ??= []).push(h.value);
  const subject = first(headers, 'subject');
  const view: MessageView = {
    from,
    sender: addresses(headers, 'sender') ?? from,
    replyTo: addresses(headers, 'reply-to') ?? from,
    to: addresses(headers, 'to'),
    cc: addresses(headers, 'cc'),
    bcc: addresses(headers, 'bcc'),
    subject: subject === undefined ? undefined : libmime.decodeWords(headerText(subject)),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: msgIds(first(headers, 'message-id'))[0],
    inReplyTo: msgIds(first(headers, 'in-reply-to'))[0],
    references: msgIds(first(headers, 'references')),
    headers: extra,
    flags: options.flags ?? [],
    internalDate: options.internalDate ?? (date && !Number.isNaN(date.getTime()) ? date : undefined),
    size: raw.length,
    structure,
    preview: options.preview,
  };
  return { view, raw, sections };
}

export function loadEml(path: string, options?: EmlOptions): Eml {
  return parseEml(readFileSync(path), options);
}

/** What the IMAP adapter does with a fetch plan: BODY.PEEK[section]<0.maxBytes> per request. */
export function fetchSections(eml: Eml, requests: readonly FetchRequest[]): FetchedPart[] {
  return requests.map((r) => {
    const whole = r.part === '' ? eml.raw : eml.sections.get(r.part);
    if (whole === undefined) throw new Error(`no section ${r.part}`);
    const cut = r.maxBytes !== undefined && whole.length > r.maxBytes;
    return { part: r.part, bytes: new Uint8Array(cut ? whole.subarray(0, r.maxBytes) : whole), truncated: cut };
  });
}
