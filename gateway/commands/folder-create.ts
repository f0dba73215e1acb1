/**
 * FolderCreate (MS-ASCMD 2.2.1.3): a mail folder becomes an IMAP CREATE. The device's next
 * hierarchy state is the one it held plus the new folder, so its next FolderSync does not
 * report its own folder back, while changes made elsewhere meanwhile still reach it.
 */
import { EasStatusError } from '../errors.js';
import { FolderExistsError, type MailFolder } from '../ports/mail-store.js';
import { withFolder } from '../sync/hierarchy.js';
import { creatableKind } from './folder/folder-types.js';
import { loadHierarchy, mailEntry, type CurrentHierarchy } from './folder/hierarchy.js';
import { deviceKey, requireState, saveNextState, statusFor } from './folder/states.js';
import { folderCreateResponse, parseFolderCreate, Status, statusResponse, type FolderCreateRequest } from './folder/wbxml.js';
import type { CommandContext, CommandDefinition, CommandHandler, CommandResult } from './types.js';

const REFUSALS = { exists: Status.Exists, 'parent-not-found': Status.ParentNotFound, 'not-found': Status.ParentNotFound, special: Status.SpecialFolder, 'invalid-name': Status.BadRequest } as const;

export const folderCreate: CommandHandler = async (ctx, request) => {
  const req = parseFolderCreate(request);
  const held = await requireState(ctx, req.syncKey);
  const kind = creatableKind(req.type);
  // Types 2-11 and 19 name default folders, which a client cannot create (Status 10, "malformed").
  if (kind === 'invalid') throw new EasStatusError(Status.BadRequest, `FolderCreate of type ${req.type}`);
  // Calendars, address books and task lists arrive with the CalDAV/CardDAV sources; until
  // then the server cannot do it, which is 6 ("an error occurred on the server") rather
  // than 10: the request itself is well formed.
  if (kind === 'unsupported') throw new EasStatusError(Status.ServerError, `FolderCreate of type ${req.type}: no backend for it yet`);

  const user = ctx.user.login;
  let current: CurrentHierarchy;
  try {
    current = await loadHierarchy(ctx.ports, user);
  } catch (err) {
    throw statusFor(err, REFUSALS);
  }
  const parentPath = resolveParent(current, req.parentId);
  let created: MailFolder;
  try {
    created = await ctx.ports.mail.createFolder(parentPath, req.displayName);
  } catch (err) {
    if (err instanceof FolderExistsError) {
      const again = await answerRetry(ctx, req, current, held.folders);
      if (again) return again;
    }
    throw statusFor(err, REFUSALS);
  }
  // The state is what the device believes: below the parent it asked for. Should the server
  // have filed it elsewhere (a namespace prefix "INBOX." puts top-level folders below INBOX),
  // the next FolderSync tells the device with an Update.
  const entry = await mailEntry(ctx.ports, user, created, req.parentId);
  const key = await saveNextState(ctx, req.syncKey, withFolder(held.folders, entry));
  ctx.log.debug({ serverId: entry.serverId, syncKey: key }, 'folder created');
  return { kind: 'wbxml', root: folderCreateResponse(key, entry.serverId) };
};

function resolveParent(current: CurrentHierarchy, parentId: string): string | null {
  if (parentId === '0') return null;
  const origin = current.origins.get(parentId);
  if (!origin) throw new EasStatusError(Status.ParentNotFound, `no parent folder ${JSON.stringify(parentId.slice(0, 20))}`);
  // The Outbox is the gateway's own: nothing can live below it.
  if (origin.kind === 'virtual') throw new EasStatusError(Status.SpecialFolder, `cannot create a folder below the ${origin.name}`);
  return origin.folder.path;
}

/**
 * The client sent this very FolderCreate before and never saw our answer: the folder exists,
 * the device's newest state (which the client never received) already holds it, the state
 * the client sent does not. Answer as the first time instead of "already exists".
 */
async function answerRetry(ctx: CommandContext, req: FolderCreateRequest, current: CurrentHierarchy, held: readonly { serverId: string }[]): Promise<CommandResult | undefined> {
  const existing = current.folders.find((f) => f.parentId === req.parentId && f.displayName === req.displayName);
  if (!existing || held.some((f) => f.serverId === existing.serverId)) return undefined;
  const latest = await ctx.ports.state.getLatestFolderState(deviceKey(ctx));
  if (!latest || latest.syncKey === req.syncKey || !latest.folders.some((f) => f.serverId === existing.serverId)) return undefined;
  ctx.log.debug({ serverId: existing.serverId, syncKey: latest.syncKey }, 'FolderCreate retried: answered again');
  return { kind: 'wbxml', root: folderCreateResponse(latest.syncKey, existing.serverId) };
}

export function folderCreateCommand(): CommandDefinition {
  return {
    name: 'FolderCreate',
    needsProvisioning: true,
    body: 'wbxml',
    handler: folderCreate,
    statusResponse: statusResponse('FolderCreate'),
  };
}
