/**
 * A small HTTP client over node:http that lets a test send what a phone sends,
 * including chunked bodies and bodies the server stops reading halfway.
 */
import http from 'node:http';

export interface TestResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface TestRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Basic credentials; omitted means no Authorization header. */
  readonly auth?: { user: string; password: string };
  /** Sent with Content-Length. */
  readonly body?: Uint8Array | string;
  /** Sent chunked, one write per chunk, with a pause between writes. */
  readonly chunks?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Declared Content-Length without sending the body (the server must not wait for it). */
  readonly declaredLength?: number;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function send(baseUrl: string, req: TestRequest): Promise<TestResponse> {
  const url = new URL(req.path, baseUrl);
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth) headers.Authorization = basicAuth(req.auth.user, req.auth.password);
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
  if (req.declaredLength !== undefined) headers['Content-Length'] = String(req.declaredLength);
  return new Promise((resolve, reject) => {
    let settled = false;
    const outgoing = http.request(url, { method: req.method ?? 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
      });
      res.on('error', (err) => { if (!settled) reject(err); });
    });
    // A server that answers early and closes may reset our unfinished upload: that is
    // the behaviour under test, so only report errors that come before any response.
    outgoing.on('error', (err) => { if (!settled) setTimeout(() => { if (!settled) reject(err); }, 200); });
    if (req.chunks) {
      void (async () => {
        try {
          for await (const chunk of req.chunks!) {
            if (outgoing.destroyed || settled) return;
            outgoing.write(chunk);
            await new Promise((r) => setTimeout(r, 5));
          }
          outgoing.end();
        } catch {
          /* the server closed on us */
        }
      })();
    } else if (req.declaredLength !== undefined) {
      outgoing.flushHeaders();
    } else {
      outgoing.end(req.body);
    }
  });
}
