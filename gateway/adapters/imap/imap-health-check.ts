/**
 * Is the IMAP server there? A TCP (or TLS) connect and the server greeting within a
 * short timeout; no login, so the probe needs no credentials and costs the server little.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { HealthCheck, HealthStatus } from '../../ports/health-check.js';
import type { ImapEndpoint } from './imap-credential-verifier.js';

export class ImapHealthCheck implements HealthCheck {
  readonly name = 'imap';

  constructor(private readonly endpoint: ImapEndpoint, private readonly timeoutMs = 2000) {}

  check(signal?: AbortSignal): Promise<HealthStatus> {
    const { host, port, secure, rejectUnauthorized } = this.endpoint;
    return new Promise<HealthStatus>((resolve) => {
      const socket = secure ? tls.connect({ host, port, rejectUnauthorized, servername: host }) : net.connect({ host, port });
      let received = '';
      let settled = false;
      const finish = (status: HealthStatus): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (status.ok) socket.end('H1 LOGOUT\r\n');
        else socket.destroy();
        resolve(status);
      };
      const onAbort = (): void => finish({ ok: false, detail: 'aborted' });
      const timer = setTimeout(() => finish({ ok: false, detail: `no greeting from ${host}:${port} within ${this.timeoutMs} ms` }), this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
        const eol = received.indexOf('\r\n');
        if (eol < 0 && received.length < 4096) return;
        const greeting = received.slice(0, eol < 0 ? 80 : eol);
        finish(/^\* (OK|PREAUTH)\b/i.test(greeting) ? { ok: true } : { ok: false, detail: `unexpected greeting from ${host}:${port}: ${greeting.slice(0, 80)}` });
      });
      socket.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, detail: `${host}:${port}: ${err.code ?? err.message}` }));
      socket.on('close', () => finish({ ok: false, detail: `${host}:${port} closed the connection before greeting` }));
    });
  }
}
