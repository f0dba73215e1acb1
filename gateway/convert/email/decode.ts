/**
 * Bytes of a MIME part to text: transfer decoding (quoted-printable, base64) that copes with a
 * part cut at an arbitrary byte by a partial fetch, then charset decoding with iconv-lite.
 */
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { decode as libmimeDecode } from 'libmime/lib/charset.js';

/**
 * Undo Content-Transfer-Encoding. With `truncated`, the input is a prefix of the part: only whole
 * units are decoded (groups of four base64 characters, complete =XX escapes), so the output is
 * exactly a prefix of what the whole part decodes to.
 */
export function transferDecode(bytes: Uint8Array, encoding: string | undefined, truncated: boolean): Uint8Array {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return decodeBase64(bytes, truncated);
    case 'quoted-printable':
      return decodeQuotedPrintable(bytes, truncated);
    default:
      return bytes;
  }
}

function decodeBase64(bytes: Uint8Array, truncated: boolean): Uint8Array {
  let text = Buffer.from(bytes).toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
  if (truncated) text = text.slice(0, text.length - (text.length % 4));
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function decodeQuotedPrintable(bytes: Uint8Array, truncated: boolean): Uint8Array {
  let end = bytes.length;
  if (truncated) {
    // A cut inside "=XX" or inside a soft line break "=\r\n" leaves an incomplete escape.
    for (let i = Math.max(0, end - 2); i < end; i++) {
      if (bytes[i] === 0x3d) {
        end = i;
        break;
      }
    }
  }
  const out = new Uint8Array(end);
  let n = 0;
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b !== 0x3d) {
      out[n++] = b;
      continue;
    }
    const h1 = bytes[i + 1];
    const h2 = bytes[i + 2];
    // Soft line break: "=" before CRLF or LF (whitespace between them is tolerated).
    let j = i + 1;
    while (j < end && (bytes[j] === 0x20 || bytes[j] === 0x09)) j++;
    if (bytes[j] === 0x0a || (bytes[j] === 0x0d && bytes[j + 1] === 0x0a) || j >= end) {
      i = bytes[j] === 0x0d ? j + 1 : j;
      continue;
    }
    if (h1 !== undefined && h2 !== undefined && isHex(h1) && isHex(h2) && i + 2 < end) {
      out[n++] = (hexValue(h1) << 4) | hexValue(h2);
      i += 2;
    } else {
      // A stray "=" is kept as is (RFC 2045 6.7 note 1: robust decoders pass it through).
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const hexValue = (c: number): number => (c <= 0x39 ? c - 0x30 : (c & 0x4f) - 0x37);

/**
 * Charset names as mail writes them, to what iconv-lite knows. ISO-8859-1 and US-ASCII are read
 * as Windows-1252 (as the WHATWG Encoding standard does): mail labelled Latin-1 often has
 * Windows "smart quotes" in 0x80-0x9F, which Latin-1 would turn into control characters.
 */
function normalizeCharset(charset: string | undefined): string {
  const c = (charset ?? '').trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (c === '' || c === 'us-ascii' || c === 'ascii' || c === 'iso-8859-1' || c === 'latin1' || c === 'iso_8859-1') return 'windows-1252';
  if (c === 'utf8' || c === 'unicode-1-1-utf-8') return 'utf-8';
  if (c === 'ks_c_5601-1987') return 'cp949';
  // GB2312 mail is routinely GBK in practice; GBK decodes every GB2312 text too.
  if (c === 'gb2312' || c === 'x-gbk') return 'gbk';
  return c;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Text of already transfer-decoded bytes. An unknown charset is read as UTF-8 when the bytes are
 * valid UTF-8 and as Windows-1252 otherwise. With `truncated`, a multibyte sequence cut at the
 * end is dropped instead of becoming U+FFFD.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined, truncated = false): string {
  const name = normalizeCharset(charset);
  if (name === 'utf-8') {
    const b = truncated ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes;
    return Buffer.from(b).toString('utf8').replace(/^\uFEFF/, '');
  }
  if (/^(iso-2022-jp|csiso2022jp)/.test(name)) {
    // iconv-lite has no ISO-2022-JP; libmime decodes it through encoding-japanese.
    return libmimeDecode(Buffer.from(bytes), name);
  }
  if (iconv.encodingExists(name)) {
    let text = iconv.decode(Buffer.from(bytes), name);
    if (truncated) text = text.replace(/\uFFFD$/, '');
    return text;
  }
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'windows-1252');
  }
}

/**
 * The largest index <= max that does not split a UTF-8 sequence of `bytes`: a cut never leaves a
 * lead byte without its continuation bytes.
 */
export function utf8Boundary(bytes: Uint8Array, max: number): number {
  if (max >= bytes.length) return bytes.length;
  let i = max;
  // Back over continuation bytes (10xxxxxx) to the lead byte of the sequence the cut falls in.
  while (i > 0 && i > max - 4 && (bytes[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** The length of `bytes` without a UTF-8 sequence that its end cuts short. */
export function completeUtf8Length(bytes: Uint8Array): number {
  let i = bytes.length;
  while (i > 0 && i > bytes.length - 4 && (bytes[i - 1]! & 0xc0) === 0x80) i--;
  if (i === 0) return bytes.length;
  const lead = bytes[i - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i - 1 + need > bytes.length ? i - 1 : bytes.length;
}

/** RFC 2047 encoded words in a header value ("=?iso-8859-1?Q?f=FCr?="), if any are left. */
export function decodeHeaderWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/**
 * An RFC 2231 parameter value ("utf-8''%E2%82%AC%20rates.pdf") when it is one, else the value
 * with RFC 2047 words decoded (non-conforming but common in file names).
 */
export function decodeParameter(value: string): string {
  const m = /^([A-Za-z0-9_.:-]*)'[^']*'(.*)$/.exec(value);
  if (m && /%[0-9A-Fa-f]{2}/.test(m[2]!)) {
    const bytes = Buffer.from(m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return decodeCharset(bytes, m[1] || 'utf-8');
  }
  return decodeHeaderWords(value);
}
