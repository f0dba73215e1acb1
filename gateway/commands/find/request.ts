/**
 * Find requests (MS-ASCMD 2.2.1.2, 16.1) as typed values. Only the mailbox criterion is served:
 * MailBoxSearchCriterion with a Query of airsync:Class, airsync:CollectionId and FreeText, and
 * Options with Range and DeepTraversal. The query becomes the same tree Search uses, so both
 * commands run one search engine.
 */
import { child, type WbxmlElement } from '../../../codec/index.js';
import { DEFAULT_RANGE, MAX_RESULTS, parseRange, type QueryNode, type Range } from '../search/request.js';

const NS = 'Find';

export const FindStatus = {
  Success: 1,
  InvalidRequest: 2,
  FolderSyncRequired: 3,
  InvalidRange: 4,
} as const;

export class FindRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'FindRequestError';
  }
}

export interface FindRequest {
  readonly searchId: string;
  /** undefined for a GAL criterion, which this gateway does not serve. */
  readonly mailbox?: { readonly query: QueryNode; readonly range: Range; readonly deepTraversal: boolean };
}

/** undefined for a body that is no Find request at all. */
export function parseFind(root: WbxmlElement | undefined): FindRequest | undefined {
  if (!root || root.ns !== NS || root.tag !== 'Find') return undefined;
  const execute = child(root, NS, 'ExecuteSearch');
  if (!execute) return undefined;
  const searchId = child(root, NS, 'SearchId')?.text?.trim() ?? '';
  const criterion = child(execute, NS, 'MailBoxSearchCriterion');
  if (!criterion) return { searchId };
  const query = child(criterion, NS, 'Query');
  if (!query) throw new FindRequestError(FindStatus.InvalidRequest, 'Find: MailBoxSearchCriterion without a Query');
  const nodes = query.children.map((c): QueryNode => {
    if (c.ns === 'AirSync' && c.tag === 'Class') return { kind: 'class', value: (c.text ?? '').trim() };
    if (c.ns === 'AirSync' && c.tag === 'CollectionId') return { kind: 'collectionId', id: (c.text ?? '').trim() };
    if (c.ns === NS && c.tag === 'FreeText') return { kind: 'freeText', text: c.text ?? '' };
    throw new FindRequestError(FindStatus.InvalidRequest, `Find: ${c.ns}:${c.tag} is not allowed in a Query`);
  });
  const options = child(criterion, NS, 'Options');
  const rangeText = options && child(options, NS, 'Range')?.text;
  const range = rangeText === undefined ? DEFAULT_RANGE : parseRange(rangeText);
  if (!range) throw new FindRequestError(FindStatus.InvalidRange, 'Find: Range is not "m-n" with m <= n <= 999');
  return {
    searchId,
    mailbox: {
      query: { kind: 'and', of: nodes },
      range: { first: range.first, last: Math.min(range.last, range.first + MAX_RESULTS - 1) },
      deepTraversal: options !== undefined && child(options, NS, 'DeepTraversal') !== undefined,
    },
  };
}
