/**
 * The element tree every other codec layer speaks. EAS documents never mix text and
 * child elements in one element, so content is exactly one of: nothing, children,
 * text (a string, or UTF-8 bytes in `utf8`), or opaque bytes (in memory, or streamed from an
 * `OpaqueSource` when encoding).
 */
export interface WbxmlElement {
  /** Namespace name as MS-ASWBXML spells it, without the trailing colon: "AirSync", "FolderHierarchy". */
  readonly ns: string;
  /** Tag name as the 16.1 specification spells it: "SyncKey", "ServerId". */
  readonly tag: string;
  readonly children: WbxmlElement[];
  /** Inline or string-table text; undefined when the element has children, opaque data or nothing. */
  text?: string;
  /**
   * Text as UTF-8 bytes, written as an inline string by copying them: a mail body that arrives
   * from IMAP as UTF-8 never becomes a JavaScript string. Must not contain NUL (the encoder
   * checks: EncodeError 'nul-in-text') and must be valid UTF-8, which whoever builds the element
   * checks (`isUtf8` from node:buffer; the decoder's `textBytes` views are checked), because the
   * encoder copies the bytes unexamined, as libwbxml does. Read it with `textString` when a
   * string is needed. Build with `elUtf8`; `decode` yields it for long strings with `textBytes`.
   */
  utf8?: Uint8Array;
  /** Opaque (binary) content: MIME, ConversationId, attachment data. Never treated as text. */
  opaque?: Uint8Array;
  /**
   * Opaque content produced lazily, for the streaming encoder only (`encodeChunks`,
   * `encodeToStream`): a 50 MB attachment is written as OPAQUE header + its chunks without
   * ever being held in memory as a whole. The synchronous `encode` rejects it.
   */
  opaqueSource?: OpaqueSource;
}

/** Opaque bytes of a known length that arrive as a stream of chunks. */
export interface OpaqueSource {
  /** Exact number of bytes `stream()` yields; it is written before the data (WBXML needs it up front). */
  readonly length: number;
  /** Called once per encoding; must yield exactly `length` bytes in total. */
  stream(): AsyncIterable<Uint8Array>;
}

/**
 * Build an element; `content` is children, text, opaque bytes or a lazy opaque source.
 *
 * Every element the codec makes (here, in the decoder, in fromXml) starts as the same
 * three-property object and gets its content assigned afterwards, so all trees share the same
 * few V8 hidden classes. That keeps the encoder's property accesses polymorphic instead of
 * megamorphic, which measured 3-6x faster; build trees with `el`/`element` rather than object
 * literals where speed matters.
 */
export function el(
  ns: string,
  tag: string,
  content?: WbxmlElement[] | string | Uint8Array | number | OpaqueSource,
): WbxmlElement {
  if (content === undefined) return element(ns, tag, []);
  if (Array.isArray(content)) return element(ns, tag, content);
  const e = element(ns, tag, []);
  if (content instanceof Uint8Array) e.opaque = content;
  else if (typeof content === 'object') e.opaqueSource = content;
  else e.text = String(content);
  return e;
}

/** A new element with these children and no other content: the one shape every element starts from. */
export function element(ns: string, tag: string, children: WbxmlElement[]): WbxmlElement {
  return { ns, tag, children };
}

/**
 * An element whose text is given as UTF-8 bytes (kept as they are, not copied): `bytes` must be
 * valid UTF-8 (the caller's check) without NUL (the encoder's check).
 */
export function elUtf8(ns: string, tag: string, bytes: Uint8Array): WbxmlElement {
  const e = element(ns, tag, []);
  e.utf8 = bytes;
  return e;
}

const utf8Decoder = new TextDecoder('utf-8');

/** An element's text as a string, whichever form it is held in; undefined if it has no text. */
export function textString(e: WbxmlElement): string | undefined {
  if (e.text !== undefined) return e.text;
  return e.utf8 === undefined ? undefined : utf8Decoder.decode(e.utf8);
}

/** "Ns:Tag", the qualified name used in messages, redaction lists and XML. */
export function qname(e: { readonly ns: string; readonly tag: string }): string {
  return `${e.ns}:${e.tag}`;
}

/**
 * Structural equality of two trees (namespaces, tags, text, opaque bytes, child order). Text
 * compares by content whether it is held as a string or as UTF-8 bytes, as both encode the same.
 * An `opaqueSource` compares by identity. Iterative, so it is safe on deep trees.
 */
export function treesEqual(a: WbxmlElement, b: WbxmlElement): boolean {
  const left: WbxmlElement[] = [a];
  const right: WbxmlElement[] = [b];
  while (left.length > 0) {
    const x = left.pop()!;
    const y = right.pop()!;
    if (x.ns !== y.ns || x.tag !== y.tag || x.opaqueSource !== y.opaqueSource) return false;
    if (x.utf8 !== undefined || y.utf8 !== undefined) {
      if (textString(x) !== textString(y)) return false;
    } else if (x.text !== y.text) return false;
    if (x.children.length !== y.children.length) return false;
    if ((x.opaque === undefined) !== (y.opaque === undefined)) return false;
    if (x.opaque !== undefined && !bytesEqual(x.opaque, y.opaque!)) return false;
    for (let i = 0; i < x.children.length; i++) {
      left.push(x.children[i]!);
      right.push(y.children[i]!);
    }
  }
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
