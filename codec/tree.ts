/**
 * The element tree every other codec layer speaks. EAS documents never mix text and
 * child elements in one element, so content is exactly one of: nothing, children,
 * a string, or opaque bytes (in memory, or streamed from an `OpaqueSource` when encoding).
 */
export interface WbxmlElement {
  /** Namespace name as MS-ASWBXML spells it, without the trailing colon: "AirSync", "FolderHierarchy". */
  readonly ns: string;
  /** Tag name as the 16.1 specification spells it: "SyncKey", "ServerId". */
  readonly tag: string;
  readonly children: WbxmlElement[];
  /** Inline or string-table text; undefined when the element has children, opaque data or nothing. */
  text?: string;
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

/** Build an element; `content` is children, text, opaque bytes or a lazy opaque source. */
export function el(
  ns: string,
  tag: string,
  content?: WbxmlElement[] | string | Uint8Array | number | OpaqueSource,
): WbxmlElement {
  if (content === undefined) return { ns, tag, children: [] };
  if (Array.isArray(content)) return { ns, tag, children: content };
  if (content instanceof Uint8Array) return { ns, tag, children: [], opaque: content };
  if (typeof content === 'object') return { ns, tag, children: [], opaqueSource: content };
  return { ns, tag, children: [], text: String(content) };
}

/** "Ns:Tag", the qualified name used in messages, redaction lists and XML. */
export function qname(e: { readonly ns: string; readonly tag: string }): string {
  return `${e.ns}:${e.tag}`;
}

/**
 * Structural equality of two trees (namespaces, tags, text, opaque bytes, child order).
 * An `opaqueSource` compares by identity. Iterative, so it is safe on deep trees.
 */
export function treesEqual(a: WbxmlElement, b: WbxmlElement): boolean {
  const left: WbxmlElement[] = [a];
  const right: WbxmlElement[] = [b];
  while (left.length > 0) {
    const x = left.pop()!;
    const y = right.pop()!;
    if (x.ns !== y.ns || x.tag !== y.tag || x.text !== y.text || x.opaqueSource !== y.opaqueSource) return false;
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
