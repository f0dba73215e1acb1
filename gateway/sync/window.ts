/**
 * FilterType (MS-ASCMD 2.2.3.69.2) as a time window: the cutoff day items must be dated on or
 * after. Days are UTC, matching the day granularity of IMAP SEARCH SINCE/BEFORE.
 */
import type { FeedFilter } from '../ports/change-feed.js';

/** FilterType -> days back; 0 (no filter) and 8 (incomplete tasks) have no time window. */
const DAYS: Readonly<Record<number, number>> = { 1: 1, 2: 3, 3: 7, 4: 14, 5: 30, 6: 90, 7: 180 };

export function isTimeFilterType(filterType: number): boolean {
  return DAYS[filterType] !== undefined || filterType === 0;
}

/** The window for a FilterType at `now` (0 or unknown: all items). */
export function feedFilter(filterType: number, now: Date): FeedFilter {
  const days = DAYS[filterType];
  if (days === undefined) return { since: null };
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
  return { since: d.toISOString().slice(0, 10) };
}
