/**
 * Search requests (MS-ASCMD 2.2.1.16) as typed values: the Store's Name, its Query as a tree, and
 * the Options a mailbox search reads. Anything the schema does not allow is a SearchRequestError
 * carrying the Store Status the command answers with (2, invalid request).
 */
import { child, children, type WbxmlElement } from '../../../codec/index.js';
import { BodyOptionsError, parseBodyRequest } from '../email/body-options.js';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import { parseEasDate } from '../../items/values.js';

const NS = 'Search';

export const StoreStatus = {
  Success: 1,
  InvalidRequest: 2,
  ServerError: 3,
  TooComplex: 8,
  TimedOut: 10,
} as const;

export class SearchRequestError extends Error {
  /** `unknownCollection`: a CollectionId the user has no mail folder for (Find answers that differently). */
  constructor(readonly status: number, message: string, readonly unknownCollection = false) {
    super(message);
    this.name = 'SearchRequestError';
  }
}

/** A Search (or Find) query as a tree; `and`/`or` as written, leaves as the client sent them. */
export type QueryNode =
  | { readonly kind: 'and' | 'or'; readonly of: readonly QueryNode[] }
  | { readonly kind: 'freeText'; readonly text: string }
  | { readonly kind: 'class'; readonly value: string }
  | { readonly kind: 'collectionId'; readonly id: string }
  | { readonly kind: 'conversationId'; readonly id: Uint8Array }
  | { readonly kind: 'receivedAfter' | 'receivedBefore'; readonly date: Date };

/** Zero-based, both ends inclusive, as the Range element writes it ("0-99"). */
export interface Range {
  readonly first: number;
  readonly last: number;
}

export interface SearchOptions {
  readonly range: Range;
  readonly deepTraversal: boolean;
  readonly rebuildResults: boolean;
  readonly body: BodyRequest;
}

export interface SearchRequest {
  /** The Store's Name as sent (Mailbox, GAL, DocumentLibrary, ...). */
  readonly store: string;
  /** The Query element's children as one implicit And; undefined when the store is not a mailbox. */
  readonly query?: QueryNode;
  readonly options?: SearchOptions;
}

/** MS-ASCMD 2.2.3.143.3: the mailbox store's default range, and the most results one response carries. */
export const DEFAULT_RANGE: Range = { first: 0, last: 99 };
export const MAX_RESULTS = 100;

/** undefined for a body that is no Search at all (the caller answers the command's Status). */
export function storeOf(root: WbxmlElement | undefined): WbxmlElement | undefined {
  if (!root || root.ns !== NS || root.tag !== 'Search') return undefined;
  const stores = children(root, NS, 'Store');
  return stores.length === 1 ? stores[0] : undefined;
}

export function parseSearch(store: WbxmlElement): SearchRequest {
  const name = child(store, NS, 'Name')?.text?.trim() ?? '';
  if (name.toLowerCase() !== 'mailbox') return { store: name };
  const query = child(store, NS, 'Query');
  if (!query) throw new SearchRequestError(StoreStatus.InvalidRequest, 'Search: a Mailbox store without a Query');
  return { store: 'Mailbox', query: { kind: 'and', of: query.children.map((c) => queryNode(c, 0)) }, options: parseOptions(child(store, NS, 'Options')) };
}

/** How deep And/Or may nest before the query counts as too complex (Store Status 8). */
const MAX_DEPTH = 8;

function queryNode(e: WbxmlElement, depth: number): QueryNode {
  if (depth > MAX_DEPTH) throw new SearchRequestError(StoreStatus.TooComplex, 'Search: the query nests too deep');
  const bad = (why: string): never => {
    throw new SearchRequestError(StoreStatus.InvalidRequest, `Search: ${why}`);
  };
  if (e.ns === 'AirSync' && e.tag === 'Class') return { kind: 'class', value: (e.text ?? '').trim() };
  if (e.ns === 'AirSync' && e.tag === 'CollectionId') return { kind: 'collectionId', id: (e.text ?? '').trim() };
  if (e.ns !== NS) return bad(`${e.ns}:${e.tag} is not allowed in a Query`);
  switch (e.tag) {
    case 'And':
    case 'Or':
      return { kind: e.tag === 'And' ? 'and' : 'or', of: e.children.map((c) => queryNode(c, depth + 1)) };
    case 'FreeText':
      return { kind: 'freeText', text: e.text ?? '' };
    case 'ConversationId': {
      const id = e.opaque ?? (e.text !== undefined ? new TextEncoder().encode(e.text) : undefined);
      if (!id || id.length === 0) return bad('an empty ConversationId');
      return { kind: 'conversationId', id };
    }
    case 'GreaterThan':
    case 'LessThan': {
      // MS-ASCMD 2.2.3.86/2.2.3.96: email:DateReceived, then Value; DateReceived is the only property.
      if (!child(e, 'Email', 'DateReceived')) return bad(`${e.tag} on anything but email:DateReceived`);
      const value = child(e, NS, 'Value')?.text?.trim();
      const date = value ? parseEasDate(value) : undefined;
      if (!date) return bad(`${e.tag} without a date Value`);
      return { kind: e.tag === 'GreaterThan' ? 'receivedAfter' : 'receivedBefore', date };
    }
    default:
      return bad(`${e.tag} is not allowed in a mailbox Query`);
  }
}

export function parseRange(text: string | undefined): Range | undefined {
  const m = /^(\d{1,3})-(\d{1,3})$/.exec((text ?? '').trim());
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first <= last ? { first, last } : undefined;
}

function parseOptions(options: WbxmlElement | undefined): SearchOptions {
  const rangeText = options && child(options, NS, 'Range')?.text;
  const range = rangeText === undefined ? DEFAULT_RANGE : parseRange(rangeText);
  if (!range) throw new SearchRequestError(StoreStatus.InvalidRequest, 'Search: Range is not "m-n" with m <= n <= 999');
  let body: BodyRequest;
  try {
    body = parseBodyRequest(options);
  } catch (err) {
    if (err instanceof BodyOptionsError) throw new SearchRequestError(StoreStatus.InvalidRequest, `Search: ${err.message}`);
    throw err;
  }
  return {
    // One response carries at most MAX_RESULTS; a wider request gets the first ones and a Range saying so.
    range: { first: range.first, last: Math.min(range.last, range.first + MAX_RESULTS - 1) },
    deepTraversal: options !== undefined && child(options, NS, 'DeepTraversal') !== undefined,
    rebuildResults: options !== undefined && child(options, NS, 'RebuildResults') !== undefined,
    body,
  };
}
