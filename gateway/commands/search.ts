/**
 * Search (MS-ASCMD 2.2.1.16) of the Mailbox store, 12.0+: the Query (FreeText, CollectionId, Class,
 * ConversationId, GreaterThan/LessThan on email:DateReceived, And/Or) runs as one IMAP search per
 * folder in scope (see search/mailbox.ts), results come newest first across folders, and only the
 * requested Range (default 0-99, at most 100 per response) is loaded, with the BodyPreference the
 * client asked for. Each Result carries Class, LongId, CollectionId and the email Properties.
 *
 * LongId in this gateway is the item's ServerId ("<collectionId>:<uid>"): ItemOperations and
 * SmartReply/SmartForward resolve a LongId exactly as a ServerId, so a result stays fetchable for
 * as long as the message stays where it was found. Every search runs fresh against the server,
 * so RebuildResults needs nothing extra and a paged request never sees stale results.
 *
 * Statuses: the Search element's Status is 1 once the request was read (3 when the server failed
 * before a Store answer existed); the Store's Status (2.2.3.177.13) is 1 success, 2 invalid request
 * (schema violations, an unknown CollectionId, a Range that is not "m-n"), 3 server error, 8 too
 * complex (a CollectionId/Class/ConversationId inside an Or, too many words or levels), 10 time out
 * (an IMAP server without a full-text index reading every body of a huge mailbox). The GAL and
 * DocumentLibrary stores are not served by this gateway (no directory, no document library): they
 * get Store Status 2 with no Result, never a made-up empty result set.
 */
import { el, type WbxmlElement } from '../../codec/index.js';
import { EasStatusError } from '../errors.js';
import { itemServerId } from '../sync/server-id.js';
import { searchMailbox } from './search/mailbox.js';
import { planQuery } from './search/query.js';
import { parseSearch, SearchRequestError, storeOf, StoreStatus, type Range } from './search/request.js';
import { loadPage, type LoadedHit } from './search/results.js';
import { emailElements } from './email/load-items.js';
import type { CommandDefinition, CommandHandler } from './types.js';

const NS = 'Search';
/** MS-ASCMD 2.2.2 common status: the request does not follow the protocol's XML. */
const INVALID_XML = 103;

export interface SearchCommandOptions {
  /** Answer Store Status 10 (time out) after this long (default DEFAULT_SEARCH_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

export const search: CommandHandler = (ctx, request) => runSearch(ctx, request, {});

async function runSearch(ctx: Parameters<CommandHandler>[0], request: Parameters<CommandHandler>[1], opts: SearchCommandOptions): ReturnType<CommandHandler> {
  const store = storeOf(request.kind === 'wbxml' ? request.root : undefined);
  if (!store) throw new EasStatusError(INVALID_XML, 'Search without exactly one Store');
  try {
    const req = parseSearch(store);
    if (req.store !== 'Mailbox' || !req.query || !req.options) {
      ctx.log.info({ store: req.store.slice(0, 32) }, 'Search of a store this gateway does not serve');
      return storeAnswer(StoreStatus.InvalidRequest);
    }
    const plan = planQuery(req.query);
    const { range, deepTraversal, body } = req.options;
    const started = Date.now();
    const found = await searchMailbox(ctx, plan, range, deepTraversal, opts.timeoutMs);
    const loaded = await loadPage(ctx, found.page, body);
    ctx.log.debug({ folders: plan.collectionIds.length || 'all', deepTraversal, total: found.total, returned: loaded.length, ms: Date.now() - started }, 'Search');
    return { kind: 'wbxml', root: searchResponse(ctx.protocolVersion, loaded, range, found.total) };
  } catch (err) {
    if (err instanceof SearchRequestError) {
      ctx.log.info({ status: err.status, why: err.message }, 'Search refused');
      return storeAnswer(err.status);
    }
    throw err;
  }
}

function storeAnswer(status: number): { kind: 'wbxml'; root: WbxmlElement } {
  return { kind: 'wbxml', root: el(NS, 'Search', [el(NS, 'Status', 1), el(NS, 'Response', [el(NS, 'Store', [el(NS, 'Status', status)])])]) };
}

export function searchResponse(version: Parameters<typeof emailElements>[1], loaded: readonly LoadedHit[], range: Range, total: number): WbxmlElement {
  const results = loaded.map(({ hit, item }) => el(NS, 'Result', [
    el('AirSync', 'Class', 'Email'),
    el(NS, 'LongId', itemServerId(hit.collectionId, String(hit.uid))),
    el('AirSync', 'CollectionId', hit.collectionId),
    el(NS, 'Properties', emailElements(item, version)),
  ]));
  return el(NS, 'Search', [
    el(NS, 'Status', 1),
    el(NS, 'Response', [el(NS, 'Store', [
      el(NS, 'Status', StoreStatus.Success),
      // Nothing found: one empty Result, as Exchange answers.
      ...(results.length > 0 ? results : [el(NS, 'Result', [])]),
      ...(results.length > 0 ? [el(NS, 'Range', `${range.first}-${range.first + results.length - 1}`)] : []),
      el(NS, 'Total', total),
    ])]),
  ]);
}

export function searchCommand(opts: SearchCommandOptions = {}): CommandDefinition {
  return {
    name: 'Search',
    // Mailbox search is 12.0+ (MS-ASCMD 2.2.3.120.2); 2.5 could only search the GAL, which this gateway has not.
    minVersion: '12.0',
    needsProvisioning: true,
    body: 'wbxml',
    handler: (ctx, request) => runSearch(ctx, request, opts),
    statusResponse: (status) => el(NS, 'Search', [el(NS, 'Status', status)]),
  };
}
