/**
 * GetItemEstimate (MS-ASCMD 2.2.1.9): per collection, how many operations the next Sync with
 * the client's SyncKey would send (adds, changes, deletes and soft deletes, the ones still
 * pending from earlier windows included), read from the sync state and the change feed the way
 * Sync reads them, and never written back. Email collections only, for now.
 *
 * Status per collection: 1 with the Estimate; 2 for a CollectionId that names no mail folder
 * of this user (or a class other than Email, or a FilterType email has no window for); 3 for
 * SyncKey 0 or a collection this device never synced; 4 for a key we did not issue or no
 * longer keep. A request that cannot be read gets a top-level Status (see wbxml.ts).
 */
import { FolderNotFoundError } from '../ports/mail-store.js';
import type { MailFolder } from '../ports/mail-store.js';
import { isTimeFilterType } from '../sync/window.js';
import { resolveMailCollection } from './email/collections.js';
import { estimateCollection } from './get-item-estimate/estimate.js';
import {
  getItemEstimateResponse,
  parseGetItemEstimate,
  Status,
  statusResponse,
  type CollectionAnswer,
  type EstimateCollectionRequest,
} from './get-item-estimate/wbxml.js';
import type { CommandContext, CommandDefinition, CommandHandler } from './types.js';

export const getItemEstimate: CommandHandler = async (ctx, request) => {
  const wanted = parseGetItemEstimate(request, ctx.protocolVersion);
  let folders: Promise<readonly MailFolder[]> | undefined;
  const listFolders = (): Promise<readonly MailFolder[]> => (folders ??= ctx.ports.mail.listFolders());
  const answers: CollectionAnswer[] = [];
  for (const c of wanted) answers.push(await answerCollection(ctx, c, listFolders));
  ctx.log.debug({ collections: answers.map((a) => [a.collectionId, a.status, a.estimate]) }, 'GetItemEstimate');
  return { kind: 'wbxml', root: getItemEstimateResponse(answers) };
};

async function answerCollection(ctx: CommandContext, c: EstimateCollectionRequest, listFolders: () => Promise<readonly MailFolder[]>): Promise<CollectionAnswer> {
  const answer = (status: number, estimate?: number): CollectionAnswer => ({ collectionId: c.collectionId, status, ...(estimate !== undefined ? { estimate } : {}) });
  if (c.className !== undefined && c.className !== 'Email') return answer(Status.InvalidCollection);
  if (c.filterType !== undefined && !isTimeFilterType(c.filterType)) return answer(Status.InvalidCollection);
  const collection = await resolveMailCollection(ctx, c.collectionId, await listFolders());
  if (!collection) return answer(Status.InvalidCollection);
  try {
    const r = await estimateCollection(ctx.ports.mailFeed, ctx.ports.state, {
      device: { user: ctx.user.login, deviceId: ctx.device.id },
      collectionId: c.collectionId,
      collection: collection.folder.path,
      syncKey: c.syncKey,
      ...(c.filterType !== undefined ? { filterType: c.filterType } : {}),
      now: ctx.ports.clock.now(),
    });
    if (r.status === 'ok') return answer(Status.Success, r.estimate);
    return answer(r.status === 'not-primed' ? Status.NotPrimed : Status.InvalidSyncKey);
  } catch (err) {
    // The folder went away between the listing and the feed's look at it.
    if (err instanceof FolderNotFoundError) return answer(Status.InvalidCollection);
    throw err;
  }
}

export function getItemEstimateCommand(): CommandDefinition {
  return {
    name: 'GetItemEstimate',
    needsProvisioning: true,
    body: 'wbxml',
    handler: getItemEstimate,
    statusResponse,
  };
}
