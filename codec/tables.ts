/**
 * Code page tables compiled into the shapes the hot loops want: the decoder indexes
 * `tagNames[page][token]` (two array loads per tag), the encoder looks up
 * `byNamespace.get(ns).packed.get(tag)` through a `TagTokens` cursor (two hash lookups, and the
 * namespace lookup is skipped while consecutive elements share a namespace).
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
    byNamespace.set(cp.namespace, { page: cp.page, namespace: cp.namespace, tokens, packed });
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
  private lastTags: ReadonlyMap<string, number> | undefined;

  constructor(readonly pages: CompiledCodePages) {}

  of(ns: string, tag: string): number {
    let tags = this.lastTags;
    if (ns !== this.lastNs) {
      tags = this.pages.byNamespace.get(ns)?.packed;
      this.lastNs = ns;
      this.lastTags = tags;
    }
    if (tags === undefined) return -1;
    const packed = tags.get(tag);
    return packed === undefined ? -1 : packed;
  }
}
