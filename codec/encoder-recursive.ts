/**
 * The synchronous encoder's fast path: one recursive call per element *with children*; leaves
 * (most of an EAS document: Status, ServerId, dates, attendee names) are written inside their
 * parent's loop, and short ASCII texts among them by a tight loop right there. Same output as
 * `EncoderCore`, which takes over for trees too deep to recurse.
 */
import { ENCODE_MESSAGES, lookupUnknownToken } from './encoder-core.js';
import { EncodeError } from './errors.js';
import { TagTokens, type CompiledCodePages } from './tables.js';
import type { WbxmlElement } from './tree.js';
import type { ByteWriter } from './writer.js';

// Token values are repeated here rather than imported: hot loops must not read imported bindings,
// which some module loaders (tsx, CommonJS interop) turn into getter calls.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const CONTENT = 0x40;

/** Texts up to this many UTF-16 units are encoded in JS; longer ones by the platform's encoder. */
const INLINE_TEXT = 32;

/** Deeper than this, `encode` switches to the iterative core (EAS documents nest about 10 deep). */
export const MAX_RECURSION = 500;

type Failure = 'mixed-content' | 'nul-in-text' | 'opaque-source-sync';

export class RecursiveEncoder {
  private page = 0;
  private readonly tokens: TagTokens;
  /** open[d] is the element at depth d whose children are being written, for error paths only. */
  private readonly open: WbxmlElement[] = [];

  constructor(
    private readonly pages: CompiledCodePages,
    private readonly w: ByteWriter,
  ) {
    this.tokens = new TagTokens(pages);
  }

  /** Write the whole document; false if the tree is too deep for recursion (nothing useful written). */
  document(root: WbxmlElement): boolean {
    const w = this.w;
    w.ensure(4);
    w.byte2(0x03, 0x01);
    w.byte2(0x6a, 0x00);
    return this.children([root], 0);
  }

  /** Write `list`, the children of an element at depth - 1 (the root alone at depth 0). */
  private children(list: readonly WbxmlElement[], depth: number): boolean {
    const w = this.w;
    const n = list.length;
    for (let k = 0; k < n; k++) {
      const e = list[k]!;
      let packed = this.tokens.of(e.ns, e.tag);
      if (packed < 0) packed = lookupUnknownToken(this.pages, e, this.parents(depth));
      const page = packed >> 8;
      const token = packed & 0xff;
      if (page !== this.page) {
        w.byte2(SWITCH_PAGE, page);
        this.page = page;
      }
      const kids = e.children;
      if (kids.length > 0) {
        if (e.text !== undefined || e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) {
          this.fail('mixed-content', e, depth);
        }
        if (depth >= MAX_RECURSION) return false;
        w.byte(token | CONTENT);
        this.open[depth] = e;
        if (!this.children(kids, depth + 1)) return false;
        w.byte(END);
        continue;
      }
      const text = e.text;
      if (text !== undefined && text.length <= INLINE_TEXT && e.utf8 === undefined && e.opaque === undefined && e.opaqueSource === undefined) {
        // The common case, kept in this loop: a short ASCII text. Anything else in it (non-ASCII,
        // NUL) leaves this loop with nothing committed (w.pos unchanged) and goes to `leaf`.
        const len = text.length;
        if (w.pos + len + 4 > w.buf.length) w.ensure(len + 4);
        const buf = w.buf;
        const start = w.pos;
        let p = start + 2;
        let i = 0;
        for (; i < len; i++) {
          const c = text.charCodeAt(i);
          if (c >= 0x80 || c === 0) break;
          buf[p++] = c;
        }
        if (i === len) {
          buf[start] = token | CONTENT;
          buf[start + 1] = STR_I;
          buf[p] = 0;
          buf[p + 1] = END;
          w.pos = p + 2;
          continue;
        }
      }
      this.leaf(e, token, depth);
    }
    return true;
  }

  /** An element without children: text that is long or not ASCII, bytes, opaque data, or nothing. */
  private leaf(e: WbxmlElement, token: number, depth: number): void {
    const w = this.w;
    const text = e.text;
    if (text !== undefined) {
      if (e.utf8 !== undefined || e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e, depth);
      w.byte2(token | CONTENT, STR_I);
      if (!w.cstring(text)) this.fail('nul-in-text', e, depth);
      w.byte(END);
      return;
    }
    const utf8 = e.utf8;
    if (utf8 !== undefined) {
      if (e.opaque !== undefined || e.opaqueSource !== undefined) this.fail('mixed-content', e, depth);
      w.byte2(token | CONTENT, STR_I);
      if (!w.utf8Cstring(utf8)) this.fail('nul-in-text', e, depth);
      w.byte(END);
      return;
    }
    const opaque = e.opaque;
    if (opaque !== undefined) {
      if (e.opaqueSource !== undefined) this.fail('mixed-content', e, depth);
      w.byte2(token | CONTENT, OPAQUE);
      w.mbUInt32(opaque.length);
      w.bytes(opaque);
      w.byte(END);
      return;
    }
    if (e.opaqueSource !== undefined) this.fail('opaque-source-sync', e, depth);
    w.byte(token);
  }

  /** Tags of the ancestors of an element at `depth`. */
  private parents(depth: number): string[] {
    return this.open.slice(0, depth).map((o) => o.tag);
  }

  private fail(reason: Failure, e: WbxmlElement, depth: number): never {
    throw new EncodeError(reason, ENCODE_MESSAGES[reason], [...this.parents(depth), e.tag].join('/'));
  }
}
