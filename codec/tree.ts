/**
 * The element tree every other codec layer speaks. EAS documents never mix text and
 * child elements in one element, so content is exactly one of: nothing, children,
 * a string, or opaque bytes.
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
}

/** Build an element; `content` is children, text or opaque bytes. */
export function el(ns: string, tag: string, content?: WbxmlElement[] | string | Uint8Array | number): WbxmlElement {
  if (content === undefined) return { ns, tag, children: [] };
  if (Array.isArray(content)) return { ns, tag, children: content };
  if (content instanceof Uint8Array) return { ns, tag, children: [], opaque: content };
  return { ns, tag, children: [], text: String(content) };
}
