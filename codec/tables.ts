/**
 * Code page tables compiled into the shapes the hot loops want: the decoder indexes
 * `tagNames[page][token]` (two array loads per tag), the encoder looks up
 * `byNamespace.get(ns).slots` and the tag in them through a `TagTokens` cursor (the namespace lookup
 * is skipped while consecutive elements share a namespace).
 */
import { CODE_PAGES } from './codepages/index.js';
import type { CodePage } from './codepages/types.js';

export interface NamespaceTokens {
  readonly page: number;
  readonly namespace: string;
  /** Tag name -> token (0x05..0x3F, without the content bit). */
  readonly tokens: ReadonlyMap<string, number>;
  /** Tag name -> page << 8 | token: what the encoder needs, in one lookup. */
  readonly packed: ReadonlyMap<string, number>;
  /** `packed` as an open-addressing table for the encoder's hot loop (see `tagSlot`). */
  readonly slots: TagSlots;
}

/**
 * Tag name -> page << 8 | token as two parallel arrays of SLOTS entries with linear probing:
 * empty slots hold '' -> -1. A hash of three characters and the length, then a string comparison
 * (a pointer comparison for the interned names trees are built from), is cheaper per element than
 * Map#get, which hashes the whole string the first time it sees it.
 */
export interface TagSlots {
  readonly names: readonly string[];
  readonly values: Int32Array;
}

const SLOTS = 256;

function tagSlot(tag: string): number {
  const n = tag.length;
  // charCodeAt past the end is NaN, which `& (SLOTS - 1)` turns into 0: '' hashes to slot 0.
  return (n * 31 + tag.charCodeAt(0) * 7 + tag.charCodeAt(n - 1) * 3 + tag.charCodeAt(n >> 1)) & (SLOTS - 1);
}

function buildSlots(packed: ReadonlyMap<string, number>): TagSlots {
  const names = new Array<string>(SLOTS).fill('');
  const values = new Int32Array(SLOTS).fill(-1);
  for (const [name, value] of packed) {
    if (name === '') continue;
    let i = tagSlot(name);
    while (names[i] !== '') i = (i + 1) & (SLOTS - 1);
    names[i] = name;
    values[i] = value;
  }
  return { names, values };
}

/** page << 8 | token of `tag` in `slots`, or -1. */
function lookupSlot(slots: TagSlots, tag: string): number {
  const names = slots.names;
  let i = tagSlot(tag);
  for (;;) {
    const name = names[i]!;
    if (name === tag) return slots.values[i]!;
    if (name === '') return -1;
    i = (i + 1) & (SLOTS - 1);
  }
}

export interface CompiledCodePages {
  /** Indexed by page number, then by token & 0x3F; undefined for unknown pages and tokens. */
  readonly tagNames: ReadonlyArray<ReadonlyArray<string | undefined> | undefined>;
  /** Namespace of each page number. */
  readonly namespaces: ReadonlyArray<string | undefined>;
  readonly byNamespace: ReadonlyMap<string, NamespaceTokens>;
}

/** Prefix of the names `unknownTags: 'keep'` gives to tokens no code page defines: `Unknown_0x2A`. */
export const UNKNOWN_TAG_PREFIX = 'Unknown_0x';
/** Namespace given to tags on pages no code page defines: `Unknown_Page_25`. */
export const UNKNOWN_PAGE_PREFIX = 'Unknown_Page_';

export function unknownTagName(token: number): string {
  return UNKNOWN_TAG_PREFIX + token.toString(16).toUpperCase().padStart(2, '0');
}

export function unknownPageNamespace(page: number): string {
  return UNKNOWN_PAGE_PREFIX + String(page);
}

/** The token an `Unknown_0xNN` name stands for, or undefined. */
export function parseUnknownTagName(tag: string): number | undefined {
  if (tag.length !== UNKNOWN_TAG_PREFIX.length + 2 || !tag.startsWith(UNKNOWN_TAG_PREFIX)) return undefined;
  const token = Number.parseInt(tag.slice(UNKNOWN_TAG_PREFIX.length), 16);
  return Number.isInteger(token) && token >= 0x05 && token <= 0x3f ? token : undefined;
}

/** The page an `Unknown_Page_N` namespace stands for, or undefined. */
export function parseUnknownPageNamespace(ns: string): number | undefined {
  if (!ns.startsWith(UNKNOWN_PAGE_PREFIX)) return undefined;
  const digits = ns.slice(UNKNOWN_PAGE_PREFIX.length);
  if (!/^\d{1,3}$/.test(digits)) return undefined;
  const page = Number(digits);
  return page <= 255 ? page : undefined;
}

/** Compile a set of code pages. Throws on tables that cannot be right (programming errors). */
export function compileCodePages(pages: readonly CodePage[]): CompiledCodePages {
  const tagNames: (string | undefined)[][] = [];
  const namespaces: (string | undefined)[] = [];
  const byNamespace = new Map<string, NamespaceTokens>();
  for (const cp of pages) {
    if (cp === undefined) continue; // tolerate a sparse array
    if (!Number.isInteger(cp.page) || cp.page < 0 || cp.page > 255) {
      throw new RangeError(`code page ${cp.namespace}: page number ${cp.page} is not 0..255`);
    }
    if (namespaces[cp.page] !== undefined) throw new Error(`code page ${cp.page} is defined twice`);
    if (byNamespace.has(cp.namespace)) throw new Error(`namespace ${cp.namespace} is defined twice`);
    const names = new Array<string | undefined>(64).fill(undefined);
    const tokens = new Map<string, number>();
    const packed = new Map<string, number>();
    for (const [key, name] of Object.entries(cp.tags)) {
      const token = Number(key);
      if (!Number.isInteger(token) || token < 0x05 || token > 0x3f) {
        throw new RangeError(`code page ${cp.namespace}: token ${key} is not 0x05..0x3F`);
      }
      names[token] = name;
      if (!tokens.has(name)) {
        tokens.set(name, token);
        packed.set(name, (cp.page << 8) | token);
      }
    }
    tagNames[cp.page] = names;
    namespaces[cp.page] = cp.namespace;
    byNamespace.set(cp.namespace, { page: cp.page, namespace: cp.namespace, tokens, packed, slots: buildSlots(packed) });
  }
  return { tagNames, namespaces, byNamespace };
}

const DEFAULT_COMPILED = compileCodePages(CODE_PAGES);
/** Compiled forms of caller-supplied tables, so options.codePages costs one compile per table. */
const compiledCache = new WeakMap<readonly CodePage[], CompiledCodePages>();

/** The compiled tables for `pages` (default: MS-ASWBXML's `CODE_PAGES`). */
export function compiledPages(pages?: readonly CodePage[]): CompiledCodePages {
  if (pages === undefined || pages === CODE_PAGES) return DEFAULT_COMPILED;
  let compiled = compiledCache.get(pages);
  if (compiled === undefined) {
    compiled = compileCodePages(pages);
    compiledCache.set(pages, compiled);
  }
  return compiled;
}

/**
 * The encoder's tag lookup, shared by its recursive and its resumable path: page << 8 | token of
 * an element, remembering the last namespace (consecutive elements mostly share one, so usually
 * only the tag is looked up). -1 when the code pages do not define the tag; the caller then tries
 * the `Unknown_*` names and reports the error with its element path.
 */
export class TagTokens {
  private lastNs: string | undefined;
  private lastSlots: TagSlots | undefined;

  constructor(readonly pages: CompiledCodePages) {}

  of(ns: string, tag: string): number {
    let slots = this.lastSlots;
    if (ns !== this.lastNs) {
      slots = this.pages.byNamespace.get(ns)?.slots;
      this.lastNs = ns;
      this.lastSlots = slots;
    }
    return slots === undefined ? -1 : lookupSlot(slots, tag);
  }
}
