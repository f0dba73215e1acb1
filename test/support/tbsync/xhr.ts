/**
 * The part of Gecko's XMLHttpRequest that EAS-4-TbSync's network.js uses, over node:http:
 * open/setRequestHeader/overrideMimeType/send, timeout, onload/onerror/ontimeout, status,
 * responseText, responseURL, getResponseHeader.
 *
 * Behaviour copied from Firefox where it matters:
 *   - Content-Length, Host and Connection set by the script are ignored (forbidden headers);
 *     the length of the body actually sent is used.
 *   - A string body is sent as UTF-8; a typed array as its bytes.
 *   - network.js calls overrideMimeType("text/plain") and reads responseText: Firefox then
 *     decodes the body as UTF-8 (no charset given), with U+FFFD for invalid sequences. wbxmltools
 *     walks that string char by char, which is what makes non-ASCII folder names work there.
 *   - Redirects are not followed (easgate sends none).
 * Every exchange is appended to the shared log, bytes and all, for assertions and diagnostics.
 */
import http from 'node:http';
import https from 'node:https';

export interface TbSyncExchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Record<string, string>;
  readonly requestBody: Buffer;
  status?: number;
  responseHeaders?: http.IncomingHttpHeaders;
  responseBody?: Buffer;
  /** Network error or timeout, when there was no response. */
  error?: string;
}

const FORBIDDEN = new Set(['content-length', 'host', 'connection', 'transfer-encoding', 'keep-alive', 'expect']);

export interface XhrEnvironment {
  readonly agent: http.Agent;
  readonly exchanges: TbSyncExchange[];
}

/** A constructor for the sandbox; every instance shares `env` (one keep-alive agent, one log). */
export function xhrClass(env: XhrEnvironment): new () => object {
  return class XMLHttpRequest {
    // Attributes network.js sets or reads.
    mozBackgroundRequest = false;
    timeout = 0;
    readyState = 0;
    status = 0;
    statusText = '';
    responseText = '';
    responseURL = '';
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    #method = 'GET';
    #url = '';
    #headers: Record<string, string> = {};
    #responseHeaders: http.IncomingHttpHeaders = {};

    /** Only the URI's spec is read (autodiscover's redirect check). */
    get channel(): { URI: { spec: string } } {
      return { URI: { spec: this.responseURL || this.#url } };
    }

    open(method: string, url: string, async = true): void {
      if (!async) throw new Error('TbSync shim: synchronous XMLHttpRequest is not supported');
      this.#method = method;
      this.#url = url;
      this.readyState = 1;
    }

    overrideMimeType(_mime: string): void {
      // Always text/plain in network.js; responseText is decoded as UTF-8 below, as Firefox does.
    }

    setRequestHeader(name: string, value: unknown): void {
      if (FORBIDDEN.has(name.toLowerCase())) return;
      this.#headers[name] = String(value);
    }

    getResponseHeader(name: string): string | null {
      const v = this.#responseHeaders[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(', ') : v;
    }

    getAllResponseHeaders(): string {
      return Object.entries(this.#responseHeaders)
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}\r\n`)
        .join('');
    }

    send(body?: unknown): void {
      const bytes =
        body === undefined || body === null
          ? Buffer.alloc(0)
          : typeof body === 'string'
            ? Buffer.from(body, 'utf8')
            : ArrayBuffer.isView(body)
              ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
              : Buffer.from(String(body), 'utf8');
      const url = new URL(this.#url);
      const headers: Record<string, string> = { ...this.#headers };
      if (this.#method !== 'GET' && this.#method !== 'OPTIONS') headers['Content-Length'] = String(bytes.length);
      const exchange: TbSyncExchange = { method: this.#method, url: this.#url, requestHeaders: headers, requestBody: bytes };
      env.exchanges.push(exchange);
      const mod = url.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.readyState = 4;
        fn();
      };
      const req = mod.request(url, { method: this.#method, headers, agent: url.protocol === 'https:' ? undefined : env.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => finish(() => this.#fail(exchange, err.message)));
        res.on('end', () =>
          finish(() => {
            const responseBody = Buffer.concat(chunks);
            exchange.status = res.statusCode ?? 0;
            exchange.responseHeaders = res.headers;
            exchange.responseBody = responseBody;
            this.status = res.statusCode ?? 0;
            this.statusText = res.statusMessage ?? '';
            this.#responseHeaders = res.headers;
            this.responseURL = this.#url;
            this.responseText = new TextDecoder('utf-8').decode(responseBody);
            this.onload?.();
          }),
        );
      });
      if (this.timeout > 0) {
        req.setTimeout(this.timeout, () => {
          req.destroy();
          finish(() => {
            exchange.error = `timeout after ${this.timeout} ms`;
            this.ontimeout?.();
          });
        });
      }
      req.on('error', (err) => finish(() => this.#fail(exchange, err.message)));
      req.end(bytes);
      this.readyState = 2;
    }

    #fail(exchange: TbSyncExchange, message: string): void {
      exchange.error = message;
      this.status = 0;
      this.onerror?.();
    }
  };
}
