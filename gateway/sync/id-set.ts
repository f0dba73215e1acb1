/**
 * A compact set of item ids. Ids that are canonical decimal integers (IMAP UIDs) are kept as
 * sorted disjoint ranges, so the 100,000 UIDs of a folder are a handful of numbers; any other
 * id (a DAV href) is kept as itself. "Newest first" is descending numeric order, then the
 * other ids in descending string order.
 */
import { ByteReader, ByteWriter, SnapshotFormatError } from './bytes.js';

const NUMERIC = /^(?:0|[1-9][0-9]{0,14})$/;

function asNumber(id: string): number | undefined {
  return NUMERIC.test(id) ? Number(id) : undefined;
}

export class IdSet {
  /** [start0, end0, start1, end1, ...], inclusive, sorted, disjoint and not adjacent. */
  #ranges: number[] = [];
  #others = new Set<string>();
  #size = 0;

  static of(ids: Iterable<string>): IdSet {
    const b = new IdSetBuilder();
    for (const id of ids) b.add(id);
    return b.build();
  }

  /** From sorted, disjoint, non-adjacent inclusive ranges (trusted: built by IdSetBuilder or decode). */
  static #fromParts(ranges: number[], others: Iterable<string>): IdSet {
    const s = new IdSet();
    s.#ranges = ranges;
    for (let i = 0; i < ranges.length; i += 2) s.#size += ranges[i + 1]! - ranges[i]! + 1;
    for (const o of others) s.#others.add(o);
    s.#size += s.#others.size;
    return s;
  }

  get size(): number {
    return this.#size;
  }

  /** Number of numeric ranges (what the encoded size grows with). */
  get rangeCount(): number {
    return this.#ranges.length / 2;
  }

  clone(): IdSet {
    return IdSet.#fromParts([...this.#ranges], this.#others);
  }

  /** Index of the first range whose end >= n (ranges.length/2 if none). */
  #find(n: number): number {
    let lo = 0;
    let hi = this.#ranges.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ranges[mid * 2 + 1]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(id: string): boolean {
    const n = asNumber(id);
    if (n === undefined) return this.#others.has(id);
    const i = this.#find(n);
    return i < this.#ranges.length / 2 && this.#ranges[i * 2]! <= n;
  }

  /** True if the id was not there before. */
  add(id: string): boolean {
    const n = asNumber(id);
    if (n === undefined) {
      if (this.#others.has(id)) return false;
      this.#others.add(id);
      this.#size += 1;
      return true;
    }
    const r = this.#ranges;
    const i = this.#find(n);
    if (i < r.length / 2 && r[i * 2]! <= n) return false;
    this.#size += 1;
    const joinsPrev = i > 0 && r[i * 2 - 1]! === n - 1;
    const joinsNext = i < r.length / 2 && r[i * 2]! === n + 1;
    if (joinsPrev && joinsNext) r.splice(i * 2 - 1, 2);
    else if (joinsPrev) r[i * 2 - 1] = n;
    else if (joinsNext) r[i * 2] = n;
    else r.splice(i * 2, 0, n, n);
    return true;
  }

  /** True if the id was there. */
  delete(id: string): boolean {
    const n = asNumber(id);
    if (n === undefined) {
      if (!this.#others.delete(id)) return false;
      this.#size -= 1;
      return true;
    }
    const r = this.#ranges;
    const i = this.#find(n);
    if (i >= r.length / 2 || r[i * 2]! > n) return false;
    this.#size -= 1;
    const s = r[i * 2]!;
    const e = r[i * 2 + 1]!;
    if (s === e) r.splice(i * 2, 2);
    else if (s === n) r[i * 2] = n + 1;
    else if (e === n) r[i * 2 + 1] = n - 1;
    else r.splice(i * 2, 2, s, n - 1, n + 1, e);
    return true;
  }

  /** Newest first, lazily. */
  *descending(): Generator<string> {
    for (let i = this.#ranges.length - 2; i >= 0; i -= 2) {
      const s = this.#ranges[i]!;
      for (let n = this.#ranges[i + 1]!; n >= s; n--) yield String(n);
    }
    yield* [...this.#others].sort().reverse();
  }

  /** Removes and returns up to `count` ids, newest first. */
  takeNewest(count: number): string[] {
    const out: string[] = [];
    for (const id of this.descending()) {
      if (out.length >= count) break;
      out.push(id);
    }
    for (const id of out) this.delete(id);
    return out;
  }

  /** Compact IMAP-style sequence set of the numeric part ('1:5,9'), for logs and tests. */
  toString(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.#ranges.length; i += 2) {
      const s = this.#ranges[i]!;
      const e = this.#ranges[i + 1]!;
      parts.push(s === e ? String(s) : `${s}:${e}`);
    }
    return [...parts, ...[...this.#others].sort()].join(',');
  }

  /** Ranges as varint deltas, then the other ids. */
  encode(w: ByteWriter): void {
    w.varint(this.#ranges.length / 2);
    let prev = 0;
    for (let i = 0; i < this.#ranges.length; i += 2) {
      const s = this.#ranges[i]!;
      const e = this.#ranges[i + 1]!;
      w.varint(s - prev).varint(e - s);
      prev = e;
    }
    w.varint(this.#others.size);
    for (const o of [...this.#others].sort()) w.string(o);
  }

  static decode(r: ByteReader): IdSet {
    const count = r.varint();
    const ranges: number[] = [];
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const s = prev + r.varint();
      const e = s + r.varint();
      if ((i > 0 && s <= prev + 1) || !Number.isSafeInteger(e)) throw new SnapshotFormatError('id ranges out of order');
      ranges.push(s, e);
      prev = e;
    }
    const others: string[] = [];
    const n = r.varint();
    for (let i = 0; i < n; i++) others.push(r.string());
    return IdSet.#fromParts(ranges, others);
  }

  /** @internal for IdSetBuilder */
  static fromSortedRanges(ranges: number[], others: Iterable<string>): IdSet {
    return IdSet.#fromParts(ranges, others);
  }
}

/** Collects ids in any order (a listing arrives in pages, newest first) and builds the set in O(n log runs). */
export class IdSetBuilder {
  #runs: number[] = [];
  #others = new Set<string>();

  add(id: string): this {
    const n = asNumber(id);
    if (n === undefined) {
      this.#others.add(id);
      return this;
    }
    const r = this.#runs;
    const last = r.length - 2;
    // Extend the current run when the ids come in order, up or down.
    if (last >= 0 && r[last + 1]! + 1 === n) r[last + 1] = n;
    else if (last >= 0 && r[last]! - 1 === n) r[last] = n;
    else r.push(n, n);
    return this;
  }

  addAll(ids: Iterable<string>): this {
    for (const id of ids) this.add(id);
    return this;
  }

  build(): IdSet {
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.#runs.length; i += 2) pairs.push([this.#runs[i]!, this.#runs[i + 1]!]);
    pairs.sort((a, b) => a[0] - b[0]);
    const ranges: number[] = [];
    for (const [s, e] of pairs) {
      const n = ranges.length;
      if (n > 0 && s <= ranges[n - 1]! + 1) ranges[n - 1] = Math.max(ranges[n - 1]!, e);
      else ranges.push(s, e);
    }
    return IdSet.fromSortedRanges(ranges, this.#others);
  }
}
