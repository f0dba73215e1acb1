/**
 * FolderUpdate (MS-ASCMD 2.2.1.6): rename and/or move, one IMAP RENAME (which carries the
 * folder's subfolders along). The ServerId stays: it is keyed by the folder's backend id,
 * which a rename does not change where the server has stable ids; where it has none (ids
 * are paths) the id map is told about the new paths.
 */
import { EasStatusError } from '../errors.js';
import type { RenameResult } from '../ports/mail-store.js';
import { withFolder } from '../sync/hierarchy.js';
import { mailFolderType } from './folder/folder-types.js';
import { loadHierarchy, type CurrentHierarchy } from './folder/hierarchy.js';
import { requireState, saveNextState, statusFor } from './folder/states.js';
import { folderChangedResponse, parseFolderUpdate, Status, statusResponse } from './folder/wbxml.js';
import type { CommandContext, CommandDefinition, CommandHandler } from './types.js';

/** Status 2 covers both "that name is taken" and "a special folder cannot be updated". */
const REFUSALS = { exists: Status.Exists, special: Status.Exists, 'not-found': Status.NotFound, 'parent-not-found': Status.ParentNotFound, 'invalid-name': Status.BadRequest } as const;

export const folderUpdate: CommandHandler = async (ctx, request) => {
  const req = parseFolderUpdate(request);
  const held = await requireState(ctx, req.syncKey);
  const user = ctx.user.login;
  let current: CurrentHierarchy;
  try {
    current = await loadHierarchy(ctx.ports, user);
  } catch (err) {
    throw statusFor(err, REFUSALS);
  }
  const origin = current.origins.get(req.serverId);
  if (!origin) throw new EasStatusError(Status.NotFound, `no folder ${JSON.stringify(req.serverId.slice(0, 20))}`);
  if (origin.kind === 'virtual' || origin.folder.specialUse) throw new EasStatusError(Status.Exists, 'special folders are not renamed or moved');
  let parentPath: string | null = null;
  if (req.parentId !== '0') {
    const parent = current.origins.get(req.parentId);
    if (!parent) throw new EasStatusError(Status.ParentNotFound, `no parent folder ${JSON.stringify(req.parentId.slice(0, 20))}`);
    // Nothing lives below the gateway's Outbox; 2 is the Status that names special folders.
    if (parent.kind === 'virtual') throw new EasStatusError(Status.Exists, `cannot move a folder below the ${parent.name}`);
    parentPath = parent.folder.path;
  }
  let result: RenameResult;
  try {
    result = await ctx.ports.mail.renameFolder(origin.folder.path, parentPath, req.displayName);
  } catch (err) {
    throw statusFor(err, REFUSALS);
  }
  const backendId = await followRename(ctx, user, result, origin.folder.backendId);
  const entry = { serverId: req.serverId, parentId: req.parentId, displayName: req.displayName, type: mailFolderType(origin.folder), backendId };
  const key = await saveNextState(ctx, req.syncKey, withFolder(held.folders, entry));
  ctx.log.debug({ serverId: req.serverId, syncKey: key }, 'folder updated');
  return { kind: 'wbxml', root: folderChangedResponse('FolderUpdate', key) };
};

/** Moves path-based ids in the id map along with the rename; returns the folder's backend id now. */
async function followRename(ctx: CommandContext, user: string, result: RenameResult, backendId: string): Promise<string> {
  if (result.backendIdChanges.length === 0) return backendId;
  const serverIds = new Map((await ctx.ports.state.listFolderIds(user)).map((m) => [m.backendId, m.serverId]));
  let renamed = backendId;
  for (const { from, to } of result.backendIdChanges) {
    const serverId = serverIds.get(from);
    if (serverId === undefined) continue;
    try {
      await ctx.ports.state.setFolderBackendId(user, serverId, to);
      if (from === backendId) renamed = to;
    } catch (err) {
      // The new path still maps to a folder deleted long ago: this one then shows up as
      // Delete+Add on the next FolderSync, the best a server without stable ids allows.
      ctx.log.warn({ err, serverId }, 'folder id map: new path already taken');
    }
  }
  return renamed;
}

export function folderUpdateCommand(): CommandDefinition {
  return {
    name: 'FolderUpdate',
    needsProvisioning: true,
    body: 'wbxml',
    handler: folderUpdate,
    statusResponse: statusResponse('FolderUpdate'),
  };
}
