/**
 * One large body part downloaded on a connection of its own, with no memory allocated per byte:
 *
 *   EXAMINE <box> (its UIDVALIDITY must be the one the caller holds)
 *   UID FETCH <uid> (UID BODY.PEEK[<part>])   one FETCH, one literal, streamed as it arrives
 *   LOGOUT
 *
 * Socket reads land in one reused 64 KiB buffer (wire.ts); the literal is decoded (base64) or
 * copied (7bit/8bit/binary) straight from there into one of two 256 KiB output buffers. A full
 * buffer is handed to the reader, which may hold it until it asks for the next chunk (then the
 * buffer is reused); while the reader holds one and the other is full, the socket is paused and
 * TCP holds the server back. So a download of any size keeps ~600 KiB and leaves no garbage,
 * where imapflow copies every literal out of fresh socket buffers (~2.7 MB per MB of content)
 * that V8 collects only once tens of MB have piled up.
 */
import { BackendUnavailableError } from '../../../errors.js';
import type { BackendCredentials } from '../../../ports/credentials.js';
import { MailBackendError, MessageNotFoundError, type MailboxRef } from '../../../ports/mail-messages.js';
import type { ImapEndpoint } from '../connect.js';
import { Base64Decoder } from './base64-decoder.js';
import type { LiteralSink } from './response-scanner.js';
import { DirectUnavailable, ImapWire, mailboxName, READ_BYTES, type Tagged } from './wire.js';

export { DirectUnavailable } from './wire.js';

/** Size of each of the two output buffers, so of the chunks handed out (the last one aside). */
export const OUT_BYTES = 256 * 1024;

export interface DirectPartRequest {
  readonly endpoint: ImapEndpoint;
  readonly credentials: BackendCredentials;
  readonly box: MailboxRef;
  readonly uid: number;
  /** IMAP section, e.g. "2" or "1.3". */
  readonly part: string;
  readonly encoding: 'base64' | 'identity';
  /** Bytes wanted from the start of the decoded part; Number.MAX_SAFE_INTEGER for all of it. */
  readonly length: number;
  readonly signal: AbortSignal;
}

/**
 * Logs in and selects the mailbox; throws DirectUnavailable when it cannot (the caller reads
 * through its pooled session instead). The chunks are lent: each is valid until the next is
 * asked for. Stopping early (return()) cuts the connection.
 */
export async function openDirectPart(req: DirectPartRequest): Promise<AsyncGenerator<Uint8Array>> {
  if (req.signal.aborted) throw new DirectUnavailable('request aborted');
  const wire = await req.credentials.withSecret((user, pass) => ImapWire.open(req.endpoint, user, pass));
  try {
    const examined = await wire.command(`EXAMINE ${mailboxName(req.box.path)}`);
    if (!examined.ok) throw new DirectUnavailable('EXAMINE refused');
    const validity = examined.untagged.map((l) => /\[UIDVALIDITY (\d+)\]/i.exec(l)).find((m) => m !== null);
    if (!validity || Number(validity[1]) !== req.box.uidValidity) throw new DirectUnavailable('UIDVALIDITY differs from the pooled session');
  } catch (err) {
    wire.close();
    throw err instanceof DirectUnavailable ? err : new DirectUnavailable((err as Error).message);
  }
  return new PartDownload(wire, req).chunks();
}

interface Filled {
  readonly buf: Buffer;
  readonly length: number;
}

class PartDownload {
  readonly #free: Buffer[] = [Buffer.allocUnsafe(OUT_BYTES), Buffer.allocUnsafe(OUT_BYTES)];
  readonly #ready: Filled[] = [];
  readonly #decoder = new Base64Decoder();
  #fill: Buffer | undefined = this.#free.pop();
  #at = 0;
  #decoded = 0;
  #paused = false;
  #seen = false;
  #literalEnded = false;
  #tagged: Tagged | undefined;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #onAbort = (): void => {
    this.#fail(new Error('request aborted'));
    this.wire.close();
  };

  constructor(
    private readonly wire: ImapWire,
    private readonly req: DirectPartRequest,
  ) {
    const section = new RegExp(`^\\* \\d+ FETCH \\(.*\\bBODY\\[${req.part.replace(/\./g, '\\.')}\\](<0>)? \\{\\d+\\}$`, 'i');
    wire.listen({
      // Only the one section asked for is ours; an unsolicited FETCH (another session's flag change) carries no body.
      literal: (prefix) => {
        if (this.#seen || !section.test(prefix)) return undefined;
        this.#seen = true;
        return this.#sink;
      },
      afterRead: () => this.#afterRead(),
      failed: (err) => this.#fail(err),
    });
    wire.command(`UID FETCH ${req.uid} (UID BODY.PEEK[${req.part}])`).then(
      (tagged) => {
        this.#tagged = tagged;
        this.#notify();
      },
      (err: Error) => this.#fail(err),
    );
    req.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #sink: LiteralSink = {
    write: (buf, start, end) => {
      const out = this.#fill;
      // afterRead keeps a whole read's worth of room or pauses the socket: this would be a bug.
      if (!out || out.length - this.#at < end - start) throw new Error('direct part read: no room for a socket read');
      if (this.req.encoding === 'base64') {
        this.#at = this.#decoder.decode(buf, start, end, out, this.#at);
      } else {
        out.set(buf.subarray(start, end), this.#at);
        this.#at += end - start;
      }
    },
    end: () => {
      if (this.req.encoding === 'base64' && this.#fill) this.#at = this.#decoder.finish(this.#fill, this.#at);
      this.#literalEnded = true;
    },
  };

  async *chunks(): AsyncGenerator<Uint8Array> {
    const { length, part, uid } = this.req;
    let given = 0;
    try {
      while (given < length) {
        const next = await this.#take();
        if (!next) break;
        const n = Math.min(next.length, length - given);
        given += n;
        if (n > 0) yield next.buf.subarray(0, n);
        // The reader asked for more: it is done with this buffer.
        this.#release(next.buf);
      }
      if (length !== Number.MAX_SAFE_INTEGER && given < length) throw new MailBackendError(`part ${part} of UID ${uid} ended ${length - given} bytes short`);
    } finally {
      this.req.signal.removeEventListener('abort', this.#onAbort);
      this.wire.close(this.#literalEnded && this.#tagged !== undefined);
    }
  }

  /** After each socket read: hand over a full buffer, and pause when no empty one is left. */
  #afterRead(): boolean {
    const enough = this.#decoded + this.#at >= this.req.length;
    if (this.#literalEnded || enough) {
      this.#handOver();
      // What follows the literal is the tagged OK; past `enough` nothing more is wanted.
      return !enough;
    }
    if (this.#fill && this.#fill.length - this.#at >= READ_BYTES) return true;
    this.#handOver();
    if (this.#fill) return true;
    this.#paused = true;
    return false;
  }

  #handOver(): void {
    if (this.#fill && this.#at > 0) {
      this.#ready.push({ buf: this.#fill, length: this.#at });
      this.#decoded += this.#at;
      this.#fill = this.#free.pop();
      this.#at = 0;
      this.#notify();
    }
  }

  #release(buf: Buffer): void {
    if (this.#paused) {
      this.#paused = false;
      this.#fill = buf;
      this.#at = 0;
      this.wire.resume();
    } else {
      this.#free.push(buf);
    }
  }

  async #take(): Promise<Filled | undefined> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      const next = this.#ready.shift();
      if (next) return next;
      if (this.#literalEnded || this.#decoded >= this.req.length) return undefined;
      if (this.#tagged) {
        if (!this.#tagged.ok) throw new MailBackendError(`UID FETCH of part ${this.req.part} failed`);
        throw new MessageNotFoundError(this.req.uid);
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #fail(err: Error): void {
    // Once the literal is whole, what the connection does next no longer matters.
    if (this.#failure || this.#literalEnded) return;
    this.#failure = new BackendUnavailableError('imap', `IMAP connection lost while streaming a part: ${err.message}`);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
