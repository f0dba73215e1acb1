/**
 * A client's RFC 5322 message as header fields plus an untouched body, so the gateway can drop
 * Bcc, add Message-ID or threading fields and put the message back together without re-encoding
 * a byte of the body. Header text is kept raw (folding, encoded words) except where changed.
 */

export class InvalidMimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMimeError';
  }
}

export interface HeaderField {
  /** As written, e.g. "Subject". */
  readonly name: string;
  /** The whole field as written, folding included, without the final line break. */
  readonly raw: string;
}

export interface RawMessage {
  readonly fields: HeaderField[];
  /** Everything after the blank line that ends the header. */
  readonly body: Uint8Array;
  /** The line break the client used ("\r\n", or "\n" from a sloppy client). */
  readonly eol: '\r\n' | '\n';
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** A header block larger than this is not a header block. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Throws InvalidMimeError when the bytes do not start with a header block of at least one field. */
export function parseRawMessage(bytes: Uint8Array): RawMessage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) throw new InvalidMimeError('empty message');
  const { end, bodyStart } = headerEnd(buf);
  if (end > MAX_HEADER_BYTES) throw new InvalidMimeError('header block too large');
  const text = buf.subarray(0, end).toString('latin1');
  const eol: '\r\n' | '\n' = text.includes('\r\n') || buf.includes('\r\n') ? '\r\n' : '\n';
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      const last = fields.pop();
      if (!last) throw new InvalidMimeError('message starts with a continuation line');
      fields.push({ name: last.name, raw: `${last.raw}${eol}${line}` });
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (!FIELD_NAME.test(name)) throw new InvalidMimeError('a header line is not a header field');
    fields.push({ name, raw: line });
  }
  if (fields.length === 0) throw new InvalidMimeError('no header fields');
  return { fields, body: buf.subarray(bodyStart), eol };
}

/** Header fields (latin1 string offsets = byte offsets) end at the first empty line, or at the end of the data. */
function headerEnd(buf: Buffer): { end: number; bodyStart: number } {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { end: lf, bodyStart: lf + 2 };
  return { end: buf.length, bodyStart: buf.length };
}

/** The unfolded value of a field (without its name), raw bytes as latin1. */
export function fieldValue(field: HeaderField): string {
  return field.raw.slice(field.raw.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
}

export function findFields(msg: RawMessage, name: string): HeaderField[] {
  const n = name.toLowerCase();
  return msg.fields.filter((f) => f.name.toLowerCase() === n);
}

export function firstValue(msg: RawMessage, name: string): string | undefined {
  const f = findFields(msg, name)[0];
  return f ? fieldValue(f) : undefined;
}

export function withoutFields(msg: RawMessage, names: readonly string[]): RawMessage {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return { ...msg, fields: msg.fields.filter((f) => !drop.has(f.name.toLowerCase())) };
}

/** Prepends fields (in the order given) ahead of the client's own. Values must already be RFC 5322 text. */
export function withFields(msg: RawMessage, add: readonly (readonly [string, string])[]): RawMessage {
  return { ...msg, fields: [...add.map(([name, value]) => ({ name, raw: `${name}: ${value}` })), ...msg.fields] };
}

/** The message as bytes again: header fields, blank line, the body exactly as it came. */
export function serializeRawMessage(msg: RawMessage): Buffer {
  const head = msg.fields.map((f) => f.raw).join(msg.eol) + msg.eol + msg.eol;
  return Buffer.concat([Buffer.from(head, 'latin1'), msg.body]);
}
