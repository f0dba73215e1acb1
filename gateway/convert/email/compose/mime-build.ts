/**
 * Just enough of a MIME writer for the bodies the gateway builds (RFC 2045/2046): UTF-8 text
 * parts, attachments, and multiparts around them; parts that already exist as bytes (the
 * original's attachments) go in unchanged. Everything is base64 where it is not 7-bit already,
 * so no line is ever too long and no byte is ever reinterpreted.
 */
import { randomBytes } from 'node:crypto';
import libmime from 'libmime';

const CRLF = '\r\n';

/** base64 in 76-character lines, each ended by CRLF. */
export function base64Lines(data: Uint8Array): string {
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + CRLF;
  return out;
}

function part(headers: readonly string[], body: string | Buffer): Buffer {
  const head = Buffer.from(headers.join(CRLF) + CRLF + CRLF, 'utf8');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

/** A folded header field; non-ASCII parameter values are RFC 2231-encoded by libmime. */
function field(name: string, value: string, params: Record<string, string> = {}): string {
  const v = Object.keys(params).length ? libmime.buildHeaderValue({ value, params }) : value;
  return libmime.foldLines(`${name}: ${v}`, 76);
}

export function textPart(subtype: 'plain' | 'html', text: string): Buffer {
  return part(
    [field('Content-Type', `text/${subtype}`, { charset: 'utf-8' }), 'Content-Transfer-Encoding: base64'],
    base64Lines(Buffer.from(text, 'utf8')),
  );
}

export interface AttachmentInput {
  readonly content: Uint8Array;
  readonly contentType: string;
  readonly filename?: string;
  /** Content-ID without angle brackets. */
  readonly cid?: string;
  /** "attachment" or "inline". */
  readonly disposition?: string;
}

export function attachmentPart(a: AttachmentInput): Buffer {
  const type = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType.toLowerCase() : 'application/octet-stream';
  const disposition = a.disposition === 'inline' ? 'inline' : 'attachment';
  const headers = [
    field('Content-Type', type, a.filename ? { name: a.filename } : {}),
    'Content-Transfer-Encoding: base64',
    field('Content-Disposition', disposition, a.filename ? { filename: a.filename } : {}),
  ];
  if (a.cid && /^[^<>\s]+$/.test(a.cid)) headers.push(`Content-ID: <${a.cid}>`);
  return part(headers, base64Lines(a.content));
}

/** Bytes as a list of chunks, so a large part copied from the original is never concatenated twice. */
export type Chunks = readonly Uint8Array[];

export interface Multipart {
  /** The Content-Type field value, boundary included. */
  readonly contentType: string;
  readonly body: Chunks;
}

/** The boundary is random, so it cannot occur inside base64 or inside a copied part by chance. */
export function multipart(subtype: 'mixed' | 'alternative' | 'related', parts: readonly (Uint8Array | Chunks)[]): Multipart {
  const boundary = `----=_easgate_${randomBytes(12).toString('hex')}`;
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const list: Chunks = p instanceof Uint8Array ? [p] : p;
    chunks.push(Buffer.from(`--${boundary}${CRLF}`, 'latin1'), ...list);
    // A copied part may or may not end with a line break; the delimiter must start on its own line.
    const lastChunk = [...list].reverse().find((c) => c.byteLength > 0);
    if (lastChunk?.[lastChunk.byteLength - 1] !== 0x0a) chunks.push(Buffer.from(CRLF, 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'latin1'));
  return { contentType: `multipart/${subtype}; boundary="${boundary}"`, body: chunks };
}

/** A multipart as a part of an enclosing multipart. */
export function multipartPart(m: Multipart): Chunks {
  return [Buffer.from(`Content-Type: ${m.contentType}${CRLF}${CRLF}`, 'latin1'), ...m.body];
}
