/**
 * An in-memory ChangeFeed shaped like an IMAP folder with CONDSTORE/QRESYNC: numeric ids
 * that only grow, a mod-sequence bumped by every change, tombstones for expunged items, and
 * a validity that a recreate changes. It counts calls, so tests can say what was asked.
 */
import type { ChangeFeed, ChangedItem, FeedChanges, FeedCursor, FeedFilter, FeedReset } from '../../../../gateway/ports/change-feed.js';

interface Item {
  id: number;
  /** 'YYYY-MM-DD' */
  date: string;
  modseq: number;
}

export class FakeFeed implements ChangeFeed {
  validity = 1;
  modseq = 1;
  next = 1;
  items = new Map<number, Item>();
  tombstones = new Map<number, number>();
  calls = { open: 0, listIds: 0, changesSince: 0 };

  append(date: string, count = 1): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.next++;
      this.items.set(id, { id, date, modseq: ++this.modseq });
      ids.push(String(id));
    }
    return ids;
  }

  touch(id: string): void {
    const it = this.items.get(Number(id));
    if (!it) throw new Error(`no item ${id}`);
    it.modseq = ++this.modseq;
  }

  expunge(id: string): void {
    if (!this.items.delete(Number(id))) throw new Error(`no item ${id}`);
    this.tombstones.set(Number(id), ++this.modseq);
  }

  recreate(): void {
    this.validity += 1;
    this.items.clear();
    this.tombstones.clear();
    this.next = 1;
  }

  #cursor(): FeedCursor {
    return JSON.stringify({ v: this.validity, m: this.modseq, n: this.next });
  }

  async open(): Promise<FeedCursor> {
    this.calls.open += 1;
    return this.#cursor();
  }

  async *listIds(_c: string, filter: FeedFilter, options?: { pageSize?: number }): AsyncIterable<string[]> {
    this.calls.listIds += 1;
    const ids = [...this.items.values()].filter((i) => inWindow(i, filter)).map((i) => i.id).sort((a, b) => b - a);
    const size = options?.pageSize ?? 300;
    for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size).map(String);
  }

  async changesSince(_c: string, cursor: FeedCursor, previous: FeedFilter, filter: FeedFilter): Promise<FeedChanges | FeedReset> {
    this.calls.changesSince += 1;
    const c = JSON.parse(cursor) as { v: number; m: number; n: number };
    if (c.v !== this.validity) return { reset: 'uidvalidity' };
    const changed: ChangedItem[] = [];
    const added: string[] = [];
    for (const it of this.items.values()) {
      if (it.id >= c.n) {
        if (inWindow(it, filter)) added.push(String(it.id));
      } else if (it.modseq > c.m) changed.push({ id: String(it.id), version: String(it.modseq) });
    }
    const removed = [...this.tombstones].filter(([, m]) => m > c.m).map(([id]) => String(id));
    const between = (lo: string | null, hi: string | null): string[] =>
      [...this.items.values()].filter((i) => i.id < c.n && (lo === null || i.date >= lo) && hi !== null && i.date < hi).map((i) => String(i.id));
    const p = previous.since;
    const f = filter.since;
    const leftWindow = f !== null && (p === null || p < f) ? between(p, f) : [];
    const enteredWindow = p !== null && (f === null || f < p) ? between(f, p) : [];
    return { changed, added: added.reverse(), removed, leftWindow, enteredWindow, newCursor: this.#cursor() };
  }
}

function inWindow(i: Item, f: FeedFilter): boolean {
  return f.since === null || i.date >= f.since;
}
