/**
 * EAS Categories <-> IMAP keywords, reversibly. A keyword must be an atom (RFC 3501: no space, no
 * ( ) { % * " \ ] and nothing beyond ASCII), and a category is any text ("Blue Category",
 * "Privé"). A category that is already an atom is its own keyword, so categories set by other
 * IMAP clients read back unchanged. Anything else is written the way IMAP already writes
 * non-ASCII mailbox names (RFC 3501 5.1.3, modified UTF-7): the characters an atom cannot carry go
 * in a "&<modified base64 of UTF-16BE>-" run and "&" itself is "&-". Space, the atom-specials and
 * a leading "$" (keywords with "$" are state, not categories) are encoded too, so every
 * category has exactly one keyword and every keyword at most one category.
 */

/**
 * Dovecot refuses longer keywords (mail_max_keyword_length, default 50) and then fails the whole
 * STORE or APPEND, so a longer one is refused up front as the client's conversion error.
 */
export const MAX_KEYWORD_LENGTH = 50;

/** The atom characters of RFC 3501 (what the IMAP adapter accepts as a keyword), minus "&". */
const PLAIN = /^[\x21\x23-\x24\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]$/;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** The keyword that stands for this category; undefined for a category with no text. */
export function categoryToKeyword(category: string): string | undefined {
  if (category.trim() === '') return undefined;
  let out = '';
  let run: number[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    out += `&${base64Utf16(run)}-`;
    run = [];
  };
  let first = true;
  for (const ch of category) {
    if (ch === '&') {
      flush();
      out += '&-';
    } else if (PLAIN.test(ch) && !(first && ch === '$')) {
      flush();
      out += ch;
    } else {
      const cp = ch.codePointAt(0)!;
      if (cp > 0xffff) run.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else run.push(cp);
    }
    first = false;
  }
  flush();
  return out;
}

/**
 * The category a keyword stands for: undefined for system flags and "$" keywords, the decoded
 * text for encoded ones. A keyword another client wrote with a stray "&" reads as itself.
 */
export function keywordToCategory(keyword: string): string | undefined {
  if (keyword.startsWith('\\') || keyword.startsWith('$') || keyword.trim() === '') return undefined;
  if (!keyword.includes('&')) return keyword;
  let out = '';
  for (let i = 0; i < keyword.length; ) {
    const ch = keyword[i]!;
    if (ch !== '&') {
      out += ch;
      i++;
      continue;
    }
    const end = keyword.indexOf('-', i + 1);
    if (end < 0) return keyword;
    if (end === i + 1) {
      out += '&';
    } else {
      const text = fromBase64Utf16(keyword.slice(i + 1, end));
      if (text === undefined) return keyword;
      out += text;
    }
    i = end + 1;
  }
  return out;
}

/** True when the two keywords are the same flag to IMAP (keywords compare case-insensitively, RFC 3501 2.3.2). */
export function sameKeyword(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function base64Utf16(units: readonly number[]): string {
  const bytes: number[] = [];
  for (const u of units) bytes.push(u >> 8, u & 0xff);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) out += B64[(n >> (18 - 6 * c)) & 0x3f];
  }
  return out;
}

function fromBase64Utf16(text: string): string | undefined {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const ch of text) {
    const v = B64.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  if (bytes.length % 2 !== 0 || bytes.length === 0) return undefined;
  const units: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) units.push((bytes[i]! << 8) | bytes[i + 1]!);
  return String.fromCharCode(...units);
}
