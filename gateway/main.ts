/**
 * The composition root: configuration -> adapters -> registry -> Koa -> listening
 * socket. The only file that knows which adapter implements which port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BufferPool, decode, encode, encodeChunks, encodedLength, encodePooled } from '../codec/index.js';
import { ImapCredentialVerifier } from './adapters/imap/imap-credential-verifier.js';
import { ImapHealthCheck } from './adapters/imap/imap-health-check.js';
import { ImapChangeFeed } from './adapters/imap/imap-change-feed.js';
import { ImapMailMessages } from './adapters/imap/imap-messages.js';
import { ImapMailStore } from './adapters/imap/imap-mail-store.js';
import { openImapSession, type ImapSession } from './adapters/imap/imap-session.js';
import { SelectionMemo } from './adapters/imap/selection.js';
import { SessionPool } from './adapters/imap/session-pool.js';
import { SmtpMailSubmit } from './adapters/smtp/smtp-submit.js';
import { openStateStore } from './adapters/state/open.js';
import { createProductionRegistry } from './commands/production.js';
import type { CommandRegistry } from './commands/registry.js';
import type { Config } from './config/schema.js';
import { createApp } from './http/app.js';
import { DeviceAccess } from './http/device-access.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { systemClock } from './ports/clock.js';
import type { PortsFactory } from './ports/index.js';

export interface StartOptions {
  /** Defaults to a pino logger on stdout at config.log.level. */
  readonly logger?: Logger;
  /** Defaults to the production registry; tests bring their own commands. */
  readonly registry?: CommandRegistry;
}

export interface RunningGateway {
  /** e.g. "http://127.0.0.1:8080" */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, aborts in-flight handlers, closes connections and the state store. Idempotent. */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish after close() before their sockets are cut. */
const CLOSE_GRACE_MS = 2000;

export async function startGateway(config: Config, opts: StartOptions = {}): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger(config);
  const registry = opts.registry ?? createProductionRegistry(config);
  const state = await openStateStore(config.state);
  const shutdown = new AbortController();

  const imapPool = new SessionPool<ImapSession>((credentials) => openImapSession(config.imap, credentials), {
    maxConnections: config.imap.poolMaxConnections,
    maxPerUser: config.imap.poolMaxPerUser,
    idleMs: config.imap.poolIdleSeconds * 1000,
    maxAgeMs: config.imap.poolMaxAgeSeconds * 1000,
    acquireTimeoutMs: config.imap.connectTimeoutMs,
  });
  const ports: PortsFactory = {
    // Per-user backend sessions: the mail store borrows a pooled IMAP session when first used.
    // Calendar and contacts stores join here as their ports arrive.
    forRequest: (user, signal) => {
      // One per request: its reads and its change feed NOOP and STATUS a selection once.
      const selections = new SelectionMemo();
      return {
        state,
        clock: systemClock,
        mail: new ImapMailStore(imapPool, user.credentials, signal, { sharedNamespaces: config.imap.sharedNamespaces }),
        messages: new ImapMailMessages(imapPool, user.credentials, signal, { endpoint: config.imap, log: logger }, selections),
        mailFeed: new ImapChangeFeed(imapPool, user.credentials, signal, selections),
        submit: new SmtpMailSubmit(config.smtp, user.credentials, signal),
      };
    },
  };
  // Output buffers for WBXML responses, recycled so that large Sync responses are not written into freshly mapped memory.
  const responseBuffers = new BufferPool();
  const app = createApp({
    config,
    registry,
    logger,
    credentialVerifier: new ImapCredentialVerifier(config.imap),
    healthChecks: [new ImapHealthCheck(config.imap, Math.min(config.imap.connectTimeoutMs, 2000))],
    codec: {
      // The body limit already bounds the input; the codec's other limits stay at their defaults.
      decode: (bytes) => decode(bytes, { limits: { maxInputBytes: config.server.maxBodyBytes } }),
      encode: (root) => encode(root),
      encodePooled: (root) => encodePooled(root, responseBuffers),
      encodeChunks: (root) => encodeChunks(root),
      encodedLength: (root) => encodedLength(root),
    },
    ports,
    devices: new DeviceAccess(config.policy),
    shutdown: shutdown.signal,
  });

  const server = createHttpServer(app);
  try {
    await listen(server, config.server.port, config.server.host);
  } catch (err) {
    await imapPool.close();
    await state.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, commands: registry.names(), imap: `${config.imap.host}:${config.imap.port}`, dataDir: config.state.dataDir }, 'easgate listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shutdown.abort(new Error('gateway shutting down'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      cut.unref();
      await closed;
      clearTimeout(cut);
      await imapPool.close();
      await state.close();
      logger.info({ url }, 'easgate stopped');
    })();
    return closing;
  };
  return { url, port: address.port, close };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
