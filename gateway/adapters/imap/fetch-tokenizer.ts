/**
 * A tokenizer for untagged FETCH responses (`* 12 FETCH (UID 5 FLAGS (\Seen) ...)`), the bulk of
 * what a Sync window reads from IMAP. It yields exactly the attribute lists imapflow's parser
 * makes (ATOM/STRING/LITERAL tokens, arrays for lists, NIL as null, `section` and `partial` on
 * BODY[...]<n> keys), so every consumer of those lists reads either parser's output the same way.
 *
 * Why not imapflow's parser: it walks the line character by character through a state machine,
 * builds a node tree and then converts the tree, which made it the largest single cost of an
 * initial sync (a sixth of the gateway's CPU for ENVELOPE and BODYSTRUCTURE rows). This reads the
 * bytes once, slicing strings straight out of the line.
 *
 * It is deliberately narrow: anything it does not recognise exactly (not a FETCH line, 8-bit
 * bytes in an atom, a CR inside a quoted string, nesting past MAX_DEPTH, a token glued to the
 * next without a space, literals not matching their markers) makes it return undefined, and the
 * caller hands the line to imapflow's parser, which has the leniency and error reporting for it.
 */
import type { ImapAttribute, ImapToken } from './raw-exec.js';

const SP = 0x20;
const DQ = 0x22;
const LP = 0x28;
const RP = 0x29;
const DOT = 0x2e;
const LT = 0x3c;
const GT = 0x3e;
const LB = 0x5b;
const BS = 0x5c;
const RB = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;
const CR = 0x0d;
const LF = 0x0a;

/** imapflow truncates items nested deeper than this; such rows are left to it. */
const MAX_DEPTH = 40;

/** Thrown inside the tokenizer for anything it leaves to imapflow; never escapes it. */
class NotOurs extends Error {}
const notOurs = new NotOurs('left to imapflow');

/**
 * Per byte, inside an atom: 0 an ATOM-CHAR, 1 ends the atom (SP ( ) [ ]), 2 refused (the rest
 * of RFC 3501's atom-specials, and 8-bit bytes, which imapflow reads its own lenient ways).
 */
const ATOM_BYTE = new Uint8Array(256);
for (const c of [SP, LP, RP, LB, RB]) ATOM_BYTE[c] = 1;
for (const c of [0x25, 0x2a, DQ, BS, LBRACE, 0x7f]) ATOM_BYTE[c] = 2;
for (let c = 0; c < 0x20; c++) ATOM_BYTE[c] = 2;
for (let c = 0x80; c < 0x100; c++) ATOM_BYTE[c] = 2;

/** The keys imapflow reads a `[section]` after; after any other atom a `[` is left to it. */
const SECTION_KEYS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK']);

/**
 * Buffer's own slicers, without toString's argument checks: a window of rows makes some 100,000
 * short strings, and the checks were a third of the tokenizer's time.
 */
interface Slicers {
  latin1Slice?(start: number, end: number): string;
  utf8Slice?(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as Slicers;
const latin1 = proto.latin1Slice ? (b: Buffer, s: number, e: number): string => (b as unknown as Required<Slicers>).latin1Slice(s, e) : (b: Buffer, s: number, e: number): string => b.toString('latin1', s, e);
const utf8 = proto.utf8Slice ? (b: Buffer, s: number, e: number): string => (b as unknown as Required<Slicers>).utf8Slice(s, e) : (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

class Reader {
  pos: number;
  literal = 0;
  constructor(
    readonly buf: Buffer,
    readonly literals: readonly Buffer[],
    start: number,
  ) {
    this.pos = start;
  }

  /** Items up to the closing byte `end` (`)` of a list, `]` of a section), which is consumed. */
  items(end: number, depth: number): ImapAttribute[] {
    if (depth > MAX_DEPTH) throw notOurs;
    const b = this.buf;
    const out: ImapAttribute[] = [];
    for (;;) {
      const c = b[this.pos];
      if (c === SP) {
        this.pos++;
        continue;
      }
      if (c === end) {
        this.pos++;
        return out;
      }
      // Tokens are space-separated, except the parts of a multipart BODYSTRUCTURE: `(...)(...)`.
      if (out.length && b[this.pos - 1] !== SP && !(c === LP && b[this.pos - 1] === RP)) throw notOurs;
      if (c === LP) {
        this.pos++;
        out.push(this.items(RP, depth + 1));
      } else if (c === DQ) out.push({ type: 'STRING', value: this.quoted() });
      else if (c === LBRACE || (c === TILDE && b[this.pos + 1] === LBRACE)) out.push({ type: 'LITERAL', value: this.takeLiteral() });
      else out.push(this.atom(depth));
    }
  }

  quoted(): string {
    const b = this.buf;
    const start = this.pos + 1;
    let high = 0;
    let escaped = false;
    for (let i = start; i < b.length; i++) {
      const c = b[i]!;
      if (c === DQ) {
        this.pos = i + 1;
        // imapflow decodes the whole line as UTF-8 before slicing; a quote is ASCII, so decoding
        // just the string gives the same characters.
        const text = high < 0x80 ? latin1(b, start, i) : utf8(b, start, i);
        return escaped ? text.replace(/\\([\s\S])/g, '$1') : text;
      }
      if (c === BS) {
        escaped = true;
        i++;
        if (b[i] === CR || b[i] === LF) throw notOurs;
        high |= b[i] ?? 0;
      } else if (c === CR || c === LF) throw notOurs;
      high |= c;
    }
    throw notOurs;
  }

  /** `{N}` (or `~{N}`) at the end of a line: the next of the literals the stream cut out. */
  takeLiteral(): Buffer {
    const b = this.buf;
    let i = this.pos + (b[this.pos] === TILDE ? 2 : 1);
    const digits = i;
    while (isDigit(b[i])) i++;
    if (i === digits || b[i] !== RBRACE || b[i + 1] !== CR || b[i + 2] !== LF) throw notOurs;
    const value = this.literals[this.literal++];
    if (!value || value.length !== Number(latin1(b, digits, i))) throw notOurs;
    this.pos = i + 3;
    return value;
  }

  atom(depth: number): ImapToken | null {
    const b = this.buf;
    const start = this.pos;
    let i = start;
    // A flag: `\Seen`, or `\*` alone.
    if (b[i] === BS) i += b[i + 1] === 0x2a ? 2 : 1;
    for (; i < b.length; i++) {
      const kind = ATOM_BYTE[b[i]!];
      if (kind === 1) break;
      if (kind === 2) throw notOurs;
    }
    const end = i;
    if (end === start || (b[start] === BS && end === start + 1)) throw notOurs;
    // imapflow types a digits-first token with ':' or ',' as a sequence set; left to it.
    if (isDigit(b[start])) for (let j = start; j < end; j++) if (b[j] === 0x3a || b[j] === 0x2c) throw notOurs;
    this.pos = end;
    const next = b[end];
    if (end - start === 3 && next !== LB && (b[start]! | 0x20) === 0x6e && (b[start + 1]! | 0x20) === 0x69 && (b[start + 2]! | 0x20) === 0x6c) return null;
    const value = latin1(b, start, end);
    if (next !== LB) return { type: 'ATOM', value };
    if (!SECTION_KEYS.has(value.toUpperCase())) throw notOurs;
    this.pos++;
    const section = this.items(RB, depth + 1);
    if (b[this.pos] !== LT) return { type: 'ATOM', value, section };
    return { type: 'ATOM', value, section, partial: this.partial() };
  }

  /** `<origin>` or `<origin.length>` after a section, as imapflow reports it: numbers. */
  partial(): number[] {
    const b = this.buf;
    const start = this.pos + 1;
    let i = start;
    while (isDigit(b[i]) || b[i] === DOT) i++;
    if (i === start || b[i] !== GT) throw notOurs;
    const text = latin1(b, start, i);
    if (!/^(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(text)) throw notOurs;
    this.pos = i + 1;
    return text.split('.').map(Number);
  }
}

/** Whether `* <digits> FETCH (` starts the payload; returns where the list's items begin, or -1. */
function fetchListStart(b: Buffer): number {
  if (b.length < 12 || b[0] !== 0x2a || b[1] !== SP || !isDigit(b[2])) return -1;
  let i = 3;
  while (isDigit(b[i])) i++;
  if (b[i] !== SP) return -1;
  const word = latin1(b, i + 1, i + 6);
  if (word.length !== 5 || word.toUpperCase() !== 'FETCH' || b[i + 6] !== SP || b[i + 7] !== LP) return -1;
  return i + 8;
}

export interface FetchLine {
  /** The message sequence number, as imapflow's `command` of the response. */
  readonly seq: string;
  /** The data items: key, value, key, value, ... */
  readonly list: ImapAttribute[];
}

/**
 * The untagged FETCH line in `payload` (as imapflow's stream assembles it: the line's pieces with
 * each literal cut out into `literals`), or undefined for any other line and for anything the
 * tokenizer leaves to imapflow.
 */
export function tokenizeFetch(payload: Buffer, literals: readonly Buffer[]): FetchLine | undefined {
  const start = fetchListStart(payload);
  if (start < 0) return undefined;
  const r = new Reader(payload, literals, start);
  try {
    const list = r.items(RP, 1);
    while (payload[r.pos] === SP) r.pos++;
    if (r.pos !== payload.length || r.literal !== literals.length) return undefined;
    let seqEnd = 2;
    while (isDigit(payload[seqEnd])) seqEnd++;
    return { seq: latin1(payload, 2, seqEnd), list };
  } catch (err) {
    if (err === notOurs) return undefined;
    throw err;
  }
}
