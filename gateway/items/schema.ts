/**
 * The generic item schema engine: a schema is a list of fields (namespace + tag, the item
 * property, a value type, the protocol versions that carry it), in the order the elements go on
 * the wire. `toApplicationData` writes the ApplicationData children of an item for one protocol
 * version; `fromApplicationData` reads a client's Add/Change ApplicationData back into a partial
 * item. Email is the first class on it; Calendar, Contacts and Tasks add their own schemas.
 *
 * One property may have several fields with disjoint version ranges (2.5's Email:Attachments and
 * 12.0+'s AirSyncBase:Attachments both carry `attachments`): the version picks the shape.
 */
import { el, qname, type WbxmlElement } from '../../codec/tree.js';
import { ItemConversionError, ItemValueError } from './errors.js';
import { decodeScalar, encodeScalar, sanitizeText, type ScalarKind } from './values.js';
import { inRange, type ItemVersion, type VersionRange } from './version.js';

/** A schema with its item type erased, as nested containers refer to it. */
export interface AnySchema {
  readonly name: string;
  readonly fields: readonly AnyField[];
}

export interface ItemSchema<T> extends AnySchema {
  readonly fields: readonly FieldDef<T>[];
}

/** Encoding and decoding of a field the generic types do not cover (flat 2.5 bodies, MeetingRequest). */
export interface CustomCodec {
  /** The elements for this value (any number, any tags): the field's ns/tag are only a default. */
  encode(value: unknown, version: ItemVersion, field: AnyField, path: string): WbxmlElement[];
  /** Absent: the field is server-to-client only, and a client sending it is reported as read-only. */
  decode?(element: WbxmlElement, version: ItemVersion, path: string): unknown;
}

export type FieldType =
  | { readonly kind: ScalarKind }
  /** A container of repeated text children (Categories/Category); an empty list is an empty container. */
  | { readonly kind: 'string-list'; readonly itemNs?: string; readonly itemTag: string }
  /** A container with its own schema (Flag, Body); an empty object is an empty container (`<Flag/>`). */
  | { readonly kind: 'container'; readonly schema: AnySchema }
  /** A container of repeated containers (Attachments/Attachment); an empty list is left out. */
  | { readonly kind: 'container-list'; readonly itemNs?: string; readonly itemTag: string; readonly schema: AnySchema }
  | { readonly kind: 'custom'; readonly codec: CustomCodec };

export interface AnyField extends VersionRange {
  readonly ns: string;
  readonly tag: string;
  readonly property: string;
  readonly type: FieldType;
  /** The server owns the value (ConversationId): a client sending it is reported, not decoded. */
  readonly readOnly?: boolean;
}

export interface FieldDef<T> extends AnyField {
  readonly property: Extract<keyof T, string>;
}

type Range = VersionRange & { readonly readOnly?: boolean };

/** Field constructors bound to an item type, so a misspelt property fails to compile. */
export function fieldsOf<T>() {
  type P = Extract<keyof T, string>;
  const scalar =
    (kind: ScalarKind) =>
    (ns: string, tag: string, property: P, range: Range = {}): FieldDef<T> => ({ ns, tag, property, type: { kind }, ...range });
  return {
    string: scalar('string'),
    int: scalar('int'),
    bool: scalar('bool'),
    emailDate: scalar('email-date'),
    compactDate: scalar('compact-date'),
    opaque: scalar('opaque'),
    textOrOpaque: scalar('text-or-opaque'),
    stringList: (ns: string, tag: string, itemTag: string, property: P, range: Range = {}): FieldDef<T> => ({
      ns, tag, property, type: { kind: 'string-list', itemTag }, ...range,
    }),
    container: (ns: string, tag: string, property: P, schema: AnySchema, range: Range = {}): FieldDef<T> => ({
      ns, tag, property, type: { kind: 'container', schema }, ...range,
    }),
    containerList: (ns: string, tag: string, itemTag: string, property: P, schema: AnySchema, range: Range = {}): FieldDef<T> => ({
      ns, tag, property, type: { kind: 'container-list', itemTag, schema }, ...range,
    }),
    custom: (ns: string, tag: string, property: P, codec: CustomCodec, range: Range = {}): FieldDef<T> => ({
      ns, tag, property, type: { kind: 'custom', codec }, ...range,
    }),
  };
}

export interface EncodeOptions {
  /** Only these properties (a Change that carries just Read, Flag and Categories). Top level only. */
  readonly only?: ReadonlySet<string>;
}

/**
 * The ApplicationData children of `item` for `version`, in schema order: absent (undefined or
 * null) properties and fields the version does not carry are left out.
 */
export function toApplicationData<T>(schema: ItemSchema<T>, item: Partial<T>, version: ItemVersion, options: EncodeOptions = {}): WbxmlElement[] {
  return encodeFields(schema, item as Record<string, unknown>, version, 'ApplicationData', options.only);
}

function encodeFields(schema: AnySchema, item: Record<string, unknown>, version: ItemVersion, path: string, only?: ReadonlySet<string>): WbxmlElement[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ItemValueError(path, 'an object', item);
  const out: WbxmlElement[] = [];
  for (const f of schema.fields) {
    if (!inRange(version, f) || (only !== undefined && !only.has(f.property))) continue;
    const value = item[f.property];
    if (value === undefined || value === null) continue;
    out.push(...encodeField(f, value, version, `${path}/${f.ns}:${f.tag}`));
  }
  return out;
}

function encodeField(f: AnyField, value: unknown, version: ItemVersion, path: string): WbxmlElement[] {
  const t = f.type;
  switch (t.kind) {
    case 'string-list': {
      if (!Array.isArray(value)) throw new ItemValueError(path, 'an array of strings', value);
      const items = value.map((v, i) => {
        if (typeof v !== 'string') throw new ItemValueError(`${path}[${i}]`, 'a string', v);
        return el(t.itemNs ?? f.ns, t.itemTag, sanitizeText(v));
      });
      return [el(f.ns, f.tag, items)];
    }
    case 'container':
      return [el(f.ns, f.tag, encodeFields(t.schema, value as Record<string, unknown>, version, path))];
    case 'container-list': {
      if (!Array.isArray(value)) throw new ItemValueError(path, 'an array', value);
      if (value.length === 0) return [];
      const items = value.map((v: Record<string, unknown>, i) =>
        el(t.itemNs ?? f.ns, t.itemTag, encodeFields(t.schema, v, version, `${path}/${t.itemTag}[${i + 1}]`)),
      );
      return [el(f.ns, f.tag, items)];
    }
    case 'custom':
      return t.codec.encode(value, version, f, path);
    default:
      return [encodeScalar(t.kind, f.ns, f.tag, value, path)];
  }
}

/** Why an element of a client's ApplicationData was not read into the item. */
export interface SkippedElement {
  /** Element path, e.g. "ApplicationData/Email:Flag/Tasks:Foo". */
  readonly path: string;
  readonly reason:
    /** No field of the schema has this namespace and tag. */
    | 'unknown'
    /** A field of another protocol version (2.5's Email:Body in a 14.1 request). */
    | 'not-in-version'
    /** The server owns it (MS-ASEMAIL: a client changing ConversationId gets Status 6). */
    | 'read-only'
    /** The same element twice: the last one counts. */
    | 'duplicate';
}

export interface DecodeResult<T> {
  readonly item: Partial<T>;
  readonly skipped: SkippedElement[];
}

/**
 * The properties a client's Add/Change ApplicationData sets. Unknown, out-of-version and
 * read-only elements are skipped and listed (the caller decides whether that is Status 6);
 * a malformed value throws ItemConversionError.
 */
export function fromApplicationData<T>(schema: ItemSchema<T>, elements: readonly WbxmlElement[], version: ItemVersion): DecodeResult<T> {
  const skipped: SkippedElement[] = [];
  const item = decodeFields(schema, elements, version, 'ApplicationData', skipped);
  return { item: item as Partial<T>, skipped };
}

function decodeFields(schema: AnySchema, elements: readonly WbxmlElement[], version: ItemVersion, path: string, skipped: SkippedElement[]): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const e of elements) {
    const here = `${path}/${qname(e)}`;
    const candidates = schema.fields.filter((f) => f.tag === e.tag && f.ns === e.ns);
    const f = candidates.find((c) => inRange(version, c));
    if (f === undefined) {
      skipped.push({ path: here, reason: candidates.length > 0 ? 'not-in-version' : 'unknown' });
      continue;
    }
    if (f.readOnly || (f.type.kind === 'custom' && f.type.codec.decode === undefined)) {
      skipped.push({ path: here, reason: 'read-only' });
      continue;
    }
    if (f.property in item) skipped.push({ path: here, reason: 'duplicate' });
    item[f.property] = decodeField(f, e, version, here, skipped);
  }
  return item;
}

function decodeField(f: AnyField, e: WbxmlElement, version: ItemVersion, path: string, skipped: SkippedElement[]): unknown {
  const t = f.type;
  switch (t.kind) {
    case 'string-list': {
      const out: string[] = [];
      for (const c of requireContainer(e, path)) {
        const cpath = `${path}/${qname(c)}`;
        if (c.tag !== t.itemTag || c.ns !== (t.itemNs ?? f.ns)) skipped.push({ path: cpath, reason: 'unknown' });
        else out.push(decodeScalar('string', c, cpath) as string);
      }
      return out;
    }
    case 'container':
      return decodeFields(t.schema, requireContainer(e, path), version, path, skipped);
    case 'container-list': {
      const out: Record<string, unknown>[] = [];
      for (const c of requireContainer(e, path)) {
        const cpath = `${path}/${qname(c)}`;
        if (c.tag !== t.itemTag || c.ns !== (t.itemNs ?? f.ns)) skipped.push({ path: cpath, reason: 'unknown' });
        else out.push(decodeFields(t.schema, requireContainer(c, cpath), version, cpath, skipped));
      }
      return out;
    }
    case 'custom':
      return t.codec.decode!(e, version, path);
    default:
      return decodeScalar(t.kind, e, path);
  }
}

/** A container's children; an empty element (`<Flag/>`, `<Categories/>`) has none. */
function requireContainer(e: WbxmlElement, path: string): readonly WbxmlElement[] {
  if (e.opaque !== undefined || e.opaqueSource !== undefined || (e.text !== undefined && e.text.trim() !== '')) {
    throw new ItemConversionError(path, 'not-container', 'expected child elements');
  }
  return e.children;
}
