/**
 * GET /healthz, unauthenticated: 200 when every backing service answers, else 503
 * naming the one that did not. Meant for load balancers and `easgate serve` checks.
 */
import type { Context } from 'koa';
import type { HealthCheck, HealthStatus } from '../ports/health-check.js';

export async function respondToHealthz(ctx: Context, checks: readonly HealthCheck[]): Promise<void> {
  const results = await Promise.all(checks.map(async (c): Promise<[string, HealthStatus]> => {
    try {
      return [c.name, await c.check()];
    } catch (err) {
      return [c.name, { ok: false, detail: (err as Error).message }];
    }
  }));
  const healthy = results.every(([, r]) => r.ok);
  const body: Record<string, unknown> = { status: healthy ? 'ok' : 'unavailable' };
  const details: Record<string, string> = {};
  for (const [name, r] of results) {
    body[name] = r.ok ? 'ok' : 'down';
    if (!r.ok) details[name] = r.detail;
  }
  if (!healthy) body.details = details;
  ctx.status = healthy ? 200 : 503;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
