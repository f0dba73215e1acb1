/**
 * A minimal IMAP client connection for one large part download: greeting, capabilities, login,
 * tagged commands, and the response stream read into one reused buffer (the socket's `onread`
 * option, honoured by net and by implicit-TLS sockets in Node 20), so reading costs no
 * allocation per socket read. What a command does with the bytes is up to the reader above it
 * (part-reader.ts); this module only speaks the protocol subset and never logs or echoes a
 * command line (the login carries the password).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ImapEndpoint } from '../connect.js';
import { ResponseScanner, type LiteralSink } from './response-scanner.js';

/** One socket read at most: also what the reader must keep room for before every read. */
export const READ_BYTES = 64 * 1024;

export interface Tagged {
  readonly ok: boolean;
  /** The tagged line without its tag. */
  readonly text: string;
  readonly untagged: readonly string[];
}

/** Why the direct route cannot be taken; the caller reads through its pooled session instead. */
export class DirectUnavailable extends Error {}

interface Pending {
  readonly tag: string;
  readonly resolve: (t: Tagged) => void;
  readonly reject: (err: Error) => void;
  readonly untagged: string[];
  readonly continuation?: string;
}

export interface WireEvents {
  /** Where a literal's bytes go (undefined: skipped). */
  literal(prefix: string, size: number): LiteralSink | undefined;
  /** After each socket read has been scanned; false pauses reading until resume(). */
  afterRead(): boolean;
  /** The connection failed or closed; not called after close(). */
  failed(err: Error): void;
}

export class ImapWire {
  readonly #socket: net.Socket;
  readonly #scanner: ResponseScanner;
  readonly #idleMs: number;
  #events: WireEvents | undefined;
  #pending: Pending | undefined;
  #greeting: ((line: string) => void) | undefined;
  #tags = 0;
  #closed = false;
  #paused = false;
  /**
   * Bytes that arrived after reading was paused: a TLS socket hands over the rest of what it has
   * already decrypted even then. Kept (one buffer, grown if ever needed) until resume().
   */
  #spill = Buffer.allocUnsafe(0);
  #spilled = 0;
  capabilities = new Set<string>();

  private constructor(endpoint: ImapEndpoint) {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const onread = { buffer, callback: (n: number, buf: Uint8Array): boolean => this.#onRead(n, buf) };
    const { host, port, rejectUnauthorized } = endpoint;
    this.#socket = endpoint.secure
      ? tls.connect({ host, port, rejectUnauthorized, ...(net.isIP(host) ? {} : { servername: host }), onread } as tls.ConnectionOptions)
      : net.connect({ host, port, onread });
    this.#idleMs = endpoint.connectTimeoutMs * 3;
    this.#scanner = new ResponseScanner({
      line: (text) => this.#line(text),
      literal: (prefix, size) => this.#events?.literal(prefix, size),
    });
    this.#socket.setTimeout(endpoint.connectTimeoutMs);
    this.#socket.on('timeout', () => this.#fail(new Error('IMAP server timed out')));
    this.#socket.on('error', (err) => this.#fail(new Error(`IMAP connection failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    this.#socket.on('close', () => this.#fail(new Error('IMAP connection closed')));
  }

  /** Connected, greeted, logged in; throws DirectUnavailable for anything that stands in the way. */
  static async open(endpoint: ImapEndpoint, user: string, pass: string): Promise<ImapWire> {
    let wire: ImapWire;
    try {
      wire = new ImapWire(endpoint);
    } catch (err) {
      throw new DirectUnavailable(`cannot connect: ${(err as Error).message}`);
    }
    try {
      const greeting = await new Promise<string>((resolve, reject) => {
        wire.#greeting = resolve;
        wire.#events = { literal: () => undefined, afterRead: () => true, failed: reject };
      });
      if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw new DirectUnavailable('the server refused the connection');
      wire.#readCapabilities(greeting);
      if (wire.capabilities.size === 0) wire.#readCapabilities((await wire.command('CAPABILITY')).untagged.find((l) => /^\* CAPABILITY /i.test(l)) ?? '');
      if (/^\* PREAUTH\b/i.test(greeting)) return wire;
      // imapflow upgrades a plain connection when the server offers STARTTLS; this client does not, so it does not log in in the clear there either.
      if (!endpoint.secure && wire.capabilities.has('STARTTLS')) throw new DirectUnavailable('the server wants STARTTLS');
      const res = await wire.#login(user, pass);
      if (!res.ok) throw new DirectUnavailable('the server refused the login');
      wire.#socket.setTimeout(wire.#idleMs);
      return wire;
    } catch (err) {
      wire.close();
      throw err instanceof DirectUnavailable ? err : new DirectUnavailable((err as Error).message);
    }
  }

  /** Who hears about literals, reads and failures from now on. */
  listen(events: WireEvents): void {
    this.#events = events;
  }

  /** Sends `tag text` and resolves with the tagged answer; one command at a time. */
  command(text: string, continuation?: string): Promise<Tagged> {
    if (this.#pending) throw new Error('IMAP command already in progress');
    const tag = `D${++this.#tags}`;
    if (this.#closed) return Promise.reject(new Error('IMAP connection closed'));
    return new Promise<Tagged>((resolve, reject) => {
      this.#pending = { tag, resolve, reject, untagged: [], ...(continuation !== undefined ? { continuation } : {}) };
      this.#socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** Reading stopped by afterRead() goes on, with what arrived meanwhile first. */
  resume(): void {
    if (this.#closed || !this.#paused) return;
    this.#paused = false;
    let done = 0;
    while (done < this.#spilled && !this.#paused && !this.#closed) {
      const end = Math.min(this.#spilled, done + READ_BYTES);
      this.#scan(this.#spill, done, end);
      done = end;
    }
    this.#spill.copyWithin(0, done, this.#spilled);
    this.#spilled -= done;
    if (this.#paused || this.#closed) return;
    this.#socket.setTimeout(this.#idleMs);
    this.#socket.resume();
  }

  /** Logs out politely when the connection is idle, else cuts it; no event after this. */
  close(polite = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending?.reject(new Error('IMAP connection closed'));
    this.#pending = undefined;
    if (polite && !this.#socket.destroyed) {
      this.#socket.setTimeout(this.#idleMs, () => this.#socket.destroy());
      this.#socket.end(`D${++this.#tags} LOGOUT\r\n`);
    } else {
      this.#socket.destroy();
    }
  }

  async #login(user: string, pass: string): Promise<Tagged> {
    if (this.capabilities.has('AUTH=PLAIN')) {
      const ir = Buffer.from(`\0${user}\0${pass}`, 'utf8').toString('base64');
      return this.capabilities.has('SASL-IR') ? this.command(`AUTHENTICATE PLAIN ${ir}`) : this.command('AUTHENTICATE PLAIN', ir);
    }
    // A quoted string carries neither line breaks nor 8-bit text; such credentials need AUTH=PLAIN.
    const quotable = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;
    if (this.capabilities.has('LOGINDISABLED') || !quotable.test(user) || !quotable.test(pass)) throw new DirectUnavailable('no usable login mechanism');
    return this.command(`LOGIN ${quoted(user)} ${quoted(pass)}`);
  }

  #readCapabilities(line: string): void {
    const m = /CAPABILITY ([^\]]*)/i.exec(line);
    if (m) this.capabilities = new Set(m[1]!.trim().toUpperCase().split(/\s+/));
  }

  #onRead(n: number, buf: Uint8Array): boolean {
    if (this.#closed) return false;
    if (this.#paused) {
      if (this.#spilled + n > this.#spill.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * this.#spill.length, this.#spilled + n, READ_BYTES));
        this.#spill.copy(grown, 0, 0, this.#spilled);
        this.#spill = grown;
      }
      this.#spill.set(buf.subarray(0, n), this.#spilled);
      this.#spilled += n;
      return false;
    }
    this.#scan(buf, 0, n);
    return !this.#paused && !this.#closed;
  }

  /** Scans bytes, then lets the reader say whether it can take more. */
  #scan(buf: Uint8Array, start: number, end: number): void {
    try {
      this.#scanner.feed(buf, start, end);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (this.#closed || (this.#events?.afterRead() ?? true)) return;
    this.#paused = true;
    // A paused download waits for its reader, not for the server: no idle timeout meanwhile.
    this.#socket.setTimeout(0);
  }

  #line(text: string): void {
    if (this.#greeting) {
      const greeted = this.#greeting;
      this.#greeting = undefined;
      greeted(text);
      return;
    }
    const p = this.#pending;
    if (!p) return;
    if (text.startsWith(`${p.tag} `)) {
      this.#pending = undefined;
      const rest = text.slice(p.tag.length + 1);
      p.resolve({ ok: /^OK\b/i.test(rest), text: rest, untagged: p.untagged });
    } else if (text.startsWith('+')) {
      // A continuation with nothing to send (a server without SASL-IR asking twice) is answered with '*', which cancels.
      this.#socket.write(`${p.continuation ?? '*'}\r\n`);
    } else if (text.startsWith('* ') && p.untagged.length < 100) {
      p.untagged.push(text);
    }
  }

  #fail(err: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(err);
    this.#events?.failed(err);
  }
}

function quoted(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A mailbox name as IMAP wants it before UTF8=ACCEPT: modified UTF-7 (RFC 3501 5.1.3), quoted. */
export function mailboxName(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; ) {
    const c = path.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      out += c === 0x26 ? '&-' : path[i];
      i++;
      continue;
    }
    let j = i;
    while (j < path.length && !(path.charCodeAt(j) >= 0x20 && path.charCodeAt(j) <= 0x7e)) j++;
    const utf16 = Buffer.alloc((j - i) * 2);
    for (let k = i; k < j; k++) utf16.writeUInt16BE(path.charCodeAt(k), (k - i) * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    i = j;
  }
  return quoted(out);
}
