/**
 * Logged-in backend sessions kept across requests, so a phone's FolderSync-Sync-Ping round
 * does not pay a TCP connect and a LOGIN each time (a login is most of a small request).
 *
 * - Sessions are keyed by login plus a keyed hash of the secret: a changed password gets a
 *   new session and never borrows one logged in with the old one.
 * - A session is lent to one request at a time (IMAP has one selected mailbox per
 *   connection, and a Ping will hold one in IDLE); a user may hold up to maxPerUser.
 * - At maxConnections, the least recently used idle session of anyone is logged out to make
 *   room; when none is idle, requests wait up to acquireTimeoutMs, then get 503.
 * - An idle session is logged out after idleMs; one that broke (socket closed, BYE) is dropped.
 * - A session older than maxAgeMs is retired when it comes back. Long-lived sessions can hold
 *   a stale view: Dovecot 2.3's mailbox list index, after a RENAME by another session, keeps
 *   listing a folder deleted later (and misses one created below the renamed folder) in every
 *   session already open, until a new session opens the index. Retiring sessions bounds that.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { BackendUnavailableError } from '../../errors.js';
import type { BackendCredentials } from '../../ports/credentials.js';

export interface PoolableSession {
  readonly usable: boolean;
  /** Ends the session politely; must not throw. */
  logout(): Promise<void>;
  /** Called once when the connection goes away on its own. */
  onClose(listener: () => void): void;
}

export interface SessionPoolOptions {
  readonly maxConnections: number;
  readonly maxPerUser: number;
  readonly idleMs: number;
  /** Sessions are retired (at release) once this old. */
  readonly maxAgeMs: number;
  /** How long a request waits for a free session before it is answered 503. */
  readonly acquireTimeoutMs: number;
}

export interface UseOptions<S = unknown> {
  /**
   * The work only reads: if a reused session turns out dead under it, run it again once on a
   * fresh session. Never for writes, which may have reached the server before the break.
   */
  readonly retryOnDeadSession?: boolean;
  /**
   * Session affinity: among the user's idle sessions, take the most recently used one this
   * accepts (for IMAP, one that already has the mailbox selected, so the request skips a
   * SELECT whose cost grows with the mailbox), else the most recently used one.
   */
  readonly prefer?: (session: S) => boolean;
}

interface Entry<S> {
  readonly session: S;
  readonly key: string;
  uses: number;
  readonly openedAt: number;
  idleSince: number;
  timer: NodeJS.Timeout | undefined;
  /** Counted out of the pool (closed, expired, evicted or dropped). */
  gone: boolean;
}

interface Slot<S> {
  idle: Entry<S>[];
  busy: number;
}

export class SessionPool<S extends PoolableSession> {
  readonly #slots = new Map<string, Slot<S>>();
  readonly #waiters = new Set<() => void>();
  readonly #hashKey = randomBytes(32);
  #total = 0;
  #closed = false;

  constructor(
    private readonly open: (credentials: BackendCredentials) => Promise<S>,
    private readonly options: SessionPoolOptions,
  ) {}

  async use<T>(credentials: BackendCredentials, signal: AbortSignal, fn: (session: S) => Promise<T>, opts: UseOptions<S> = {}): Promise<T> {
    const key = credentials.withSecret((login, secret) => `${login}\u0000${createHmac('sha256', this.#hashKey).update(login).update('\u0000').update(secret).digest('base64')}`);
    for (let attempt = 0; ; attempt++) {
      const entry = await this.#acquire(key, credentials, signal, opts);
      const reused = entry.uses > 0;
      entry.uses += 1;
      try {
        return await fn(entry.session);
      } catch (err) {
        if (opts.retryOnDeadSession && reused && attempt === 0 && !entry.session.usable) continue;
        throw err;
      } finally {
        this.#release(entry);
      }
    }
  }

  /** Logs out every idle session; busy ones are logged out when their request ends. */
  async close(): Promise<void> {
    this.#closed = true;
    const idle = [...this.#slots.values()].flatMap((slot) => slot.idle.splice(0));
    for (const entry of idle) this.#drop(entry);
    this.#wake();
    await Promise.all(idle.map((e) => e.session.logout()));
  }

  stats(): { total: number; idle: number; users: number } {
    let idle = 0;
    for (const slot of this.#slots.values()) idle += slot.idle.length;
    return { total: this.#total, idle, users: this.#slots.size };
  }

  async #acquire(key: string, credentials: BackendCredentials, signal: AbortSignal, opts: UseOptions<S>): Promise<Entry<S>> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    for (;;) {
      if (this.#closed) throw new BackendUnavailableError('imap', 'the gateway is shutting down');
      signal.throwIfAborted();
      const slot = this.#slot(key);
      const idle = this.#takeIdle(slot, opts.prefer);
      if (idle) {
        slot.busy += 1;
        return idle;
      }
      if (slot.busy < this.options.maxPerUser && (this.#total < this.options.maxConnections || this.#evictOldestIdle())) {
        slot.busy += 1;
        this.#total += 1;
        let session: S;
        try {
          session = await this.open(credentials);
        } catch (err) {
          slot.busy -= 1;
          this.#total -= 1;
          this.#forget(key);
          this.#wake();
          throw err;
        }
        const entry: Entry<S> = { session, key, uses: 0, openedAt: Date.now(), idleSince: 0, timer: undefined, gone: false };
        session.onClose(() => this.#closedByServer(entry));
        return entry;
      }
      await this.#wait(deadline, signal);
    }
  }

  #release(entry: Entry<S>): void {
    const slot = this.#slot(entry.key);
    slot.busy -= 1;
    if (this.#closed || entry.gone || !entry.session.usable || Date.now() - entry.openedAt >= this.options.maxAgeMs) {
      this.#drop(entry);
      void entry.session.logout();
    } else {
      entry.idleSince = Date.now();
      entry.timer = setTimeout(() => this.#expire(entry), this.options.idleMs);
      entry.timer.unref();
      slot.idle.push(entry);
    }
    this.#forget(entry.key);
    this.#wake();
  }

  /**
   * Most recently used first (among those `accept` takes, when any), so a burst's extra sessions
   * are the ones that expire. `only`: none but those `accept` takes.
   */
  #takeIdle(slot: Slot<S>, accept?: (session: S) => boolean): Entry<S> | undefined {
    if (accept) {
      for (let i = slot.idle.length - 1; i >= 0; i--) {
        const entry = slot.idle[i]!;
        if (!entry.session.usable || entry.gone || !accept(entry.session)) continue;
        slot.idle.splice(i, 1);
        clearTimeout(entry.timer);
        return entry;
      }
    }
    for (let entry = slot.idle.pop(); entry; entry = slot.idle.pop()) {
      clearTimeout(entry.timer);
      if (entry.session.usable && !entry.gone) return entry;
      this.#drop(entry);
      void entry.session.logout();
    }
    return undefined;
  }

  #evictOldestIdle(): boolean {
    let oldest: Entry<S> | undefined;
    for (const slot of this.#slots.values()) {
      for (const e of slot.idle) if (!oldest || e.idleSince < oldest.idleSince) oldest = e;
    }
    if (!oldest) return false;
    this.#removeIdle(oldest);
    void oldest.session.logout();
    return true;
  }

  #expire(entry: Entry<S>): void {
    if (entry.gone) return;
    this.#removeIdle(entry);
    void entry.session.logout();
    this.#wake();
  }

  #closedByServer(entry: Entry<S>): void {
    if (entry.gone) return;
    const slot = this.#slots.get(entry.key);
    // A busy session is dropped when its request releases it (it is no longer usable).
    if (slot?.idle.includes(entry)) {
      this.#removeIdle(entry);
      this.#wake();
    }
  }

  #removeIdle(entry: Entry<S>): void {
    const slot = this.#slots.get(entry.key);
    if (slot) slot.idle = slot.idle.filter((e) => e !== entry);
    this.#drop(entry);
    this.#forget(entry.key);
  }

  #drop(entry: Entry<S>): void {
    clearTimeout(entry.timer);
    if (entry.gone) return;
    entry.gone = true;
    this.#total -= 1;
  }

  #slot(key: string): Slot<S> {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { idle: [], busy: 0 };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  #forget(key: string): void {
    const slot = this.#slots.get(key);
    if (slot && slot.busy === 0 && slot.idle.length === 0) this.#slots.delete(key);
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }

  #wait(deadline: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (err?: unknown): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiters.delete(wake);
        if (err === undefined) resolve();
        else reject(err);
      };
      const wake = (): void => settle();
      const onAbort = (): void => settle(signal.reason ?? new Error('aborted'));
      const timer = setTimeout(
        () => settle(new BackendUnavailableError('imap', `no IMAP session free within ${this.options.acquireTimeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(wake);
    });
  }
}
