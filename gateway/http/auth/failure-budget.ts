/**
 * Slows down password guessing. Failures are counted per login and per client address
 * within a window; once either count reaches the budget, every further attempt waits
 * delayMs times the number of failures beyond it (capped), before the backend is asked.
 * A success clears the login's count but not the address's, so one valid account does
 * not launder guesses against others from the same address.
 */
import { LRUCache } from 'lru-cache';

export interface FailureBudgetOptions {
  readonly budget: number;
  readonly windowMs: number;
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Bounds memory under a flood of distinct logins/addresses. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Window {
  count: number;
  startedAt: number;
}

export class FailureBudget {
  readonly #opts: FailureBudgetOptions;
  readonly #now: () => number;
  readonly #windows: LRUCache<string, Window>;

  constructor(opts: FailureBudgetOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#windows = new LRUCache({ max: opts.maxEntries ?? 100_000 });
  }

  /** Milliseconds the next attempt for this login from this address should wait. */
  delayFor(login: string, ip: string): number {
    const failures = Math.max(this.count(userKey(login)), this.count(ipKey(ip)));
    const excess = failures - this.#opts.budget + 1;
    if (excess <= 0) return 0;
    return Math.min(this.#opts.delayMs * excess, this.#opts.maxDelayMs);
  }

  recordFailure(login: string, ip: string): void {
    this.bump(userKey(login));
    this.bump(ipKey(ip));
  }

  recordSuccess(login: string): void {
    this.#windows.delete(userKey(login));
  }

  private count(key: string): number {
    const w = this.#windows.get(key);
    if (!w) return 0;
    if (this.#now() - w.startedAt >= this.#opts.windowMs) {
      this.#windows.delete(key);
      return 0;
    }
    return w.count;
  }

  private bump(key: string): void {
    const count = this.count(key);
    const w = this.#windows.get(key);
    if (w && count > 0) w.count += 1;
    else this.#windows.set(key, { count: 1, startedAt: this.#now() });
  }
}

const userKey = (login: string): string => `u:${login.toLowerCase()}`;
const ipKey = (ip: string): string => `a:${ip}`;
