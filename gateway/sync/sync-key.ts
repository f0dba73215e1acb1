/**
 * Item Sync keys: a positive decimal integer per (device, collection), one more for every
 * response. '0' asks to start over. A re-prime starts from a fresh random base, so a late
 * retry of a key from before the re-prime cannot be mistaken for one issued after it.
 */
import { randomInt } from 'node:crypto';

export const INITIAL_SYNC_KEY = '0';

/** Largest key we issue: well inside JavaScript's safe integers and EAS's 64-character limit. */
const MAX_KEY = 2 ** 50;

export type ParsedSyncKey = { readonly kind: 'initial' } | { readonly kind: 'issued'; readonly n: number } | { readonly kind: 'invalid' };

export function parseSyncKey(key: string): ParsedSyncKey {
  if (key === INITIAL_SYNC_KEY) return { kind: 'initial' };
  if (/^[1-9][0-9]{0,15}$/.test(key)) {
    const n = Number(key);
    if (n <= MAX_KEY) return { kind: 'issued', n };
  }
  return { kind: 'invalid' };
}

/** The first key after a re-prime (SyncKey 0). */
export function firstSyncKey(random: (min: number, max: number) => number = randomInt): string {
  return String(random(1, 2 ** 30));
}

/** The key that follows `key` (a key we issued). */
export function nextSyncKey(key: string): string {
  const p = parseSyncKey(key);
  if (p.kind !== 'issued') throw new RangeError(`not an issued sync key: ${key}`);
  return String(p.n >= MAX_KEY ? 1 : p.n + 1);
}
