/**
 * WBXML bytes -> element tree, for the EAS dialect of WBXML 1.x (MS-ASWBXML).
 *
 * Built to take hostile input: a single pass over the bytes with an explicit stack (no
 * recursion), every length checked against the remaining input and the `DecodeLimits` before
 * anything is allocated, and every failure a `WbxmlError` carrying the byte offset.
 *
 * Accepted: version 1.1-1.3; any public id (also a string-table reference); charset 106 (UTF-8)
 * only; a string table with STR_T references into it; SWITCH_PAGE anywhere, also redundant and
 * trailing ones (a real client sends `00 06` right before its closing END tokens); STR_I, STR_T
 * and OPAQUE content, several chunks of which concatenate.
 * Rejected: attributes, ENTITY, LITERAL*, EXT*, PI (EAS uses none of them), unknown pages and
 * tokens (unless `unknownTags: 'keep'`), text and child elements in one element ('mixed-content'),
 * except that whitespace-only text next to child elements is dropped (it can only be formatting
 * left over from an XML-to-WBXML converter), anything after the root element but SWITCH_PAGE.
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';
import type { CodePage } from './codepages/types.js';
import { WbxmlError } from './errors.js';
import { resolveLimits, type DecodeLimits } from './limits.js';
import { compiledPages, unknownPageNamespace, unknownTagName } from './tables.js';
import type { WbxmlElement } from './tree.js';

export interface DecodeOptions {
  /** Overrides of `DEFAULT_DECODE_LIMITS`. */
  limits?: Partial<DecodeLimits>;
  /**
   * 'error' (default): a token no code page defines is a WbxmlError('unknown-token'/'unknown-page').
   * 'keep': it becomes an element named `Unknown_0x2A` (in namespace `Unknown_Page_25` when the
   * page itself is unknown), which the encoder writes back as the same token.
   */
  unknownTags?: 'error' | 'keep';
  /**
   * 'replace' (default): malformed UTF-8 in a string becomes U+FFFD, as browsers and Exchange
   * clients do; one bad byte in a subject must not make a client's whole Sync fail forever.
   * 'error': WbxmlError('invalid-utf8').
   */
  invalidUtf8?: 'replace' | 'error';
  /**
   * false (default): `opaque` (and `utf8`, see `textBytes`) is a zero-copy view into the input
   * (keep the input unchanged while the tree is in use). true: each such payload is copied.
   */
  copyOpaque?: boolean;
  /**
   * Inline strings of at least this many bytes that are valid UTF-8 stay bytes: the element gets
   * `utf8` (a view into the input, like opaque data) instead of `text`, and re-encoding copies them
   * back without transcoding (a proxy or a transcript passing a mail body through). Malformed ones
   * still become strings per `invalidUtf8`. Default: never (every text is a string).
   */
  textBytes?: number;
  /** Code pages to decode with; default MS-ASWBXML's `CODE_PAGES`. */
  codePages?: readonly CodePage[];
}

/** What the header said, for callers that care (`decodeDocument`). */
export interface WbxmlHeader {
  /** 0x01..0x03 for WBXML 1.1..1.3. */
  readonly version: number;
  /** The public identifier, or undefined when it is given as a string-table reference. */
  readonly publicId: number | undefined;
  /** The public identifier string when it is a string-table reference. */
  readonly publicIdString: string | undefined;
  readonly charset: number;
}

export interface WbxmlDocument {
  readonly header: WbxmlHeader;
  readonly root: WbxmlElement;
}

const CHARSET_UTF8 = 106;

// Global tokens (WBXML 1.3 section 7.1). A byte b is a global token iff (b & 0x3F) < 5.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const STR_T = 0x83;
const OPAQUE = 0xc3;

const GLOBAL_TOKEN_NAMES: Readonly<Record<number, string>> = {
  0x02: 'ENTITY',
  0x04: 'LITERAL',
  0x40: 'EXT_I_0',
  0x41: 'EXT_I_1',
  0x42: 'EXT_I_2',
  0x43: 'PI',
  0x44: 'LITERAL_C',
  0x80: 'EXT_T_0',
  0x81: 'EXT_T_1',
  0x82: 'EXT_T_2',
  0x84: 'LITERAL_A',
  0xc0: 'EXT_0',
  0xc1: 'EXT_1',
  0xc2: 'EXT_2',
  0xc4: 'LITERAL_AC',
};

/**
 * Node's Buffer#utf8Slice decodes a byte range without creating a view first; it is the fastest
 * way to get a string out of bytes on Node (~3x TextDecoder for EAS-sized strings). Elsewhere the
 * decoder falls back to TextDecoder. Detected once; both replace malformed input with U+FFFD.
 */
type Slicer = (this: Uint8Array, start: number, end: number) => string;
const nodeBufferPrototype = (globalThis as { Buffer?: { prototype?: { utf8Slice?: Slicer; latin1Slice?: Slicer; ucs2Slice?: Slicer } } })
  .Buffer?.prototype;
const nodeUtf8Slice: Slicer | undefined = nodeBufferPrototype?.utf8Slice;
const nodeLatin1Slice: Slicer | undefined = nodeBufferPrototype?.latin1Slice;
const nodeUcs2Slice: Slicer | undefined = nodeBufferPrototype?.ucs2Slice;
const nodeAllocUnsafe = (globalThis as { Buffer?: { allocUnsafe?: (size: number) => Uint8Array } }).Buffer?.allocUnsafe;
/** Texts at least this long take the `longUtf8` route. */
const LONG_TEXT = 1024;
const lenientDecoder = new TextDecoder('utf-8');
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const fromCharCode = String.fromCharCode;
/** Strings up to this many bytes are decoded by a JS loop when they are ASCII (most EAS strings). */
const SHORT_STRING = 8;
/** The NUL of an inline string is looked for in JS within this many bytes, natively beyond. */
const SHORT_SCAN = 32;

/** Decode an EAS WBXML document into its root element. */
export function decode(input: Uint8Array, options?: DecodeOptions): WbxmlElement {
  return decodeDocument(input, options).root;
}

/** Decode an EAS WBXML document, keeping what its header said. */
export function decodeDocument(input: Uint8Array, options?: DecodeOptions): WbxmlDocument {
  if (!(input instanceof Uint8Array)) {
    throw new TypeError('decode expects a Uint8Array or Buffer');
  }
  const limits = resolveLimits(options?.limits);
  const keepUnknown = options?.unknownTags === 'keep';
  const strictUtf8 = options?.invalidUtf8 === 'error';
  const copyOpaque = options?.copyOpaque === true;
  const textBytes = options?.textBytes ?? Infinity;
  const { tagNames, namespaces } = compiledPages(options?.codePages);

  const buf = input;
  const len = buf.length;
  if (len > limits.maxInputBytes) {
    throw new WbxmlError('limit:input', `document of ${len} bytes exceeds maxInputBytes ${limits.maxInputBytes}`, 0);
  }

  // ---- Header: version, public id, charset, string table ----
  if (len === 0) throw new WbxmlError('truncated', 'empty input', 0);
  const version = buf[0]!;
  if (version < 0x01 || version > 0x03) {
    throw new WbxmlError('version', `unsupported WBXML version byte 0x${hex(version)} (accepted: 0x01..0x03)`, 0);
  }
  let pos = 1;
  let mb = readMbUInt32(buf, pos);
  let publicId: number | undefined = mbValue(mb);
  pos += mbLength(mb);
  let publicIdIndex = -1;
  let publicIdOffset = 1;
  if (publicId === 0) {
    publicIdOffset = pos;
    mb = readMbUInt32(buf, pos);
    publicIdIndex = mbValue(mb);
    pos += mbLength(mb);
    publicId = undefined;
  }
  const charsetOffset = pos;
  mb = readMbUInt32(buf, pos);
  const charset = mbValue(mb);
  pos += mbLength(mb);
  if (charset !== CHARSET_UTF8) {
    throw new WbxmlError('charset', `charset ${charset} is not supported; EAS documents must be UTF-8 (106)`, charsetOffset);
  }
  const tableOffset = pos;
  mb = readMbUInt32(buf, pos);
  const tableLength = mbValue(mb);
  pos += mbLength(mb);
  if (tableLength > limits.maxStringTableBytes) {
    throw new WbxmlError(
      'limit:string-table',
      `string table of ${tableLength} bytes exceeds maxStringTableBytes ${limits.maxStringTableBytes}`,
      tableOffset,
    );
  }
  if (tableLength > len - pos) {
    throw new WbxmlError('truncated', `string table of ${tableLength} bytes runs past the end of the input`, len);
  }
  const tableStart = pos;
  const tableEnd = pos + tableLength;
  pos = tableEnd;
  let publicIdString: string | undefined;
  if (publicIdIndex >= 0) {
    publicIdString = tableString(buf, tableStart, tableEnd, publicIdIndex, publicIdOffset, limits, strictUtf8);
  }

  // ---- Body: one pass, explicit stack ----
  const maxDepth = limits.maxDepth;
  const maxElements = limits.maxElements;
  const maxStringBytes = limits.maxStringBytes;
  const maxOpaqueBytes = limits.maxOpaqueBytes;
  /** Open elements; stack[0..depth-1], the innermost is `cur`. */
  const stack: WbxmlElement[] = [];
  let depth = 0;
  let cur: WbxmlElement | undefined;
  let root: WbxmlElement | undefined;
  let elements = 0;
  let page = 0;
  let pageNames = tagNames[0];
  let pageNs = namespaces[0];

  while (pos < len) {
    const start = pos;
    const tok = buf[pos++]!;
    const id = tok & 0x3f;

    if (id >= 5) {
      // ---- A tag: the hot path ----
      if (tok & 0x80) {
        throw new WbxmlError('attribute', `tag 0x${hex(tok)} on page ${page} has attributes, which EAS never uses`, start);
      }
      if (root !== undefined && cur === undefined) {
        throw new WbxmlError('trailing-data', 'a second root element after the document element ended', start);
      }
      let tag = pageNames === undefined ? undefined : pageNames[id];
      let ns = pageNs;
      if (tag === undefined) {
        if (!keepUnknown) {
          if (pageNames === undefined) {
            throw new WbxmlError('unknown-page', `tag 0x${hex(id)} on unknown code page ${page}`, start);
          }
          throw new WbxmlError('unknown-token', `unknown tag 0x${hex(id)} on code page ${page} (${pageNs})`, start);
        }
        tag = unknownTagName(id);
        if (ns === undefined) ns = unknownPageNamespace(page);
      }
      if (depth >= maxDepth) {
        throw new WbxmlError('limit:depth', `element nesting exceeds maxDepth ${maxDepth}`, start);
      }
      if (++elements > maxElements) {
        throw new WbxmlError('limit:elements', `document has more than maxElements ${maxElements} elements`, start);
      }
      const node: WbxmlElement = { ns: ns!, tag, children: [] };
      if (cur === undefined) {
        root = node;
      } else {
        if (cur.text !== undefined || cur.opaque !== undefined || cur.utf8 !== undefined) addChildToContent(cur, start);
        cur.children.push(node);
      }
      if (tok & 0x40) {
        stack[depth++] = node;
        cur = node;
      }
      continue;
    }

    switch (tok) {
      case SWITCH_PAGE: {
        if (pos >= len) throw new WbxmlError('truncated', 'SWITCH_PAGE without its page number', len);
        page = buf[pos++]!;
        pageNames = tagNames[page];
        pageNs = namespaces[page];
        break;
      }
      case END: {
        if (cur === undefined) {
          throw new WbxmlError('unbalanced-end', 'END without an open element', start);
        }
        depth--;
        cur = depth > 0 ? stack[depth - 1] : undefined;
        break;
      }
      case STR_I: {
        if (cur === undefined) throw new WbxmlError('text-outside-root', 'inline string outside the document element', start);
        // Most EAS strings are short: find their NUL in JS before paying for a native search.
        let nul = -1;
        const scanEnd = pos + SHORT_SCAN < len ? pos + SHORT_SCAN : len;
        for (let i = pos; i < scanEnd; i++) {
          if (buf[i] === 0) {
            nul = i;
            break;
          }
        }
        if (nul < 0 && scanEnd < len) nul = buf.indexOf(0, scanEnd);
        if (nul < 0) throw new WbxmlError('truncated', `inline string started at ${pos} has no terminating NUL`, len);
        if (nul - pos > maxStringBytes) {
          throw new WbxmlError('limit:string', `string of ${nul - pos} bytes exceeds maxStringBytes ${maxStringBytes}`, start);
        }
        if (nul - pos >= textBytes && isUtf8(buf.subarray(pos, nul))) {
          addUtf8(cur, copyOpaque ? copyBytes(buf, pos, nul) : buf.subarray(pos, nul), maxStringBytes, start);
        } else {
          addText(cur, utf8(buf, pos, nul, strictUtf8, pos), maxStringBytes, start);
        }
        pos = nul + 1;
        break;
      }
      case STR_T: {
        if (cur === undefined) throw new WbxmlError('text-outside-root', 'string reference outside the document element', start);
        const ref = readMbUInt32(buf, pos);
        pos += mbLength(ref);
        addText(cur, tableString(buf, tableStart, tableEnd, mbValue(ref), start, limits, strictUtf8), maxStringBytes, start);
        break;
      }
      case OPAQUE: {
        if (cur === undefined) throw new WbxmlError('text-outside-root', 'opaque data outside the document element', start);
        const lengthField = readMbUInt32(buf, pos);
        pos += mbLength(lengthField);
        const n = mbValue(lengthField);
        if (n > maxOpaqueBytes) {
          throw new WbxmlError('limit:opaque', `opaque data of ${n} bytes exceeds maxOpaqueBytes ${maxOpaqueBytes}`, start);
        }
        if (n > len - pos) {
          throw new WbxmlError('truncated', `opaque data of ${n} bytes runs past the end of the input`, len);
        }
        const data = copyOpaque ? copyBytes(buf, pos, pos + n) : buf.subarray(pos, pos + n);
        addOpaque(cur, data, maxOpaqueBytes, start);
        pos += n;
        break;
      }
      default: {
        const name = GLOBAL_TOKEN_NAMES[tok] ?? `0x${hex(tok)}`;
        throw new WbxmlError('unsupported-token', `global token ${name} is not used by EAS`, start);
      }
    }
  }

  if (root === undefined) throw new WbxmlError('truncated', 'document has no root element', len);
  if (cur !== undefined) {
    throw new WbxmlError('truncated', `input ended inside <${cur.tag}> with ${depth} element(s) open`, len);
  }
  return {
    header: { version, publicId, publicIdString, charset },
    root,
  };
}

/** A copy of bytes [start, end): an uninitialised Buffer on Node (no zero-fill), else a Uint8Array. */
function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  if (nodeAllocUnsafe === undefined) return buf.slice(start, end);
  const copy = nodeAllocUnsafe(end - start);
  copy.set(buf.subarray(start, end), 0);
  return copy;
}

// ---- content rules (off the hot path) ----

/** A text kept as UTF-8 bytes; next to other content it becomes a string like any text. */
function addUtf8(cur: WbxmlElement, bytes: Uint8Array, maxStringBytes: number, offset: number): void {
  if (cur.children.length === 0 && cur.text === undefined && cur.utf8 === undefined && cur.opaque === undefined) {
    cur.utf8 = bytes;
    return;
  }
  addText(cur, lenientDecoder.decode(bytes), maxStringBytes, offset);
}

function addText(cur: WbxmlElement, s: string, maxStringBytes: number, offset: number): void {
  if (cur.utf8 !== undefined) {
    // A second chunk after a byte text: the element's text becomes one string.
    cur.text = lenientDecoder.decode(cur.utf8);
    delete cur.utf8;
  }
  if (cur.children.length > 0) {
    if (isWhitespace(s)) return;
    throw new WbxmlError('mixed-content', `text in <${cur.tag}>, which has child elements`, offset);
  }
  if (cur.opaque !== undefined) {
    throw new WbxmlError('mixed-content', `text in <${cur.tag}>, which has opaque data`, offset);
  }
  if (cur.text === undefined) {
    cur.text = s;
    return;
  }
  // Several chunks concatenate. Their sum is bounded too (in UTF-16 code units, which never
  // exceed the UTF-8 byte count the individual chunks were checked against).
  if (cur.text.length + s.length > maxStringBytes) {
    throw new WbxmlError('limit:string', `text of <${cur.tag}> exceeds maxStringBytes ${maxStringBytes}`, offset);
  }
  cur.text += s;
}

function addOpaque(cur: WbxmlElement, data: Uint8Array, maxOpaqueBytes: number, offset: number): void {
  if (cur.children.length > 0 || cur.text !== undefined || cur.utf8 !== undefined) {
    throw new WbxmlError('mixed-content', `opaque data in <${cur.tag}>, which has other content`, offset);
  }
  if (cur.opaque === undefined) {
    cur.opaque = data;
    return;
  }
  const total = cur.opaque.length + data.length;
  if (total > maxOpaqueBytes) {
    throw new WbxmlError('limit:opaque', `opaque data of <${cur.tag}> exceeds maxOpaqueBytes ${maxOpaqueBytes}`, offset);
  }
  const joined = new Uint8Array(total);
  joined.set(cur.opaque, 0);
  joined.set(data, cur.opaque.length);
  cur.opaque = joined;
}

/** A child arrives in an element that already has text or opaque content. */
function addChildToContent(cur: WbxmlElement, offset: number): void {
  if (cur.utf8 !== undefined && isWhitespace(lenientDecoder.decode(cur.utf8))) {
    delete cur.utf8;
    return;
  }
  if (cur.opaque === undefined && cur.text !== undefined && isWhitespace(cur.text)) {
    delete cur.text; // formatting whitespace before the first child
    return;
  }
  throw new WbxmlError('mixed-content', `child element in <${cur.tag}>, which has text or opaque data`, offset);
}

function isWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

// ---- strings ----

/** Decode bytes [start, end) as UTF-8. `offset` is reported if strict decoding fails. */
function utf8(buf: Uint8Array, start: number, end: number, strict: boolean, offset: number): string {
  const n = end - start;
  if (n <= SHORT_STRING) {
    // Short ASCII strings (Status "1", Class "Email", ServerIds) are cheaper in JS than a native call.
    let s = '';
    let i = start;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c & 0x80) break;
      s += fromCharCode(c);
    }
    if (i === end) return s;
  }
  if (strict) {
    try {
      return strictDecoder.decode(buf.subarray(start, end));
    } catch {
      throw new WbxmlError('invalid-utf8', 'string is not valid UTF-8', firstInvalidUtf8(buf, start, end, offset));
    }
  }
  if (n >= LONG_TEXT && nodeUcs2Slice !== undefined) return longUtf8(buf, start, end);
  if (nodeUtf8Slice !== undefined) return nodeUtf8Slice.call(buf, start, end);
  return lenientDecoder.decode(buf.subarray(start, end));
}

/**
 * A long text (an HTML body, a note) by the fastest exact route. V8's UTF-8 decoder leaves its
 * fast path at the first non-ASCII byte, so one typographic apostrophe at the top of a 20 KB body
 * slows down the whole body; SIMD checks (node:buffer isAscii/isUtf8) pick a route instead:
 * ASCII is copied as Latin-1 (~10x faster), valid UTF-8 is transcoded to UTF-16 natively (~3x
 * faster), and only malformed input takes the decoder that replaces bad sequences with U+FFFD.
 */
function longUtf8(buf: Uint8Array, start: number, end: number): string {
  const bytes = buf.subarray(start, end);
  if (isAscii(bytes)) return nodeLatin1Slice!.call(buf, start, end);
  if (isUtf8(bytes)) {
    const utf16 = transcode(bytes, 'utf8', 'utf16le');
    return nodeUcs2Slice!.call(utf16, 0, utf16.length);
  }
  return nodeUtf8Slice!.call(buf, start, end);
}

/**
 * Offset of the first byte that makes [start, end) invalid UTF-8 (for the error message);
 * `fallback` if the strict decoder disagreed with this scan, which it should not.
 */
function firstInvalidUtf8(buf: Uint8Array, start: number, end: number, fallback: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return i;
      const c = buf[i + k]!;
      if (k === 1 ? c < min || c > max : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return fallback;
}

/** The NUL-terminated string at `index` in the string table. */
function tableString(
  buf: Uint8Array,
  tableStart: number,
  tableEnd: number,
  index: number,
  offset: number,
  limits: DecodeLimits,
  strict: boolean,
): string {
  if (index >= tableEnd - tableStart) {
    throw new WbxmlError('string-table', `string table reference ${index} is outside the ${tableEnd - tableStart}-byte table`, offset);
  }
  const start = tableStart + index;
  const nul = buf.subarray(start, tableEnd).indexOf(0);
  if (nul < 0) throw new WbxmlError('string-table', `string table entry ${index} has no terminating NUL`, offset);
  if (nul > limits.maxStringBytes) {
    throw new WbxmlError('limit:string', `string of ${nul} bytes exceeds maxStringBytes ${limits.maxStringBytes}`, offset);
  }
  return utf8(buf, start, start + nul, strict, offset);
}

// ---- mb_u_int32 (WBXML 1.3 section 5.1): big-endian base-128, high bit = continuation ----

/**
 * Read an mb_u_int32 at `pos`. Returns value * 8 + byteLength (both fit a double exactly), so the
 * hot loop needs no result object. Throws on truncation, on more than 5 bytes, on values >= 2^32.
 */
function readMbUInt32(buf: Uint8Array, pos: number): number {
  let value = 0;
  const len = buf.length;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= len) throw new WbxmlError('truncated', 'input ends inside a multi-byte integer', len);
    const b = buf[pos + i]!;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) throw new WbxmlError('mb-u-int32', 'multi-byte integer exceeds 32 bits', pos);
      return value * 8 + i + 1;
    }
  }
  throw new WbxmlError('mb-u-int32', 'multi-byte integer longer than 5 bytes', pos);
}

function mbValue(packed: number): number {
  return Math.floor(packed / 8);
}

function mbLength(packed: number): number {
  return packed % 8;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
