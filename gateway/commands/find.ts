/**
 * Find (MS-ASCMD 2.2.1.2, 16.1 only) of the mailbox: MailBoxSearchCriterion's Query (FreeText,
 * Class, CollectionId) with Range and DeepTraversal runs on the same engine as Search (one IMAP
 * search per folder, newest first across folders, only the page loaded) and answers each match
 * with its ServerId, CollectionId and Find's short property list, including the server's Preview
 * (RFC 8970 PREVIEW, or the first 255 characters of the text part where the server has none).
 *
 * Statuses of the Response (2.2.3.177.2): 1 success, 2 invalid request (a Query element Find does
 * not define, a GAL criterion this gateway has no directory for, a query too complex to run),
 * 3 FolderSync required (a CollectionId the client no longer holds), 4 a Range that is not "m-n".
 * A body that is no Find request is common Status 103; a search that outlives its time budget
 * (an IMAP server without a full-text index reading a huge mailbox) is HTTP 503 with Retry-After.
 */
import { el } from '../../codec/index.js';
import { BackendUnavailableError, EasStatusError } from '../errors.js';
import { FindRequestError, FindStatus, parseFind } from './find/request.js';
import { findResponse, findStatusResponse } from './find/response.js';
import { searchMailbox } from './search/mailbox.js';
import { planQuery } from './search/query.js';
import { SearchRequestError, StoreStatus } from './search/request.js';
import { loadPage } from './search/results.js';
import type { CommandDefinition, CommandHandler } from './types.js';

const NS = 'Find';
/** MS-ASCMD 2.2.2 common status: the request does not follow the protocol's XML. */
const INVALID_XML = 103;
/** Only the preview is shown: no body data, Preview up to its maximum. */
const PREVIEW_ONLY = { bodyPreferences: [{ type: 1 as const, truncationSize: 0, preview: 255 }] };

export const find: CommandHandler = async (ctx, request) => {
  try {
    const req = parseFind(request.kind === 'wbxml' ? request.root : undefined);
    if (!req) throw new EasStatusError(INVALID_XML, 'Find without ExecuteSearch');
    if (!req.mailbox) {
      ctx.log.info('Find with a GAL criterion: this gateway has no directory');
      return { kind: 'wbxml', root: findStatusResponse(FindStatus.InvalidRequest) };
    }
    const { query, range, deepTraversal } = req.mailbox;
    const found = await searchMailbox(ctx, planQuery(query), range, deepTraversal);
    const loaded = await loadPage(ctx, found.page, PREVIEW_ONLY, true);
    ctx.log.debug({ total: found.total, returned: loaded.length, deepTraversal }, 'Find');
    return { kind: 'wbxml', root: findResponse(loaded, range, found.total) };
  } catch (err) {
    if (err instanceof FindRequestError) return { kind: 'wbxml', root: findStatusResponse(err.status) };
    if (err instanceof SearchRequestError && err.status === StoreStatus.TimedOut) {
      // Find has no time-out Status: the client is told to come back (503 with Retry-After).
      throw new BackendUnavailableError('imap', err.message);
    }
    if (err instanceof SearchRequestError) {
      ctx.log.info({ why: err.message }, 'Find refused');
      const status = err.unknownCollection ? FindStatus.FolderSyncRequired : FindStatus.InvalidRequest;
      return { kind: 'wbxml', root: findStatusResponse(status) };
    }
    throw err;
  }
};

export function findCommand(): CommandDefinition {
  return {
    name: 'Find',
    minVersion: '16.1',
    needsProvisioning: true,
    body: 'wbxml',
    handler: find,
    statusResponse: (status) => el(NS, 'Find', [el(NS, 'Status', status)]),
  };
}
