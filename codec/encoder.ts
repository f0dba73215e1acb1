/**
 * Element tree -> WBXML bytes, in one pass, with no recursion.
 *
 * Output is canonical: header `03 01 6a 00` (WBXML 1.3, unknown public id, UTF-8, no string
 * table), SWITCH_PAGE only when the page changes, text as STR_I, opaque as OPAQUE, and elements
 * without content written without the content bit.
 *
 * `encode` builds the document in memory. `encodeChunks` / `encodeToStream` produce it as a
 * sequence of chunks: in-memory opaque payloads of at least one chunk are passed through without
 * copying, and an element's `opaqueSource` is written as OPAQUE header + the source's own chunks,
 * so a 50 MB attachment is never held in memory twice (or at all, if the source streams it).
 */
import type { CodePage } from './codepages/types.js';
import { EncodeError } from './errors.js';
import {
  compiledPages,
  parseUnknownPageNamespace,
  parseUnknownTagName,
  type CompiledCodePages,
  type NamespaceTokens,
} from './tables.js';
import { element, type WbxmlElement } from './tree.js';
import { ByteWriter, utf8Length } from './writer.js';

export interface EncodeOptions {
  /** Code pages to encode with; default MS-ASWBXML's `CODE_PAGES`. */
  codePages?: readonly CodePage[];
}

export interface EncodeStreamOptions extends EncodeOptions {
  /** Target chunk size in bytes (default 64 KiB). Opaque payloads this large are passed through as they are. */
  chunkSize?: number;
}

/** The 4-byte header of every document we write: WBXML 1.3, unknown public id, UTF-8, empty string table. */
export const EAS_HEADER: readonly number[] = Object.freeze([0x03, 0x01, 0x6a, 0x00]);

const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const CONTENT = 0x40;

const DEFAULT_CHUNK_SIZE = 64 * 1024;

// What EncoderCore.run stopped for.
const DONE = 0;
const FLUSH = 1;
const OPAQUE_SOURCE = 2;
const LARGE_OPAQUE = 3;
type Step = typeof DONE | typeof FLUSH | typeof OPAQUE_SOURCE | typeof LARGE_OPAQUE;
const CONTINUE = -1;

/** Encode a tree into one WBXML document. Throws EncodeError for trees it cannot write. */
export function encode(root: WbxmlElement, options?: EncodeOptions): Uint8Array {
  const pages = compiledPages(options?.codePages);
  const writer = new ByteWriter(2048);
  // The recursive encoder is the fast path (V8 optimises a function called once per element far
  // better than one long loop); trees deeper than it allows go through the iterative core.
  if (new RecursiveEncoder(pages, writer).document(root)) return writer.finish();
  const fallback = new ByteWriter(1024);
  new EncoderCore(root, pages, fallback, Infinity, false).run(Infinity);
  return fallback.finish();
}

/** Texts up to this many UTF-16 units are encoded inline by the recursive encoder. */
const INLINE_TEXT = 32;

/** Deeper than this, `encode` switches to the iterative core (EAS documents nest about 10 deep). */
const MAX_RECURSION = 500;

/** The synchronous encoder: one recursive call per element. Same output as EncoderCore. */
class RecursiveEncoder {
  private page = 0;
  private lastNs: string | undefined;
  private lastEntry: NamespaceTokens | undefined;
  /** Open elements, for error paths only. */
  private readonly open: WbxmlElement[] = [];

  constructor(
    private readonly pages: CompiledCodePages,
    private readonly w: ByteWriter,
  ) {}

  /** Write the whole document; false if the tree is too deep for recursion (nothing useful written). */
  document(root: WbxmlElement): boolean {
    const w = this.w;
    w.ensure(4);
    for (const b of EAS_HEADER) w.byte(b);
    return this.element(root, 0);
  }

  private element(e: WbxmlElement, depth: number): boolean {
    const w = this.w;
    let entry = this.lastEntry;
    if (e.ns !== this.lastNs) {
      entry = this.pages.byNamespace.get(e.ns);
      this.lastNs = e.ns;
      this.lastEntry = entry;
    }
    let token = entry === undefined ? undefined : entry.tokens.get(e.tag);
    let page: number;
    if (token === undefined) {
      const packed = lookupToken(this.pages, e, this.open.map((o) => o.tag));
      page = packed >> 8;
      token = packed & 0xff;
    } else {
      page = entry!.page;
    }
    if (page !== this.page) {
      w.byte2(SWITCH_PAGE, page);
      this.page = page;
    }
    const children = e.children;
    const n = children.length;
    if (n > 0) {
      if (e.text !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e);
      if (depth >= MAX_RECURSION) return false;
      w.byte(token | CONTENT);
      this.open.push(e);
      for (let i = 0; i < n; i++) if (!this.element(children[i]!, depth + 1)) return false;
      this.open.pop();
      w.byte(END);
      return true;
    }
    const text = e.text;
    if (text !== undefined) {
      if (e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e);
      const n = text.length;
      if (n <= INLINE_TEXT) {
        // Short text, written right here: most EAS strings are short, and keeping this loop in
        // the per-element function makes its speed independent of V8's inlining decisions
        // (which otherwise depend on which documents the process happened to encode first).
        w.ensure(n * 3 + 4);
        const buf = w.buf;
        let p = w.pos;
        buf[p++] = token | CONTENT;
        buf[p++] = STR_I;
        let i = 0;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c < 0x80) {
            if (c === 0) this.fail('nul-in-text', e);
            buf[p++] = c;
          } else if (c < 0x800) {
            buf[p++] = 0xc0 | (c >> 6);
            buf[p++] = 0x80 | (c & 0x3f);
          } else if ((c & 0xf800) === 0xd800) {
            break; // a surrogate: the general path below handles pairs and lone ones
          } else {
            buf[p++] = 0xe0 | (c >> 12);
            buf[p++] = 0x80 | ((c >> 6) & 0x3f);
            buf[p++] = 0x80 | (c & 0x3f);
          }
        }
        if (i === n) {
          buf[p++] = 0;
          buf[p++] = END;
          w.pos = p;
          return true;
        }
        // Nothing of this element was committed (w.pos is unchanged): start over below.
      }
      w.byte2(token | CONTENT, STR_I);
      if (!w.cstring(text)) this.fail('nul-in-text', e);
      w.byte(END);
      return true;
    }
    const opaque = e.opaque;
    if (opaque !== undefined) {
      if (e.opaqueSource !== undefined) this.fail('mixed-content', e);
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(opaque.length);
      w.bytes(opaque);
      w.byte(END);
      return true;
    }
    if (e.opaqueSource !== undefined) this.fail('opaque-source-sync', e);
    w.byte(token);
    return true;
  }

  private fail(reason: 'mixed-content' | 'nul-in-text' | 'opaque-source-sync', e: WbxmlElement): never {
    const path = [...this.open.map((o) => o.tag), e.tag].join('/');
    throw new EncodeError(reason, ENCODE_MESSAGES[reason], path);
  }
}

const ENCODE_MESSAGES = {
  'mixed-content': 'an element has more than one of children, text, opaque, opaqueSource',
  'nul-in-text': 'text contains NUL, which WBXML inline strings cannot carry',
  'opaque-source-sync': 'an opaque source needs the streaming encoder (encodeChunks/encodeToStream)',
} as const;

/**
 * Encode a tree as a sequence of chunks (an async generator), for writing a large response
 * without building it in memory. Elements may carry `opaqueSource`.
 */
export async function* encodeChunks(root: WbxmlElement, options?: EncodeStreamOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkSize = Math.max(64, options?.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const writer = new ByteWriter(chunkSize + 1024);
  const core = new EncoderCore(root, compiledPages(options?.codePages), writer, chunkSize, true);
  for (;;) {
    const step = core.run(chunkSize);
    if (step === FLUSH) {
      yield writer.take(chunkSize + 1024);
      continue;
    }
    if (step === DONE) {
      if (writer.length > 0) yield writer.take(16);
      return;
    }
    // An opaque payload follows the OPAQUE header already in the writer.
    if (writer.length > 0) yield writer.take(chunkSize + 1024);
    const element = core.pending!;
    if (step === LARGE_OPAQUE) {
      yield element.opaque!;
    } else {
      const source = element.opaqueSource!;
      let written = 0;
      for await (const chunk of source.stream()) {
        if (!(chunk instanceof Uint8Array)) {
          throw new EncodeError('opaque-source-length', 'opaque source yielded something other than bytes', core.pathOf(element));
        }
        written += chunk.length;
        if (written > source.length) break;
        if (chunk.length > 0) yield chunk;
      }
      if (written !== source.length) {
        throw new EncodeError(
          'opaque-source-length',
          `opaque source announced ${source.length} bytes but yielded ${written > source.length ? 'more' : written}`,
          core.pathOf(element),
        );
      }
    }
    core.finishPending();
  }
}

/** The parts of a Node Writable (an http.ServerResponse, a file stream) `encodeToStream` uses. */
export interface ChunkSink {
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  once(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  destroy?(error?: Error): unknown;
  readonly destroyed?: boolean;
}

export interface EncodeToStreamOptions extends EncodeStreamOptions {
  /** Call `sink.end()` when done (default true). */
  end?: boolean;
}

/**
 * Encode a tree into a writable stream, honouring backpressure. On failure (a bad tree, an opaque
 * source that fails or lies about its length, a closed sink) the sink is destroyed, because half a
 * WBXML document is of no use to anyone, and the promise rejects.
 */
export async function encodeToStream(root: WbxmlElement, sink: ChunkSink, options?: EncodeToStreamOptions): Promise<void> {
  try {
    for await (const chunk of encodeChunks(root, options)) {
      if (sink.destroyed === true) throw new EncodeError('stream-closed', 'the output stream was closed', '');
      if (!sink.write(chunk)) await drained(sink);
    }
  } catch (error) {
    sink.destroy?.(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (options?.end !== false) sink.end();
}

function drained(sink: ChunkSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => {
      sink.removeListener('drain', onDrain);
      sink.removeListener('close', onClose);
      sink.removeListener('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new EncodeError('stream-closed', 'the output stream was closed', ''));
    const onError = (error: unknown): void => done(error ?? new Error('stream error'));
    sink.once('drain', onDrain);
    sink.once('close', onClose);
    sink.once('error', onError);
  });
}

/**
 * The exact number of bytes `encode` (or the concatenated chunks of `encodeChunks`) produces for
 * this tree, opaque sources included: a streamed response can still send Content-Length.
 */
export function encodedLength(root: WbxmlElement, options?: EncodeOptions): number {
  const pages = compiledPages(options?.codePages);
  let total = EAS_HEADER.length;
  let page = 0;
  const stack: WbxmlElement[] = [root];
  const path: string[] = [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const packed = lookupToken(pages, e, path);
    const p = packed >> 8;
    if (p !== page) {
      total += 2;
      page = p;
    }
    if (e.children.length > 0) {
      total += 2; // tag + END
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
    } else if (e.text !== undefined) {
      total += 4 + utf8Length(e.text); // tag STR_I text NUL END
    } else if (e.opaque !== undefined) {
      total += 3 + mbUInt32Length(e.opaque.length) + e.opaque.length; // tag OPAQUE len data END
    } else if (e.opaqueSource !== undefined) {
      total += 3 + mbUInt32Length(e.opaqueSource.length) + e.opaqueSource.length;
    } else {
      total += 1;
    }
  }
  return total;
}

function mbUInt32Length(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/**
 * The encoding loop, resumable so the streaming encoder can stop to flush a chunk or to pass an
 * opaque payload through. State: a stack of open elements with the index of the next child of each.
 */
class EncoderCore {
  /** Open elements; [0] is a virtual parent of the root whose END is never written. */
  private readonly open: WbxmlElement[];
  private readonly next: number[];
  private depth = 1;
  private page = 0;
  private lastNs: string | undefined;
  private lastEntry: NamespaceTokens | undefined;
  /** The element whose opaque payload the streaming driver must write. */
  pending: WbxmlElement | undefined;

  constructor(
    root: WbxmlElement,
    private readonly pages: CompiledCodePages,
    private readonly w: ByteWriter,
    /** Opaque payloads of at least this many bytes are left to the streaming driver. */
    private readonly largeOpaque: number,
    private readonly streaming: boolean,
  ) {
    this.open = [element('', '', [root])];
    this.next = [0];
    w.ensure(4);
    for (const b of EAS_HEADER) w.byte(b);
  }

  /** Write until done, until `flushAt` bytes are buffered, or until an opaque payload is left to the driver. */
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
    let entry = this.lastEntry;
    if (e.ns !== this.lastNs) {
      entry = this.pages.byNamespace.get(e.ns);
      this.lastNs = e.ns;
      this.lastEntry = entry;
    }
    let token = entry === undefined ? undefined : entry.tokens.get(e.tag);
    let page: number;
    if (token === undefined) {
      const packed = lookupToken(this.pages, e, this.pathNames());
      page = packed >> 8;
      token = packed & 0xff;
    } else {
      page = entry!.page;
    }
    if (page !== this.page) {
      w.byte2(SWITCH_PAGE, page);
      this.page = page;
    }

    const children = e.children;
    if (children.length > 0) {
      if (e.text !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.mixed(e);
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
      if (e.opaque !== undefined || e.opaqueSource !== undefined) this.mixed(e);
      w.byte2(token | CONTENT, STR_I);
      if (!w.cstring(text)) {
        throw new EncodeError('nul-in-text', ENCODE_MESSAGES['nul-in-text'], this.pathOf(e));
      }
      w.byte(END);
      return CONTINUE;
    }
    const opaque = e.opaque;
    const source = e.opaqueSource;
    if (opaque !== undefined) {
      if (source !== undefined) this.mixed(e);
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(opaque.length);
      if (opaque.length >= this.largeOpaque) {
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

  /** The streaming driver wrote the pending payload: close its element. */
  finishPending(): void {
    this.pending = undefined;
    this.w.byte(END);
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

/**
 * page << 8 | token for an element, including the `Unknown_0x2A` / `Unknown_Page_25` names the
 * decoder gives unknown tokens in `unknownTags: 'keep'` mode. Throws EncodeError if there is none.
 */
function lookupToken(pages: CompiledCodePages, e: WbxmlElement, parents: readonly string[]): number {
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
