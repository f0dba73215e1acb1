/**
 * Wait (12.1+, minutes) and HeartbeatInterval (14.0+, seconds): a Sync that finds nothing may
 * be held open until something changes or the interval ends (MS-ASCMD 2.2.3.195,
 * 2.2.3.88.2). Out-of-range values are Status 14 with the bound in Limit.
 */
import { SyncStatus } from './status.js';

export const WAIT_MINUTES = { min: 1, max: 59 } as const;
export const HEARTBEAT_SECONDS = { min: 60, max: 3540 } as const;
/** How often a held Sync looks at the feed again (one STATUS per collection). */
export const RECHECK_MS = 10_000;

export type IntervalCheck = { readonly ok: true; readonly holdMs: number } | { readonly ok: false; readonly status: number; readonly limit: number };

/** holdMs 0: answer at once. */
export function checkInterval(wait: number | undefined, heartbeatInterval: number | undefined): IntervalCheck {
  if (wait !== undefined) {
    if (wait < WAIT_MINUTES.min) return { ok: false, status: SyncStatus.InvalidInterval, limit: WAIT_MINUTES.min };
    if (wait > WAIT_MINUTES.max) return { ok: false, status: SyncStatus.InvalidInterval, limit: WAIT_MINUTES.max };
    return { ok: true, holdMs: wait * 60_000 };
  }
  if (heartbeatInterval !== undefined) {
    if (heartbeatInterval < HEARTBEAT_SECONDS.min) return { ok: false, status: SyncStatus.InvalidInterval, limit: HEARTBEAT_SECONDS.min };
    if (heartbeatInterval > HEARTBEAT_SECONDS.max) return { ok: false, status: SyncStatus.InvalidInterval, limit: HEARTBEAT_SECONDS.max };
    return { ok: true, holdMs: heartbeatInterval * 1000 };
  }
  return { ok: true, holdMs: 0 };
}

/** Resolves after ms, or at once when the signal aborts (the client left, the gateway stops). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
