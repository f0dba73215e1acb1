/**
 * A fluent builder for expected WBXML bytes (the pg-protocol test pattern): tests say
 * `wbxml().page(7).open('FolderSync').leaf('SyncKey', '0').end().bytes()` instead of hex blobs.
 * Tag names resolve against the builder's code pages on the current page; numbers are raw tokens.
 * It writes exactly what it is told (redundant SWITCH_PAGEs, broken structure, odd headers), so it
 * also builds hostile inputs.
 */
import type { CodePage } from '../../../../codec/codepages/types.js';
import { LOCAL_PAGES } from './local-pages.js';

export class WbxmlBuilder {
  private readonly out: number[] = [];
  private currentPage = 0;

  constructor(private readonly pages: readonly CodePage[] = LOCAL_PAGES) {}

  /** Header bytes; `header()` is the EAS default `03 01 6a 00`. */
  header(opts: { version?: number; publicId?: number[]; charset?: number[]; stringTable?: number[] | string } = {}): this {
    this.out.push(opts.version ?? 0x03, ...(opts.publicId ?? [0x01]), ...(opts.charset ?? [0x6a]));
    const table = typeof opts.stringTable === 'string' ? [...Buffer.from(opts.stringTable, 'utf8')] : (opts.stringTable ?? []);
    this.out.push(...mb(table.length), ...table);
    return this;
  }

  /** SWITCH_PAGE; by number or namespace name. */
  page(p: number | string): this {
    const n = typeof p === 'number' ? p : this.pageOf(p);
    this.out.push(0x00, n);
    this.currentPage = n;
    return this;
  }

  /** A tag with the content bit (to be closed by `end()`). */
  open(tag: string | number): this {
    this.out.push(this.token(tag) | 0x40);
    return this;
  }

  /** A tag without content. */
  empty(tag: string | number): this {
    this.out.push(this.token(tag));
    return this;
  }

  /** `open(tag) str(text) end()`. */
  leaf(tag: string | number, text: string): this {
    return this.open(tag).str(text).end();
  }

  end(): this {
    this.out.push(0x01);
    return this;
  }

  /** STR_I: UTF-8 text + NUL. */
  str(text: string): this {
    this.out.push(0x03, ...Buffer.from(text, 'utf8'), 0x00);
    return this;
  }

  /** STR_T with a string-table index. */
  strT(index: number): this {
    this.out.push(0x83, ...mb(index));
    return this;
  }

  /** OPAQUE with its length. */
  opaque(data: Uint8Array | number[] | string): this {
    const bytes = typeof data === 'string' ? [...Buffer.from(data, 'utf8')] : [...data];
    this.out.push(0xc3, ...mb(bytes.length), ...bytes);
    return this;
  }

  /** Anything else, byte by byte. */
  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  private token(tag: string | number): number {
    if (typeof tag === 'number') return tag;
    const cp = this.pages.find((p) => p.page === this.currentPage);
    const entry = cp && Object.entries(cp.tags).find(([, name]) => name === tag);
    if (!entry) throw new Error(`builder: no tag ${tag} on page ${this.currentPage}`);
    return Number(entry[0]);
  }

  private pageOf(ns: string): number {
    const cp = this.pages.find((p) => p.namespace === ns);
    if (!cp) throw new Error(`builder: no namespace ${ns}`);
    return cp.page;
  }
}

/** A builder that starts with the EAS header `03 01 6a 00`. */
export function wbxml(pages?: readonly CodePage[]): WbxmlBuilder {
  return new WbxmlBuilder(pages).header();
}

/** A builder with no header (for headerless fragments and hand-made headers). */
export function bare(pages?: readonly CodePage[]): WbxmlBuilder {
  return new WbxmlBuilder(pages);
}

/** mb_u_int32 bytes of n. */
export function mb(n: number): number[] {
  const out = [n & 0x7f];
  n = Math.floor(n / 128);
  while (n > 0) {
    out.unshift((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  return out;
}
