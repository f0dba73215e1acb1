/**
 * Element tree <-> XML text: for logs, transcripts, fixtures and the `easgate wbxml` CLI.
 *
 * Writing follows the MS-ASCMD examples: the root element declares its namespace as the default
 * (`<Sync xmlns="AirSync:">`), every other namespace used in the document is declared on the root
 * with its lowercased name as prefix (`xmlns:airsyncbase="AirSyncBase:"`, `<airsyncbase:Body>`),
 * and the output is indented, text inline. Everything the tree holds survives the trip back, using
 * attributes in a reserved namespace (`xmlns:wbxml="urn:x-easgate:wbxml"`) only where plain XML
 * cannot say it:
 *
 * - `wbxml:opaque="base64"`: the element's content is OPAQUE bytes, written as base64.
 * - `wbxml:text="base64"`: text holding characters XML 1.0 cannot carry (control characters),
 *   written as base64 of its UTF-8 bytes.
 * - `wbxml:text="empty"`: text that is the empty string (an empty STR_I), which plain XML cannot
 *   tell from an element without content.
 * - `wbxml:opaque="redacted"` / `wbxml:text="redacted"` / `wbxml:opaque="stream"`: content left out
 *   of a log (`redact`) or not in memory (`opaqueSource`); `fromXml` refuses these.
 *
 * Reading accepts our own output; what `wbxml2xml -l ACTIVESYNC` writes (DOCTYPE, a default
 * namespace declaration on every element whose page differs from its parent's, OPAQUE as base64
 * for some elements: pass those as `opaqueElements`, and map libwbxml's legacy names with
 * `mapName`); and namespaces with or without the trailing colon (the Microsoft XSDs and many
 * examples omit it), or none at all (`defaultNamespace`).
 */
import { DOMParser } from '@xmldom/xmldom';
import { XmlError } from './errors.js';
import { textString, type WbxmlElement } from './tree.js';

/** Namespace of the marker attributes. */
export const WBXML_XML_NAMESPACE = 'urn:x-easgate:wbxml';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface RedactOptions {
  /**
   * Elements whose text is replaced by "[redacted N bytes]": "Ns:Tag" for one namespace, or
   * "Tag" for that tag in every namespace.
   */
  tags?: Iterable<string>;
  /** Replace all opaque content too (default true). */
  opaque?: boolean;
}

/**
 * What a protocol log should hide: passwords, and message, calendar, contact and task bodies.
 * Opaque content (MIME, attachments) is hidden by `opaque: true`.
 */
export const LOG_REDACTIONS: Readonly<Required<RedactOptions>> = Object.freeze({
  tags: Object.freeze([
    'Password',
    'AirSyncBase:Data',
    'AirSyncBase:Preview',
    'AirSyncBase:Content',
    'Email:Body',
    'Calendar:Body',
    'Contacts:Body',
    'Tasks:Body',
    'ComposeMail:Mime',
    'ItemOperations:Data',
  ]),
  opaque: true,
});

export interface ToXmlOptions {
  /** Indentation per level (default two spaces); '' writes everything on one line. */
  indent?: string;
  /** Start with `<?xml version="1.0" encoding="utf-8"?>` (default true). */
  declaration?: boolean;
  /** Hide sensitive content; `true` means `LOG_REDACTIONS`. */
  redact?: RedactOptions | boolean;
}

export interface FromXmlOptions {
  /** Namespace for elements that have none (e.g. XML written without xmlns). Default: reject them. */
  defaultNamespace?: string;
  /** Rename elements after reading, e.g. libwbxml's legacy names to the specification's. */
  mapName?: (ns: string, tag: string) => { ns: string; tag: string };
  /**
   * Elements ("Ns:Tag", after `mapName`) whose text is base64 of OPAQUE content although they carry
   * no `wbxml:opaque` marker: what wbxml2xml writes for ComposeMail:Mime and a few others.
   */
  opaqueElements?: Iterable<string>;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Characters XML 1.0 cannot carry, not even as character references. */
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TEXT_ESCAPES = /[&<>\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Serialise a tree as XML text. */
export function toXml(root: WbxmlElement, options?: ToXmlOptions): string {
  const indent = options?.indent ?? '  ';
  const newline = indent === '' ? '' : '\n';
  const redaction = resolveRedaction(options?.redact);

  // Namespaces in order of first use: the root's is the default, the others get prefixes.
  const prefixes = new Map<string, string>([[root.ns, '']]);
  const used = new Set<string>(['', 'xml', 'xmlns', 'wbxml']);
  let needsMarker = false;
  const walk: WbxmlElement[] = [root];
  while (walk.length > 0) {
    const e = walk.pop()!;
    if (!prefixes.has(e.ns)) prefixes.set(e.ns, uniquePrefix(e.ns, used));
    if (e.opaque !== undefined || e.opaqueSource !== undefined) needsMarker = true;
    else {
      const text = textString(e);
      if (text !== undefined && (text === '' || XML_ILLEGAL.test(text) || redaction?.matches(e))) needsMarker = true;
    }
    for (let i = e.children.length - 1; i >= 0; i--) walk.push(e.children[i]!);
  }

  const out: string[] = [];
  if (options?.declaration !== false) out.push('<?xml version="1.0" encoding="utf-8"?>', newline);
  let rootAttributes = ` xmlns="${escapeAttribute(root.ns)}:"`;
  for (const [ns, prefix] of prefixes) {
    if (prefix !== '') rootAttributes += ` xmlns:${prefix}="${escapeAttribute(ns)}:"`;
  }
  if (needsMarker) rootAttributes += ` xmlns:wbxml="${WBXML_XML_NAMESPACE}"`;

  // Iterative pre/post-order walk: (element, depth, closing?).
  const stack: { e: WbxmlElement; depth: number; close: boolean }[] = [{ e: root, depth: 0, close: false }];
  while (stack.length > 0) {
    const { e, depth, close } = stack.pop()!;
    const pad = indent.repeat(depth);
    const prefix = prefixes.get(e.ns)!;
    const name = prefix === '' ? e.tag : `${prefix}:${e.tag}`;
    if (close) {
      out.push(pad, '</', name, '>', newline);
      continue;
    }
    const attributes = e === root ? rootAttributes : '';
    if (e.children.length > 0) {
      out.push(pad, '<', name, attributes, '>', newline);
      stack.push({ e, depth, close: true });
      for (let i = e.children.length - 1; i >= 0; i--) stack.push({ e: e.children[i]!, depth: depth + 1, close: false });
      continue;
    }
    const [marker, content] = leafContent(e, redaction);
    if (content === undefined) {
      out.push(pad, '<', name, attributes, marker, '/>', newline);
    } else {
      out.push(pad, '<', name, attributes, marker, '>', content, '</', name, '>', newline);
    }
  }
  return out.join('');
}

/** [marker attribute, escaped content or undefined for none] of an element without children. */
function leafContent(e: WbxmlElement, redaction: Redaction | undefined): [string, string | undefined] {
  if (e.opaque !== undefined) {
    if (redaction?.opaque) return [' wbxml:opaque="redacted"', `[redacted ${e.opaque.length} bytes]`];
    return [' wbxml:opaque="base64"', base64(e.opaque)];
  }
  if (e.opaqueSource !== undefined) return [' wbxml:opaque="stream"', `[opaque stream ${e.opaqueSource.length} bytes]`];
  if (e.utf8 !== undefined && redaction?.matches(e)) return [' wbxml:text="redacted"', `[redacted ${e.utf8.length} bytes]`];
  const text = textString(e);
  if (text === undefined) return ['', undefined];
  if (redaction?.matches(e)) return [' wbxml:text="redacted"', `[redacted ${Buffer.byteLength(text, 'utf8')} bytes]`];
  if (text === '') return [' wbxml:text="empty"', undefined];
  if (XML_ILLEGAL.test(text)) return [' wbxml:text="base64"', Buffer.from(text, 'utf8').toString('base64')];
  return ['', text.replace(TEXT_ESCAPES, (c) => ESCAPED[c]!)];
}

interface Redaction {
  readonly opaque: boolean;
  matches(e: WbxmlElement): boolean;
}

function resolveRedaction(redact: RedactOptions | boolean | undefined): Redaction | undefined {
  if (redact === undefined || redact === false) return undefined;
  const spec = redact === true ? LOG_REDACTIONS : redact;
  const qualified = new Set<string>();
  const anyNamespace = new Set<string>();
  for (const t of spec.tags ?? []) (t.includes(':') ? qualified : anyNamespace).add(t);
  return {
    opaque: spec.opaque !== false,
    matches: (e) => (e.text !== undefined || e.utf8 !== undefined) && (anyNamespace.has(e.tag) || qualified.has(`${e.ns}:${e.tag}`)),
  };
}

function uniquePrefix(ns: string, used: Set<string>): string {
  let base = ns.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  if (!/^[a-z_]/.test(base) || base.startsWith('xml')) base = `ns_${base}`;
  let prefix = base;
  for (let i = 2; used.has(prefix); i++) prefix = `${base}${i}`;
  used.add(prefix);
  return prefix;
}

function escapeAttribute(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '"' ? '&quot;' : ESCAPED[c]!));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Reading

// DOM node types.
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** Minimal DOM shapes we read (xmldom's types are wider than we need). */
interface DomNode {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly childNodes: { readonly length: number; item(i: number): DomNode | null };
}
interface DomElement extends DomNode {
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly tagName: string;
  readonly attributes: { readonly length: number; item(i: number): DomAttr | null };
}
interface DomAttr {
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly name: string;
  readonly value: string;
}

/** Read XML text into a tree. Throws XmlError. */
export function fromXml(xml: string, options?: FromXmlOptions): WbxmlElement {
  let documentElement: DomElement | null;
  try {
    const parser = new DOMParser({
      onError: (level: string, message: string) => {
        if (level !== 'warning') throw new Error(message);
      },
    });
    documentElement = parser.parseFromString(xml, 'text/xml').documentElement as unknown as DomElement | null;
  } catch (error) {
    throw new XmlError('xml', `not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (documentElement === null) throw new XmlError('xml', 'no document element');

  const opaqueElements = new Set(options?.opaqueElements ?? []);
  const convert = (node: DomElement): WbxmlElement => {
    let ns = node.namespaceURI ?? options?.defaultNamespace;
    if (ns === undefined || ns === '') {
      throw new XmlError('namespace', `element <${node.tagName}> has no namespace (pass defaultNamespace to allow that)`);
    }
    if (ns === WBXML_XML_NAMESPACE) throw new XmlError('namespace', `<${node.tagName}> is in the reserved marker namespace`);
    if (ns.endsWith(':')) ns = ns.slice(0, -1);
    let tag = node.localName ?? node.tagName;
    if (options?.mapName) ({ ns, tag } = options.mapName(ns, tag));
    return { ns, tag, children: [] };
  };

  const root = convert(documentElement);
  const stack: [DomElement, WbxmlElement][] = [[documentElement, root]];
  while (stack.length > 0) {
    const [node, element] = stack.pop()!;
    let marker: { kind: 'opaque' | 'text'; value: string } | undefined;
    const attributes = node.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attr = attributes.item(i)!;
      if (attr.namespaceURI === XMLNS_NAMESPACE || attr.name === 'xmlns') continue;
      if (attr.namespaceURI === WBXML_XML_NAMESPACE && (attr.localName === 'opaque' || attr.localName === 'text')) {
        marker = { kind: attr.localName, value: attr.value };
        continue;
      }
      throw new XmlError('attribute', `unexpected attribute ${attr.name} on <${node.tagName}>`);
    }

    let text = '';
    const childElements: DomElement[] = [];
    const nodes = node.childNodes;
    for (let i = 0; i < nodes.length; i++) {
      const child = nodes.item(i)!;
      if (child.nodeType === ELEMENT_NODE) childElements.push(child as DomElement);
      else if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) text += child.nodeValue ?? '';
    }

    if (childElements.length > 0) {
      if (marker !== undefined) throw new XmlError('mixed-content', `<${node.tagName}> has a content marker and child elements`);
      if (!/^[ \t\r\n]*$/.test(text)) throw new XmlError('mixed-content', `<${node.tagName}> has both text and child elements`);
      for (const childNode of childElements) {
        const child = convert(childNode);
        element.children.push(child);
        stack.push([childNode, child]);
      }
      continue;
    }

    if (marker === undefined) {
      if (opaqueElements.has(`${element.ns}:${element.tag}`)) element.opaque = fromBase64(text, node.tagName);
      else if (text !== '') element.text = text;
    } else if (marker.kind === 'opaque' && marker.value === 'base64') {
      element.opaque = fromBase64(text, node.tagName);
    } else if (marker.kind === 'text' && marker.value === 'base64') {
      element.text = Buffer.from(fromBase64(text, node.tagName)).toString('utf8');
    } else if (marker.kind === 'text' && marker.value === 'empty') {
      if (text !== '') throw new XmlError('mixed-content', `<${node.tagName} wbxml:text="empty"> has text`);
      element.text = '';
    } else if (marker.value === 'redacted' || marker.value === 'stream') {
      throw new XmlError('redacted', `<${node.tagName}> content was ${marker.value === 'stream' ? 'streamed' : 'redacted'} and cannot be restored`);
    } else {
      throw new XmlError('attribute', `unknown wbxml:${marker.kind}="${marker.value}" on <${node.tagName}>`);
    }
  }
  return root;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64(text: string, tagName: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new XmlError('base64', `<${tagName}> does not hold valid base64`);
  }
  return Buffer.from(compact, 'base64');
}
