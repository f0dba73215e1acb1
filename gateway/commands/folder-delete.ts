/**
 * FolderDelete (MS-ASCMD 2.2.1.4): IMAP DELETE of the folder and everything below it (an
 * EAS folder takes its subfolders along). Deleting a folder that is already gone but that
 * the device still holds succeeds: the device's wish is fulfilled, and a retried request
 * whose answer was lost must not fail.
 */
import { EasStatusError } from '../errors.js';
import { FolderNotFoundError } from '../ports/mail-store.js';
import { subtreeIds, withoutSubtree } from '../sync/hierarchy.js';
import { loadHierarchy, type CurrentHierarchy } from './folder/hierarchy.js';
import { deviceKey, requireState, saveNextState, statusFor } from './folder/states.js';
import { folderChangedResponse, parseFolderDelete, Status, statusResponse } from './folder/wbxml.js';
import type { CommandDefinition, CommandHandler } from './types.js';

const REFUSALS = { special: Status.SpecialFolder, 'not-found': Status.NotFound } as const;

export const folderDelete: CommandHandler = async (ctx, request) => {
  const req = parseFolderDelete(request);
  const held = await requireState(ctx, req.syncKey);
  const heldIt = held.folders.some((f) => f.serverId === req.serverId);
  let current: CurrentHierarchy;
  try {
    current = await loadHierarchy(ctx.ports, ctx.user.login);
  } catch (err) {
    throw statusFor(err, REFUSALS);
  }
  const origin = current.origins.get(req.serverId);
  if (!origin && !heldIt) throw new EasStatusError(Status.NotFound, `no folder ${JSON.stringify(req.serverId.slice(0, 20))}`);
  if (origin?.kind === 'virtual' || (origin?.kind === 'mail' && origin.folder.specialUse)) {
    throw new EasStatusError(Status.SpecialFolder, 'special folders are not deleted');
  }
  if (origin?.kind === 'mail') {
    try {
      await ctx.ports.mail.deleteFolder(origin.folder.path);
    } catch (err) {
      if (!(err instanceof FolderNotFoundError && heldIt)) throw statusFor(err, REFUSALS);
    }
  }
  const gone = new Set([...subtreeIds(current.folders, req.serverId), ...subtreeIds(held.folders, req.serverId)]);
  for (const id of gone) await ctx.ports.state.deleteSyncStates(deviceKey(ctx), id);
  const key = await saveNextState(ctx, req.syncKey, withoutSubtree(held.folders, req.serverId));
  ctx.log.debug({ serverId: req.serverId, folders: gone.size, syncKey: key }, 'folder deleted');
  return { kind: 'wbxml', root: folderChangedResponse('FolderDelete', key) };
};

export function folderDeleteCommand(): CommandDefinition {
  return {
    name: 'FolderDelete',
    needsProvisioning: true,
    body: 'wbxml',
    handler: folderDelete,
    statusResponse: statusResponse('FolderDelete'),
  };
}
