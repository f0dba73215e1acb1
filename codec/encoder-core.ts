/**
 * What the encoder's two paths share: the WBXML constants, the error messages, the token lookup
 * for names the code pages do not define, and `EncoderCore`, the iterative, resumable encoding
 * loop behind the streaming encoder (and behind `encode` for trees too deep to recurse).
 */
import type { CodePage } from './codepages/types.js';
import { EncodeError } from './errors.js';
import { parseUnknownPageNamespace, parseUnknownTagName, TagTokens, type CompiledCodePages } from './tables.js';
import { element, type WbxmlElement } from './tree.js';
import { hasNul, type ByteWriter } from './writer.js';

export interface EncodeOptions {
  /** Code pages to encode with; default MS-ASWBXML's `CODE_PAGES`. */
  codePages?: readonly CodePage[];
}

/** The 4-byte header of every document we write: WBXML 1.3, unknown public id, UTF-8, empty string table. */
export const EAS_HEADER: readonly number[] = Object.freeze([0x03, 0x01, 0x6a, 0x00]);

// Not exported: hot loops must not read imported bindings, which some module loaders (tsx,
// CommonJS interop) turn into getter calls; encoder.ts has its own copies.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const CONTENT = 0x40;

export const ENCODE_MESSAGES = {
  'mixed-content': 'an element has more than one of children, text, utf8, opaque, opaqueSource',
  'nul-in-text': 'text contains NUL, which WBXML inline strings cannot carry',
  'opaque-source-sync': 'an opaque source needs the streaming encoder (encodeChunks/encodeToStream)',
} as const;


/**
 * page << 8 | token for an element the code pages do not define by name: the `Unknown_0x2A` /
 * `Unknown_Page_25` names the decoder gives unknown tokens in `unknownTags: 'keep'` mode. Throws
 * EncodeError if it is none of those either.
 */
export function lookupUnknownToken(pages: CompiledCodePages, e: WbxmlElement, parents: readonly string[]): number {
  const entry = pages.byNamespace.get(e.ns);
  const page = entry?.page ?? parseUnknownPageNamespace(e.ns);
  const path = (): string => [...parents, e.tag].join('/');
  if (page === undefined) {
    throw new EncodeError('unknown-namespace', `unknown namespace "${e.ns}" (for tag ${e.tag})`, path());
  }
  const token = entry?.tokens.get(e.tag) ?? parseUnknownTagName(e.tag);
  if (token === undefined) {
    throw new EncodeError('unknown-tag', `unknown tag ${e.ns}:${e.tag}`, path());
  }
  return (page << 8) | token;
}

// What EncoderCore.run stopped for.
export const DONE = 0;
export const FLUSH = 1;
/** The pending element's `opaqueSource` follows the OPAQUE header in the writer. */
export const OPAQUE_SOURCE = 2;
/** The pending element's `opaque` (at least a chunk) follows the OPAQUE header in the writer. */
export const LARGE_OPAQUE = 3;
/** The pending element's `utf8` (at least a chunk, checked for NUL) follows the STR_I in the writer. */
export const LARGE_UTF8 = 4;
export type Step = typeof DONE | typeof FLUSH | typeof OPAQUE_SOURCE | typeof LARGE_OPAQUE | typeof LARGE_UTF8;
const CONTINUE = -1;

/**
 * The encoding loop, resumable so the streaming encoder can stop to flush a chunk or to pass a
 * large payload through. State: a stack of open elements with the index of the next child of each.
 */
export class EncoderCore {
  /** Open elements; [0] is a virtual parent of the root whose END is never written. */
  private readonly open: WbxmlElement[];
  private readonly next: number[];
  private depth = 1;
  private page = 0;
  private readonly tokens: TagTokens;
  /** The element whose payload the streaming driver must write. */
  pending: WbxmlElement | undefined;

  constructor(
    root: WbxmlElement,
    private readonly pages: CompiledCodePages,
    private readonly w: ByteWriter,
    /** Opaque and utf8 payloads of at least this many bytes are left to the streaming driver. */
    private readonly largePayload: number,
    private readonly streaming: boolean,
  ) {
    this.tokens = new TagTokens(pages);
    this.open = [element('', '', [root])];
    this.next = [0];
    w.ensure(4);
    for (const b of EAS_HEADER) w.byte(b);
  }

  /** Write until done, until `flushAt` bytes are buffered, or until a payload is left to the driver. */
  run(flushAt: number): Step {
    const w = this.w;
    const open = this.open;
    const next = this.next;
    while (this.depth > 0) {
      const top = this.depth - 1;
      const parent = open[top]!;
      const i = next[top]!;
      if (i < parent.children.length) {
        next[top] = i + 1;
        const step = this.visit(parent.children[i]!);
        if (step !== CONTINUE) return step;
      } else {
        this.depth = top;
        if (top > 0) w.byte(END);
      }
      if (w.pos >= flushAt) return this.depth > 0 ? FLUSH : DONE;
    }
    return DONE;
  }

  /** Write an element's start (and, for a leaf, all of it). */
  private visit(e: WbxmlElement): Step | typeof CONTINUE {
    const w = this.w;
    let packed = this.tokens.of(e.ns, e.tag);
    if (packed < 0) packed = lookupUnknownToken(this.pages, e, this.pathNames());
    const page = packed >> 8;
    const token = packed & 0xff;
    if (page !== this.page) {
      w.byte2(SWITCH_PAGE, page);
      this.page = page;
    }

    const children = e.children;
    if (children.length > 0) {
      if (e.text !== undefined || e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.mixed(e);
      w.byte(token | CONTENT);
      if (this.depth === this.open.length) {
        this.open.push(e);
        this.next.push(0);
      } else {
        this.open[this.depth] = e;
        this.next[this.depth] = 0;
      }
      this.depth++;
      return CONTINUE;
    }
    const text = e.text;
    if (text !== undefined) {
      if (e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.mixed(e);
      w.byte2(token | CONTENT, STR_I);
      if (!w.cstring(text)) {
        throw new EncodeError('nul-in-text', ENCODE_MESSAGES['nul-in-text'], this.pathOf(e));
      }
      w.byte(END);
      return CONTINUE;
    }
    const utf8 = e.utf8;
    if (utf8 !== undefined) {
      if (e.opaque !== undefined || e.opaqueSource !== undefined) this.mixed(e);
      if (utf8.length >= this.largePayload) {
        if (hasNul(utf8)) throw new EncodeError('nul-in-text', ENCODE_MESSAGES['nul-in-text'], this.pathOf(e));
        w.byte2(token | CONTENT, STR_I);
        this.pending = e;
        return LARGE_UTF8;
      }
      w.byte2(token | CONTENT, STR_I);
      if (!w.utf8Cstring(utf8)) throw new EncodeError('nul-in-text', ENCODE_MESSAGES['nul-in-text'], this.pathOf(e));
      w.byte(END);
      return CONTINUE;
    }
    const opaque = e.opaque;
    const source = e.opaqueSource;
    if (opaque !== undefined) {
      if (source !== undefined) this.mixed(e);
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(opaque.length);
      if (opaque.length >= this.largePayload) {
        this.pending = e;
        return LARGE_OPAQUE;
      }
      w.bytes(opaque);
      w.byte(END);
      return CONTINUE;
    }
    if (source !== undefined) {
      if (!this.streaming) {
        throw new EncodeError('opaque-source-sync', ENCODE_MESSAGES['opaque-source-sync'], this.pathOf(e));
      }
      const length = source.length;
      if (!Number.isSafeInteger(length) || length < 0 || length > 0xffffffff) {
        throw new EncodeError('opaque-source-length', `opaque source length ${String(length)} is not 0..2^32-1`, this.pathOf(e));
      }
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(length);
      this.pending = e;
      return OPAQUE_SOURCE;
    }
    w.byte(token);
    return CONTINUE;
  }

  /** The streaming driver wrote the pending payload: close its element (a text with its NUL). */
  finishPending(): void {
    const e = this.pending!;
    this.pending = undefined;
    if (e.utf8 !== undefined) this.w.byte2(0, END);
    else this.w.byte(END);
  }

  private mixed(e: WbxmlElement): never {
    throw new EncodeError('mixed-content', ENCODE_MESSAGES['mixed-content'], this.pathOf(e));
  }

  private pathNames(): string[] {
    const names: string[] = [];
    for (let i = 1; i < this.depth; i++) names.push(this.open[i]!.tag);
    return names;
  }

  /** "Sync/Collections/Collection/Foo" for an element that is a child of the innermost open one. */
  pathOf(e: WbxmlElement): string {
    return [...this.pathNames(), e.tag].join('/');
  }
}
