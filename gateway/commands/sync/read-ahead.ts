/**
 * Sync's read-ahead: while a client reads an answer that says MoreAvailable and asks for the next
 * window, the sources of that window's Adds (views, body plans, the planned sections) are
 * already being fetched, on another pooled session, so the next Sync pays one small
 * UID FETCH (FLAGS) instead of the views FETCH and the section FETCHes.
 *
 * Never stale: everything kept here is immutable for a (mailbox, UIDVALIDITY, UID) in IMAP
 * except the flags, which the serving Sync reads again (loadEmailItemsFrom); messages gone since
 * are absent from that read and left out as with any fetch; and the serving Sync's selection
 * checks the UIDVALIDITY the key names. An entry serves one Sync and is dropped (taken, evicted
 * or expired); a read-ahead that fails is a miss, and the Sync fetches as if there were none.
 * Bounded: a few dozen windows (~1 MB each at 100 messages), kept for seconds.
 */
import { LRUCache } from 'lru-cache';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import type { MailboxRef, MailMessages } from '../../ports/mail-messages.js';
import { fetchEmailSources, type EmailSources, type LoadEmailOptions } from '../email/load-items.js';

export const READ_AHEAD_ENTRIES = 32;
export const READ_AHEAD_TTL_MS = 30_000;

export interface ReadAheadScope {
  readonly user: string;
  readonly deviceId: string;
  readonly collectionId: string;
  readonly box: MailboxRef;
  readonly version: string;
  readonly body: BodyRequest;
}

interface Entry {
  readonly uids: ReadonlySet<number>;
  readonly sources: Promise<EmailSources | undefined>;
}

export class SyncReadAhead {
  readonly #lru: LRUCache<string, Entry>;

  constructor(max = READ_AHEAD_ENTRIES, ttlMs = READ_AHEAD_TTL_MS) {
    this.#lru = new LRUCache({ max, ttl: ttlMs });
  }

  /** Starts fetching the sources of `uids` for the scope's next Sync (replacing an earlier read-ahead of it). */
  start(scope: ReadAheadScope, messages: MailMessages, uids: readonly number[], opts: LoadEmailOptions): void {
    if (uids.length === 0 || !messages.fetchFlags) return;
    const sources = fetchEmailSources(messages, scope.box, uids, opts).catch(() => undefined);
    this.#lru.set(key(scope), { uids: new Set(uids), sources });
  }

  /** The scope's read-ahead when it was made for all of `uids` (awaited if still in flight), once. */
  async take(scope: ReadAheadScope, uids: readonly number[]): Promise<EmailSources | undefined> {
    const k = key(scope);
    const entry = this.#lru.get(k);
    if (!entry) return undefined;
    this.#lru.delete(k);
    if (!uids.every((uid) => entry.uids.has(uid))) return undefined;
    const sources = await entry.sources;
    if (sources) this.#hits++;
    return sources;
  }

  /** Read-aheads taken and usable so far (what a test or an operator looks at to see it work). */
  get hits(): number {
    return this.#hits;
  }

  get size(): number {
    return this.#lru.size;
  }

  /** Resolves when every read-ahead now kept has finished (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.#lru.values()].map((e) => e.sources));
  }

  #hits = 0;
}

function key(s: ReadAheadScope): string {
  return JSON.stringify([s.user, s.deviceId, s.collectionId, s.box.path, s.box.uidValidity, s.version, s.body]);
}

/** One per gateway process, like the pooled sessions it reads through. */
export const syncReadAhead = new SyncReadAhead();
