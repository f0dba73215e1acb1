/**
 * The Koa application: routing, the access log, and error mapping. Everything it
 * needs comes in through AppDeps; two apps in one process share nothing.
 */
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { CommandRegistry } from '../commands/registry.js';
import type { CredentialVerifier } from '../ports/credential-verifier.js';
import type { HealthCheck } from '../ports/health-check.js';
import type { PortsFactory } from '../ports/index.js';
import { Authenticator, type AuthenticatorOptions } from './auth/authenticator.js';
import type { DeviceAccess } from './device-access.js';
import { dispatchPost, type WbxmlCodec } from './dispatch.js';
import { AuthenticationError } from '../errors.js';
import { mapError } from './error-mapping.js';
import { respondToHealthz } from './healthz.js';
import { ALLOWED_METHODS, respondToOptions } from './options.js';
import { easState } from './request-state.js';
import { emptyBody } from './response.js';

export interface AppDeps {
  readonly config: Config;
  readonly registry: CommandRegistry;
  readonly logger: Logger;
  readonly credentialVerifier: CredentialVerifier;
  readonly healthChecks: readonly HealthCheck[];
  readonly codec: WbxmlCodec;
  readonly ports: PortsFactory;
  /** Aborts in-flight handlers (long Pings) when the gateway stops. */
  readonly shutdown?: AbortSignal;
  /** Tests shorten or observe the failure-budget slow-down. */
  readonly authSleep?: AuthenticatorOptions['sleep'];
  /** Device sightings and access control (blocks, wipes, policy keys); gateway/main.ts always brings it. */
  readonly devices?: DeviceAccess;
}

export const EAS_PATH = '/microsoft-server-activesync';

export function createApp(deps: AppDeps): Koa {
  const { config } = deps;
  const app = new Koa({ proxy: config.server.trustProxy });
  const authenticator = new Authenticator({
    verifier: deps.credentialVerifier,
    ...(config.auth.defaultDomain ? { defaultDomain: config.auth.defaultDomain } : {}),
    cacheTtlMs: config.auth.cacheTtlSeconds * 1000,
    cacheMaxEntries: config.auth.cacheMaxEntries,
    failureBudget: config.auth.failureBudget,
    failureWindowMs: config.auth.failureWindowSeconds * 1000,
    failureDelayMs: config.auth.failureDelayMs,
    failureMaxDelayMs: config.auth.failureMaxDelayMs,
    ...(deps.authSleep ? { sleep: deps.authSleep } : {}),
  });
  const shutdown = deps.shutdown ?? new AbortController().signal;

  // Errors are logged by accessLog; this only sees failures after the response began.
  app.silent = true;
  app.on('error', (err: unknown) => deps.logger.warn({ err }, 'response failed after it started'));

  app.use(accessLog(deps));
  app.use(async (ctx) => {
    const path = ctx.path.toLowerCase().replace(/\/+$/, '');
    if (path === EAS_PATH) {
      if (ctx.method === 'OPTIONS') {
        const auth = await authenticator.authenticate(ctx.get('Authorization') || undefined, ctx.ip);
        easState(ctx).user = auth.user;
        easState(ctx).authCached = auth.cached;
        respondToOptions(ctx, deps.registry);
        return;
      }
      if (ctx.method === 'POST') {
        await dispatchPost(ctx, {
          registry: deps.registry,
          codec: deps.codec,
          authenticator,
          ports: deps.ports,
          logger: deps.logger,
          maxBodyBytes: config.server.maxBodyBytes,
          shutdown,
          ...(deps.devices ? { devices: deps.devices } : {}),
        });
        return;
      }
      emptyBody(ctx, 405);
      ctx.set('Allow', ALLOWED_METHODS);
      return;
    }
    if (path === '/healthz') {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return respondToHealthz(ctx, deps.healthChecks);
      emptyBody(ctx, 405);
      ctx.set('Allow', 'GET,HEAD');
      return;
    }
    emptyBody(ctx, 404);
  });
  return app;
}

/** Exactly one log line per request, and the only place errors become responses. */
function accessLog(deps: AppDeps) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const st = easState(ctx);
    let failure: { err: unknown; unexpected: boolean } | undefined;
    try {
      await next();
    } catch (err) {
      const mapped = mapError(err, deps.config.retryAfterSeconds);
      failure = { err, unexpected: mapped.unexpected };
      st.reason = mapped.reason;
      emptyBody(ctx, mapped.status);
      ctx.set(mapped.headers);
      // A status Node has no phrase for (449) gets the one the error names.
      const phrase = (err as { statusMessage?: unknown } | null)?.statusMessage;
      if (typeof phrase === 'string') ctx.message = phrase;
    }
    if (st.closeConnection || !ctx.req.complete) {
      // Answered before the body was read to its end (413, 401, ...): closing is cheaper
      // than letting Node drain an unbounded body to keep the connection alive.
      ctx.set('Connection', 'close');
    }
    const line = st.line;
    // Every line has the same keys (null when unknown), so log queries need no special cases.
    const fields = {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      durationMs: Number(process.hrtime.bigint() - st.startedAt) / 1e6,
      ip: ctx.ip,
      user: st.user?.login ?? (failure?.err instanceof AuthenticationError ? failure.err.login : undefined) ?? null,
      deviceId: line?.deviceId ?? null,
      deviceType: line?.deviceType ?? null,
      cmd: st.command ?? null,
      version: st.protocolVersion ?? null,
      ...(st.authCached !== undefined ? { authCached: st.authCached } : {}),
      ...(st.easStatus !== undefined ? { easStatus: st.easStatus } : {}),
      ...(st.reason ? { reason: st.reason } : {}),
    };
    if (!failure) deps.logger.info(fields, 'request');
    else if (failure.unexpected) deps.logger.error({ ...fields, err: failure.err }, 'request failed');
    else deps.logger.warn({ ...fields, cause: (failure.err as Error).message }, 'request refused');
  };
}
