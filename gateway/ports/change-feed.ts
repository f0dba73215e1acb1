/**
 * ChangeFeed: what changed in one collection of one user since a cursor, at a cost that grows
 * with the number of changes, not with the collection. Protocol-neutral: IMAP implements it
 * with CONDSTORE/QRESYNC, CalDAV/CardDAV will implement it with sync-collection (RFC 6578).
 *
 * - A collection is named by the backend's own name for it (an IMAP mailbox path, a DAV
 *   collection URL); the command maps its CollectionId there.
 * - An item has an id (a string; for IMAP the UID in decimal) and a version token (for IMAP
 *   the message's MODSEQ, for DAV its ETag).
 * - A cursor is opaque to everyone but the adapter that made it, and serializable as is:
 *   gateway/sync stores it in the sync state and hands it back later.
 * - The FilterType window is a cutoff day: items dated on or after it are in the window.
 *   Day granularity matches IMAP SEARCH SINCE/BEFORE; null means no window (all items).
 */

/** Opaque and serializable (for IMAP, JSON of {uidValidity, highestModSeq, uidNext}). */
export type FeedCursor = string;

/** Items dated on or after `since` (a UTC day, 'YYYY-MM-DD') are in the window; null: all items. */
export interface FeedFilter {
  readonly since: string | null;
}

export interface ChangedItem {
  readonly id: string;
  /** The item's version after the change (MODSEQ, ETag). */
  readonly version: string;
}

export interface FeedChanges {
  readonly reset?: undefined;
  /** Items whose content or flags changed, with their new version; may include items the client never saw. */
  readonly changed: readonly ChangedItem[];
  /** New items inside the window (filter.since); newest first. */
  readonly added: readonly string[];
  /** Items that are gone (expunged, vanished, deleted); may include items the client never saw. */
  readonly removed: readonly string[];
  /**
   * Items dated between the previous window's cutoff and the new one (the window moved on,
   * or the client narrowed its FilterType): candidates for SoftDelete. May include items the
   * client never held; the caller intersects with what it holds.
   */
  readonly leftWindow: readonly string[];
  /** Items dated between the new cutoff and the previous one (the client widened its FilterType). */
  readonly enteredWindow: readonly string[];
  readonly newCursor: FeedCursor;
}

/**
 * The cursor no longer describes this collection: the client must re-prime.
 * uidvalidity: the backend renumbered (or deleted and recreated) the collection;
 * cursor-too-old: the backend cannot tell changes that far back (a DAV sync-token expired);
 * unknown-cursor: not a cursor this adapter made (another backend, a corrupt state).
 */
export interface FeedReset {
  readonly reset: 'uidvalidity' | 'cursor-too-old' | 'unknown-cursor';
}

export interface ListIdsOptions {
  /** Ids per page; defaults to the adapter's choice (a few hundred). */
  readonly pageSize?: number;
}

export interface ChangeFeed {
  /** The collection's cursor as of now. */
  open(collection: string): Promise<FeedCursor>;
  /**
   * Every item id in the window, newest first (for IMAP: by descending UID, i.e. arrival),
   * in pages, without holding more than the adapter's compact form of the listing.
   */
  listIds(collection: string, filter: FeedFilter, options?: ListIdsOptions): AsyncIterable<string[]>;
  /**
   * Changes after `cursor`. `previous` is the window the cursor was taken with; items that
   * moved between it and `filter` are reported in leftWindow/enteredWindow.
   */
  changesSince(collection: string, cursor: FeedCursor, previous: FeedFilter, filter: FeedFilter): Promise<FeedChanges | FeedReset>;
}

export function isFeedReset(r: FeedChanges | FeedReset): r is FeedReset {
  return r.reset !== undefined;
}
