/**
 * One Email collection's turn in a Sync request, in the order MS-ASCMD needs:
 *   SyncKey checked (unknown: Status 3, the client's commands are NOT applied)
 *   -> the feed read (what the server changed, for the Conflict option)
 *   -> the client's Add/Change/Delete applied (client-changes.ts)
 *   -> the plan (without echoing the client's own changes) -> Commands, Fetch Responses.
 * The state is not written here: `commit` runs in the command's one transaction, right before
 * the response goes out.
 */
import type { WbxmlElement } from '../../../codec/index.js';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import { FolderNotFoundError, UidValidityChangedError, type MailboxRef } from '../../ports/mail-messages.js';
import type { StateStoreOps } from '../../ports/state-store.js';
import { beginCollectionSync } from '../../sync/collection-sync.js';
import { parseItemServerId } from '../../sync/server-id.js';
import type { MailCollection } from '../email/collections.js';
import type { CommandContext } from '../types.js';
import { applyClientCommands, type ClientChangeOutcome } from './client-changes.js';
import { fetchItems } from './fetch.js';
import type { SyncCollectionRequest } from './request.js';
import { collectionElement, type CollectionResponse } from './response.js';
import { serverCommands } from './server-changes.js';
import { SyncStatus } from './status.js';

export interface CollectionOutcome {
  readonly collectionId: string;
  readonly element: WbxmlElement;
  /** The key the client holds after this answer (its own on failure). */
  readonly syncKey: string;
  /** Writes the collection's new state; absent when nothing is to be written (failures). */
  readonly commit?: (tx: StateStoreOps) => Promise<void>;
  /** Nothing to tell: success, no operations, no responses, the client's key kept. */
  readonly idle: boolean;
  readonly status: number;
  /** Server operations planned (against a request-wide WindowSize). */
  readonly operations: number;
}

export interface CollectionEnv {
  readonly ctx: CommandContext;
  /** undefined: the CollectionId is not a mail folder of this user (Status 12). */
  readonly collection: MailCollection | undefined;
  /** The client's body options (sent now, or remembered from its earlier requests). */
  readonly body: BodyRequest;
  /** 0: the request's overall WindowSize is used up by earlier collections. */
  readonly windowSize?: number;
}

/** 2.5 and 12.0 carry the class in the collection. */
function classFor(ctx: CommandContext, req: SyncCollectionRequest): string | undefined {
  return ctx.protocolVersion === '2.5' || ctx.protocolVersion === '12.0' ? (req.className ?? 'Email') : undefined;
}

export async function syncEmailCollection(env: CollectionEnv, req: SyncCollectionRequest): Promise<CollectionOutcome> {
  const { ctx, collection } = env;
  const base = { className: classFor(ctx, req), collectionId: req.collectionId };
  const fail = (status: number): CollectionOutcome => ({
    collectionId: req.collectionId,
    element: collectionElement({ ...base, syncKey: req.syncKey, status }),
    syncKey: req.syncKey,
    idle: false,
    status,
    operations: 0,
  });
  if (!collection) return fail(SyncStatus.HierarchyChanged);
  // MS-ASCMD 2.2.3.68.2: 8 (incomplete tasks) is for Tasks only. 6 and 7 (3 and 6 months) are
  // listed for Calendar, but clients send them for mail too and the window is well defined.
  if ((req.options?.filterType ?? 0) > 7) return fail(SyncStatus.ProtocolError);
  try {
    return await run(env, collection, req, base);
  } catch (err) {
    if (err instanceof UidValidityChangedError) {
      ctx.log.info({ collectionId: req.collectionId }, 'UIDVALIDITY changed during Sync: the client re-primes');
      return fail(SyncStatus.InvalidSyncKey);
    }
    if (err instanceof FolderNotFoundError) return fail(SyncStatus.HierarchyChanged);
    throw err;
  }
}

async function run(env: CollectionEnv, collection: MailCollection, req: SyncCollectionRequest, base: Omit<CollectionResponse, 'syncKey' | 'status'>): Promise<CollectionOutcome> {
  const { ctx } = env;
  const device = { user: ctx.user.login, deviceId: ctx.device.id };
  const path = collection.folder.path;
  const initial = req.syncKey === '0';
  // Before the feed: a UIDVALIDITY change after this is either seen by the feed (reset) or
  // refused by every fetch under this ref, so UIDs are never read under the wrong validity.
  // With the folder's stable id, for what is kept by it (flag details) to outlive a rename.
  const box: MailboxRef | undefined = initial ? undefined : { ...(await ctx.ports.messages.mailboxRef(path)), folderId: collection.folder.backendId };
  const options = req.options;
  const start = await beginCollectionSync(ctx.ports.mailFeed, ctx.ports.state, {
    device,
    collectionId: req.collectionId,
    collection: path,
    syncKey: req.syncKey,
    ...(options?.filterType !== undefined ? { filterType: options.filterType } : {}),
    ...(env.windowSize !== undefined ? (env.windowSize > 0 ? { windowSize: env.windowSize } : { noRoom: true }) : {}),
    getChanges: req.getChanges ?? !initial,
    now: ctx.ports.clock.now(),
  });
  if (start.status !== 'ok') {
    ctx.log.info({ collectionId: req.collectionId, reason: start.status === 'reset' ? start.reason : 'unknown key' }, 'Sync key refused: the client re-primes');
    return {
      collectionId: req.collectionId,
      element: collectionElement({ ...base, syncKey: req.syncKey, status: SyncStatus.InvalidSyncKey }),
      syncKey: req.syncKey,
      idle: false,
      status: SyncStatus.InvalidSyncKey,
      operations: 0,
    };
  }

  let client: ClientChangeOutcome | undefined;
  if (!start.initial && box && req.commands.length > 0) {
    const addIds = req.commands.flatMap((c) => (c.kind === 'add' ? [c.clientId] : []));
    const knownClientIds = addIds.length ? await ctx.ports.state.lookupClientIds(device, req.collectionId, addIds) : new Map<string, string>();
    const serverChanged = new Set<string>();
    for (const c of req.commands) {
      if (c.kind === 'add') continue;
      const id = parseItemServerId(c.serverId);
      if (id && id.collectionId === req.collectionId && start.serverChanged(id.itemId)) serverChanged.add(id.itemId);
    }
    client = await applyClientCommands(
      {
        ctx,
        collectionId: req.collectionId,
        box,
        folderType: collection.type,
        deletesAsMoves: req.deletesAsMoves ?? true,
        conflict: options?.conflict ?? 1,
        serverChanged,
        knownClientIds,
      },
      req.commands,
    );
  }

  const quiet = req.commands.length === 0 && req.fetches.length === 0;
  const turn = start.finish(client?.applied, { keepKeyWhenIdle: quiet });
  const commands = box && turn.ops.length ? await serverCommands({ ctx, collectionId: req.collectionId, box, body: env.body }, turn.ops) : [];
  const fetched = box && req.fetches.length ? await fetchItems(ctx, req.collectionId, box, env.body, req.fetches) : [];
  const responses = [...(client?.responses ?? []), ...fetched];
  const clientIds = client?.clientIds;
  return {
    collectionId: req.collectionId,
    element: collectionElement({ ...base, syncKey: turn.syncKey, status: SyncStatus.Success, commands, moreAvailable: turn.moreAvailable, responses }),
    syncKey: turn.syncKey,
    commit: (tx) => turn.commit(tx, clientIds),
    idle: turn.idle && commands.length === 0 && responses.length === 0 && !turn.moreAvailable,
    status: SyncStatus.Success,
    operations: turn.ops.length,
  };
}
