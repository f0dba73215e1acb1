/**
 * SmartReply / SmartForward: the full message from the client's new part and the original on the
 * server. The client's header fields stay as it wrote them (From, To, Cc, Bcc, Subject, Date,
 * Message-ID, Importance, ...); the body is rebuilt: the client's text with the original quoted
 * under it (plain and HTML each get the matching quote), the client's own attachments, and on a
 * forward the original's attachments copied byte for byte (their MIME header and encoded body as
 * the server holds them). A reply gets In-Reply-To and References unless the client set them.
 */
import { simpleParser } from 'mailparser';
import { htmlToText } from '../text.js';
import { attachmentPart, multipart, multipartPart, textPart, type Chunks, type Multipart } from './mime-build.js';
import { quotedHtml, quotedText, quotesOriginal, type OriginalBodies, type OriginalSummary, type SmartMode } from './quote.js';
import { firstValue, InvalidMimeError, parseRawMessage, withFields, withoutFields, type HeaderField, type RawMessage } from './raw-message.js';

export interface OriginalMessage extends OriginalSummary {
  readonly messageId?: string;
  /** Message ids of its References header, oldest first. */
  readonly references?: readonly string[];
}

export interface SmartInput {
  readonly mode: SmartMode;
  /** The client's message as it sent it. */
  readonly clientMime: Uint8Array;
  readonly original: OriginalMessage;
  readonly bodies: OriginalBodies;
  /** Forward only: the original's attachment parts, each its Content-* header fields, a blank line and its encoded body. */
  readonly originalParts?: readonly Chunks[];
  /** Reply only: the original's inline images, carried when its HTML is quoted (its cid: links need them). */
  readonly originalInline?: readonly Chunks[];
}

/** Header fields of the client's body, which the rebuilt body replaces. */
const CONTENT_FIELDS = ['Content-Type', 'Content-Transfer-Encoding', 'Content-Disposition', 'Content-ID', 'Content-Description', 'MIME-Version'];
/** References kept at most (RFC 5322 3.6.4 lets a long thread be trimmed from the middle). */
const MAX_REFERENCES = 30;

export async function buildSmartMessage(input: SmartInput): Promise<Buffer> {
  const client = parseRawMessage(input.clientMime);
  const parsed = await simpleParser(Buffer.from(input.clientMime), { keepCidLinks: true, skipImageLinks: true, skipTextLinks: true, skipHtmlToText: true }).catch((err: unknown) => {
    throw new InvalidMimeError(`unreadable MIME: ${(err as Error).message}`);
  });
  const clientHtml = typeof parsed.html === 'string' ? parsed.html : undefined;
  // An HTML-only client message still needs its words in the plain alternative.
  const clientText = parsed.text?.trim() ? parsed.text : clientHtml !== undefined ? htmlToText(clientHtml) : '';
  const quote = !quotesOriginal(clientText, input.bodies);
  const text = textPart('plain', quote ? quotedText(input.mode, clientText, input.original, input.bodies) : clientText);
  const alternative = clientHtml === undefined
    ? undefined
    : multipart('alternative', [text, textPart('html', quote ? quotedHtml(input.mode, clientHtml, input.original, input.bodies) : clientHtml)]);
  const attachments: (Uint8Array | Chunks)[] = [
    ...parsed.attachments.map((a) => attachmentPart({
      content: a.content,
      contentType: a.contentType,
      ...(a.filename ? { filename: a.filename } : {}),
      ...(a.cid ? { cid: a.cid } : {}),
      ...(a.contentDisposition ? { disposition: a.contentDisposition } : {}),
    })),
    ...(input.originalParts ?? []),
    ...(quote && alternative ? input.originalInline ?? [] : []),
  ];
  // Inline images of the client's HTML stay findable by Content-ID inside multipart/mixed.
  const root: { fields: HeaderField[]; body: Chunks } = attachments.length
    ? fromMultipart(multipart('mixed', [alternative ? multipartPart(alternative) : text, ...attachments]))
    : alternative ? fromMultipart(alternative) : fromPart(text);
  const kept = withoutFields(normalizeEol(client), CONTENT_FIELDS);
  const fields = [...withThreading(kept, input).fields, { name: 'MIME-Version', raw: 'MIME-Version: 1.0' }, ...root.fields];
  const head = Buffer.from(fields.map((f) => f.raw).join('\r\n') + '\r\n\r\n', 'latin1');
  // The one copy of the whole message.
  return Buffer.concat([head, ...root.body]);
}

function fromMultipart(m: Multipart): { fields: HeaderField[]; body: Chunks } {
  return { fields: [{ name: 'Content-Type', raw: `Content-Type: ${m.contentType}` }], body: m.body };
}

function fromPart(part: Buffer): { fields: HeaderField[]; body: Chunks } {
  const parsed = parseRawMessage(part);
  return { fields: parsed.fields, body: [parsed.body] };
}

function normalizeEol(msg: RawMessage): RawMessage {
  return { ...msg, eol: '\r\n', fields: msg.fields.map((f) => ({ name: f.name, raw: f.raw.replace(/\r?\n/g, '\r\n') })) };
}

function withThreading(msg: RawMessage, input: SmartInput): RawMessage {
  const id = bracketed(input.original.messageId);
  if (!id) return msg;
  const add: [string, string][] = [];
  if (input.mode === 'reply' && !firstValue(msg, 'In-Reply-To')) add.push(['In-Reply-To', id]);
  if (!firstValue(msg, 'References')) {
    const refs = [...(input.original.references ?? []).map(bracketed).filter((r): r is string => !!r), id];
    const trimmed = refs.length > MAX_REFERENCES ? [refs[0]!, ...refs.slice(refs.length - MAX_REFERENCES + 1)] : refs;
    add.push(['References', trimmed.join('\r\n ')]);
  }
  return withFields(msg, add);
}

function bracketed(id: string | undefined): string | undefined {
  const t = id?.trim();
  if (!t) return undefined;
  const core = t.replace(/^<|>$/g, '');
  return /^[^<>\s]+$/.test(core) ? `<${core}>` : undefined;
}
