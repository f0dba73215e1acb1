/**
 * The scalar value types of ApplicationData (MS-ASDTYPE): how one property value becomes the
 * content of one element and back. Encoding a value of the wrong JavaScript type is a bug in
 * the caller (a converter), so it throws ItemValueError; decoding a malformed client value
 * throws ItemConversionError, which a Sync handler answers with Status 6.
 */
import { isUtf8 } from 'node:buffer';
import { el, elUtf8, textString, type WbxmlElement } from '../../codec/tree.js';
import { ItemConversionError, ItemValueError } from './errors.js';

export type ScalarKind =
  /** MS-ASDTYPE 2.7 string. */
  | 'string'
  /** MS-ASDTYPE 2.6 integer. */
  | 'int'
  /** MS-ASDTYPE 2.1 boolean, written as 0/1. */
  | 'bool'
  /** MS-ASDTYPE 2.3 dateTime as the Email class writes it: 2026-11-25T14:00:00.000Z. */
  | 'email-date'
  /** MS-ASDTYPE 2.3 dateTime in the compact form Calendar uses: 20261125T140000Z. */
  | 'compact-date'
  /** MS-ASDTYPE 2.7.1 byte array, sent as WBXML OPAQUE (ConversationId). */
  | 'opaque'
  /**
   * A string that may come as bytes (MIME in AirSyncBase:Data or Email:MIMEData): bytes that are
   * valid UTF-8 go as an inline string like any text, as the bytes they are (the codec copies them;
   * no decoding to a string and encoding back); other bytes (8-bit MIME in a legacy charset) go as
   * OPAQUE, because re-encoding them as UTF-8 text would change the message.
   */
  | 'text-or-opaque';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BOM = [0xef, 0xbb, 0xbf];
const utf8Encoder = new TextEncoder();

/**
 * WBXML inline strings are NUL-terminated, and clients turn them into XML: drop NUL and the other
 * C0 controls XML 1.0 forbids (tab, LF and CR stay), and the non-characters U+FFFE/U+FFFF.
 */
export function sanitizeText(s: string): string {
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s) ? s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '') : s;
}

export function encodeScalar(kind: ScalarKind, ns: string, tag: string, value: unknown, path: string): WbxmlElement {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw new ItemValueError(path, 'a string', value);
      return el(ns, tag, sanitizeText(value));
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ItemValueError(path, 'a safe integer', value);
      return el(ns, tag, String(value));
    case 'bool':
      if (typeof value !== 'boolean') throw new ItemValueError(path, 'a boolean', value);
      return el(ns, tag, value ? '1' : '0');
    case 'email-date':
      return el(ns, tag, formatEmailDate(requireDate(value, path)));
    case 'compact-date':
      return el(ns, tag, formatCompactDate(requireDate(value, path)));
    case 'opaque':
      if (!(value instanceof Uint8Array)) throw new ItemValueError(path, 'a Uint8Array', value);
      return el(ns, tag, value);
    case 'text-or-opaque':
      if (typeof value === 'string') return el(ns, tag, sanitizeText(value));
      if (!(value instanceof Uint8Array)) throw new ItemValueError(path, 'a string or Uint8Array', value);
      // NUL cannot travel in an inline string: such bytes stay opaque.
      if (!isUtf8(value) || value.indexOf(0) >= 0) return el(ns, tag, value);
      // A leading BOM is dropped, as decoding the bytes to text would.
      return elUtf8(ns, tag, BOM.every((b, i) => value[i] === b) ? value.subarray(3) : value);
  }
}

export function decodeScalar(kind: ScalarKind, e: WbxmlElement, path: string): unknown {
  if (kind === 'opaque' || kind === 'text-or-opaque') {
    if (e.children.length > 0) throw new ItemConversionError(path, 'not-opaque', 'expected opaque content or text');
    if (e.opaque !== undefined) return kind === 'opaque' ? e.opaque : tryText(e.opaque);
    if (e.utf8 !== undefined) return kind === 'opaque' ? e.utf8 : textString(e);
    return kind === 'opaque' ? utf8Encoder.encode(e.text ?? '') : (e.text ?? '');
  }
  const text = textContent(e, path);
  switch (kind) {
    case 'string':
      return text;
    case 'int': {
      const t = text.trim();
      const n = /^-?\d{1,16}$/.test(t) ? Number(t) : NaN;
      if (!Number.isSafeInteger(n)) throw new ItemConversionError(path, 'not-int', `expected an integer, got "${t.slice(0, 40)}"`);
      return n;
    }
    case 'bool': {
      // An empty element means true, as the codec's boolOf reads it.
      const t = text.trim();
      if (t === '' || t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      throw new ItemConversionError(path, 'not-bool', `expected 0 or 1, got "${t.slice(0, 40)}"`);
    }
    case 'email-date':
    case 'compact-date': {
      const d = parseEasDate(text);
      if (d === undefined) throw new ItemConversionError(path, 'not-date', `expected a date, got "${text.slice(0, 40)}"`);
      return d;
    }
  }
}

function tryText(bytes: Uint8Array): string | Uint8Array {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

function textContent(e: WbxmlElement, path: string): string {
  if (e.children.length > 0 || e.opaque !== undefined || e.opaqueSource !== undefined) {
    throw new ItemConversionError(path, 'not-text', 'expected text content');
  }
  return textString(e) ?? '';
}

function requireDate(value: unknown, path: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ItemValueError(path, 'a valid Date', value);
  const year = value.getUTCFullYear();
  if (year < 1 || year > 9999) throw new ItemValueError(path, 'a date in years 1..9999', value);
  return value;
}

/** 2026-11-25T14:00:00.000Z (MS-ASDTYPE 2.3, the form the Email class uses). */
export function formatEmailDate(d: Date): string {
  return d.toISOString();
}

/** 20261125T140000Z (MS-ASDTYPE 2.3, the form the Calendar class uses). */
export function formatCompactDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Either form, with or without milliseconds; always UTC ("Z") as MS-ASDTYPE requires, though a
 * missing Z is read as UTC too since some clients drop it.
 */
export function parseEasDate(text: string): Date | undefined {
  const t = text.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?$/.exec(t) ??
    /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?Z?$/.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((ms ?? '0').padEnd(3, '0'))));
  // Date.UTC rolls 2026-02-31 over into March: such a date is malformed, not a different day.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  if (Number(y) < 100) date.setUTCFullYear(Number(y));
  return date;
}
