/**
 * Folder hierarchy sync, protocol-neutral: a snapshot is the list of folders a device was
 * told about; the changes between two snapshots are what it must be told next. Sync keys
 * are positive integers as strings, increasing per device ('0' means "start over").
 */
import type { FolderEntry } from '../ports/state-store.js';

export interface HierarchyChanges {
  /** Parents before their children, so a client can place each one as it reads it. */
  readonly added: FolderEntry[];
  /** Renamed, moved, or of another type now; same ServerId. */
  readonly updated: FolderEntry[];
  /** ServerIds, children before their parents. */
  readonly deleted: string[];
}

export function changeCount(c: HierarchyChanges): number {
  return c.added.length + c.updated.length + c.deleted.length;
}

/** Snapshot `before` (what the device holds) against `after` (what is there now), keyed by ServerId. */
export function diffHierarchy(before: readonly FolderEntry[], after: readonly FolderEntry[]): HierarchyChanges {
  const old = new Map(before.map((f) => [f.serverId, f]));
  const now = new Set(after.map((f) => f.serverId));
  const added: FolderEntry[] = [];
  const updated: FolderEntry[] = [];
  for (const f of after) {
    const was = old.get(f.serverId);
    if (!was) added.push(f);
    else if (was.parentId !== f.parentId || was.displayName !== f.displayName || was.type !== f.type) updated.push(f);
  }
  const deleted = before.filter((f) => !now.has(f.serverId));
  const depthAfter = depths(after);
  const depthBefore = depths(before);
  return {
    added: sortBy(added, (f) => depthAfter.get(f.serverId) ?? 0),
    updated: sortBy(updated, (f) => depthAfter.get(f.serverId) ?? 0),
    deleted: sortBy(deleted, (f) => -(depthBefore.get(f.serverId) ?? 0)).map((f) => f.serverId),
  };
}

/** True when a device holding `a` needs to be told nothing to hold `b`. */
export function sameHierarchy(a: readonly FolderEntry[], b: readonly FolderEntry[]): boolean {
  return changeCount(diffHierarchy(a, b)) === 0;
}

/** The folder with this ServerId and every folder below it (ServerIds). */
export function subtreeIds(folders: readonly FolderEntry[], serverId: string): Set<string> {
  const ids = new Set([serverId]);
  // Parents may come after children in a snapshot: repeat until nothing new joins.
  for (let grown = true; grown; ) {
    grown = false;
    for (const f of folders) {
      if (!ids.has(f.serverId) && ids.has(f.parentId)) {
        ids.add(f.serverId);
        grown = true;
      }
    }
  }
  return ids;
}

/** A snapshot with `entry` added, or replacing the entry of the same ServerId. */
export function withFolder(folders: readonly FolderEntry[], entry: FolderEntry): FolderEntry[] {
  const i = folders.findIndex((f) => f.serverId === entry.serverId);
  return i < 0 ? [...folders, entry] : folders.map((f, j) => (j === i ? entry : f));
}

/** A snapshot without the folder and everything below it. */
export function withoutSubtree(folders: readonly FolderEntry[], serverId: string): FolderEntry[] {
  const gone = subtreeIds(folders, serverId);
  return folders.filter((f) => !gone.has(f.serverId));
}

// Sync keys ------------------------------------------------------------------------

export const INITIAL_SYNC_KEY = '0';

/** A key we could have issued: a positive integer within JavaScript's safe range. */
export function isIssuedSyncKey(key: string): boolean {
  return /^[1-9][0-9]{0,14}$/.test(key);
}

/** One past the largest of the given keys (the first key is '1'). */
export function nextSyncKey(...keys: (string | undefined)[]): string {
  let max = 0;
  for (const k of keys) if (k !== undefined && isIssuedSyncKey(k)) max = Math.max(max, Number(k));
  return String(max + 1);
}

function depths(folders: readonly FolderEntry[]): Map<string, number> {
  const parent = new Map(folders.map((f) => [f.serverId, f.parentId]));
  const depth = new Map<string, number>();
  for (const f of folders) {
    let d = 0;
    // Bounded by the folder count, so a (corrupt) cycle cannot loop forever.
    for (let p = f.parentId; parent.has(p) && d <= folders.length; p = parent.get(p)!) d += 1;
    depth.set(f.serverId, d);
  }
  return depth;
}

/** Stable sort by a numeric key. */
function sortBy<T>(items: T[], key: (item: T) => number): T[] {
  return items.map((item, i) => ({ item, i, k: key(item) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.item);
}
