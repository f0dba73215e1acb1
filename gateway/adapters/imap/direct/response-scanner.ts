/**
 * IMAP server responses (RFC 3501 section 7) read byte by byte where they lie, for the direct
 * part reader: lines become text, literals ({n}CRLF then n bytes) go to a sink chosen from the
 * line so far, or are skipped. Nothing is allocated per read: the caller may hand the same
 * buffer every time (a socket's `onread` buffer), which is the point of this module.
 */

/** Where the bytes of one literal go. */
export interface LiteralSink {
  /** Bytes [start, end) of buf; only valid during the call. */
  write(buf: Uint8Array, start: number, end: number): void;
  /** The literal is complete. */
  end(): void;
}

export interface ScanHandler {
  /** A complete response line, CRLF stripped, each literal's content left out (its {n} stays). */
  line(text: string): void;
  /** A literal of `size` bytes follows `prefix` (the line so far, ending in `{size}`): its sink, or undefined to skip it. */
  literal(prefix: string, size: number): LiteralSink | undefined;
}

/** Longest response line kept (literals aside): FLAGS and the like are far shorter. */
export const MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const LITERAL_AT_END = /\{(\d+)\+?\}$/;

export class ResponseScanner {
  readonly #line = Buffer.allocUnsafe(MAX_LINE_BYTES);
  #lineLength = 0;
  #literalLeft = 0;
  #sink: LiteralSink | undefined;

  constructor(private readonly handler: ScanHandler) {}

  /** Whether the scanner is inside a literal (so a connection that ends now ended mid-content). */
  get inLiteral(): boolean {
    return this.#literalLeft > 0;
  }

  /** Bytes [start, end) of buf, in arrival order; throws on a line too long to be a response. */
  feed(buf: Uint8Array, start: number, end: number): void {
    let i = start;
    while (i < end) {
      if (this.#literalLeft > 0) {
        const n = Math.min(this.#literalLeft, end - i);
        this.#sink?.write(buf, i, i + n);
        this.#literalLeft -= n;
        i += n;
        if (this.#literalLeft === 0) this.#endLiteral();
        continue;
      }
      const lf = buf.indexOf(LF, i);
      const complete = lf >= 0 && lf < end;
      const stop = complete ? lf + 1 : end;
      if (this.#lineLength + (stop - i) > MAX_LINE_BYTES) throw new Error(`IMAP response line longer than ${MAX_LINE_BYTES} bytes`);
      this.#line.set(buf.subarray(i, stop), this.#lineLength);
      this.#lineLength += stop - i;
      i = stop;
      if (complete) this.#endOfLine();
    }
  }

  #endOfLine(): void {
    let n = this.#lineLength - 1;
    if (n > 0 && this.#line[n - 1] === 0x0d) n--;
    const text = this.#line.toString('latin1', 0, n);
    const literal = LITERAL_AT_END.exec(text);
    if (!literal) {
      this.#lineLength = 0;
      this.handler.line(text);
      return;
    }
    // The line goes on after the literal: keep what came before it, without the CRLF.
    this.#lineLength = n;
    const size = Number(literal[1]);
    this.#sink = this.handler.literal(text, size);
    this.#literalLeft = size;
    if (size === 0) this.#endLiteral();
  }

  #endLiteral(): void {
    const sink = this.#sink;
    this.#sink = undefined;
    sink?.end();
  }
}
