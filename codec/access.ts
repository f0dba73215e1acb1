/**
 * Typed accessors, so command handlers never walk raw trees by hand:
 *
 *   const coll = requireChild(collections, AS, 'Collection');
 *   const key = requireText(coll, AS, 'SyncKey');
 *   const window = intOf(coll, AS, 'WindowSize') ?? 100;
 *   const mime = opaqueOf(sendMail, CM, 'Mime');
 *
 * `xxxOf` returns undefined when the child is absent; `requireXxx` throws SchemaError. Both throw
 * SchemaError when the child is there but malformed. `accessorsFor(ns)` binds the namespace.
 */
import { SchemaError } from './errors.js';
import { textString, type WbxmlElement } from './tree.js';

const path = (parent: WbxmlElement, ns: string, tag: string): string => `${parent.tag}/${ns}:${tag}`;

/** The first child `ns:tag`, or undefined. */
export function child(parent: WbxmlElement, ns: string, tag: string): WbxmlElement | undefined {
  for (const c of parent.children) if (c.tag === tag && c.ns === ns) return c;
  return undefined;
}

/** Every child `ns:tag`, in document order. */
export function children(parent: WbxmlElement, ns: string, tag: string): WbxmlElement[] {
  return parent.children.filter((c) => c.tag === tag && c.ns === ns);
}

export function requireChild(parent: WbxmlElement, ns: string, tag: string): WbxmlElement {
  const c = child(parent, ns, tag);
  if (c === undefined) throw new SchemaError('missing', 'required element missing', path(parent, ns, tag));
  return c;
}

/** The text of child `ns:tag` ('' for an empty element); SchemaError if it has children or opaque data. */
export function textOf(parent: WbxmlElement, ns: string, tag: string): string | undefined {
  const c = child(parent, ns, tag);
  return c === undefined ? undefined : textContent(c, path(parent, ns, tag));
}

export function requireText(parent: WbxmlElement, ns: string, tag: string): string {
  return textContent(requireChild(parent, ns, tag), path(parent, ns, tag));
}

/** A decimal integer (optionally negative, surrounding whitespace allowed), as a safe integer. */
export function intOf(parent: WbxmlElement, ns: string, tag: string): number | undefined {
  const c = child(parent, ns, tag);
  return c === undefined ? undefined : toInt(c, path(parent, ns, tag));
}

export function requireInt(parent: WbxmlElement, ns: string, tag: string): number {
  return toInt(requireChild(parent, ns, tag), path(parent, ns, tag));
}

/**
 * EAS booleans: "1"/"0" (also "true"/"false"), and an empty element means true (`<GetChanges/>`,
 * `<SaveInSentItems/>`). Absent: undefined.
 */
export function boolOf(parent: WbxmlElement, ns: string, tag: string): boolean | undefined {
  const c = child(parent, ns, tag);
  return c === undefined ? undefined : toBool(c, path(parent, ns, tag));
}

export function requireBool(parent: WbxmlElement, ns: string, tag: string): boolean {
  return toBool(requireChild(parent, ns, tag), path(parent, ns, tag));
}

/**
 * Opaque content of child `ns:tag`. Text is accepted too and returned as its UTF-8 bytes: some
 * clients send MIME as an inline string rather than OPAQUE. An empty element is zero bytes.
 */
export function opaqueOf(parent: WbxmlElement, ns: string, tag: string): Uint8Array | undefined {
  const c = child(parent, ns, tag);
  return c === undefined ? undefined : toBytes(c, path(parent, ns, tag));
}

export function requireOpaque(parent: WbxmlElement, ns: string, tag: string): Uint8Array {
  return toBytes(requireChild(parent, ns, tag), path(parent, ns, tag));
}

function textContent(e: WbxmlElement, where: string): string {
  if (e.children.length > 0 || e.opaque !== undefined || e.opaqueSource !== undefined) {
    throw new SchemaError('not-text', 'expected text content', where);
  }
  return textString(e) ?? '';
}

function toInt(e: WbxmlElement, where: string): number {
  const text = textContent(e, where).trim();
  const n = /^-?\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new SchemaError('not-int', `expected an integer, got "${text.slice(0, 40)}"`, where);
  return n;
}

function toBool(e: WbxmlElement, where: string): boolean {
  const text = textContent(e, where).trim();
  if (text === '' || text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new SchemaError('not-bool', `expected 0 or 1, got "${text.slice(0, 40)}"`, where);
}

function toBytes(e: WbxmlElement, where: string): Uint8Array {
  if (e.opaque !== undefined) return e.opaque;
  if (e.children.length > 0 || e.opaqueSource !== undefined) throw new SchemaError('not-opaque', 'expected opaque content', where);
  if (e.utf8 !== undefined) return e.utf8;
  return new TextEncoder().encode(e.text ?? '');
}

/** The accessors with the namespace bound: `const as = accessorsFor('AirSync'); as.requireText(coll, 'SyncKey')`. */
export function accessorsFor(ns: string) {
  return {
    ns,
    child: (parent: WbxmlElement, tag: string) => child(parent, ns, tag),
    children: (parent: WbxmlElement, tag: string) => children(parent, ns, tag),
    requireChild: (parent: WbxmlElement, tag: string) => requireChild(parent, ns, tag),
    textOf: (parent: WbxmlElement, tag: string) => textOf(parent, ns, tag),
    requireText: (parent: WbxmlElement, tag: string) => requireText(parent, ns, tag),
    intOf: (parent: WbxmlElement, tag: string) => intOf(parent, ns, tag),
    requireInt: (parent: WbxmlElement, tag: string) => requireInt(parent, ns, tag),
    boolOf: (parent: WbxmlElement, tag: string) => boolOf(parent, ns, tag),
    requireBool: (parent: WbxmlElement, tag: string) => requireBool(parent, ns, tag),
    opaqueOf: (parent: WbxmlElement, tag: string) => opaqueOf(parent, ns, tag),
    requireOpaque: (parent: WbxmlElement, tag: string) => requireOpaque(parent, ns, tag),
  } as const;
}
