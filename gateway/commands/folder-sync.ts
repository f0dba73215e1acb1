/**
 * FolderSync (MS-ASCMD 2.2.1.5): the folder hierarchy, whole for SyncKey 0 and as changes
 * since the client's key otherwise. Changes made on the backend by anyone (another IMAP
 * client, the web mailer) show up here because the answer is a diff of what the device
 * holds against what the backend lists now.
 */
import { changeCount, diffHierarchy, INITIAL_SYNC_KEY } from '../sync/hierarchy.js';
import { loadHierarchy, type CurrentHierarchy } from './folder/hierarchy.js';
import { deviceKey, ensureDevice, requireState, saveNextState, statusFor } from './folder/states.js';
import { folderSyncResponse, parseFolderSync, statusResponse } from './folder/wbxml.js';
import type { CommandContext, CommandDefinition, CommandHandler } from './types.js';

export const folderSync: CommandHandler = async (ctx, request) => {
  const { syncKey } = parseFolderSync(request);
  const user = ctx.user.login;
  if (syncKey === INITIAL_SYNC_KEY) {
    const current = await currentHierarchy(ctx, user);
    // Starting over: the device's item states belong to the hierarchy it is dropping.
    await ensureDevice(ctx);
    await ctx.ports.state.resetFolderStates(deviceKey(ctx));
    const key = await saveNextState(ctx, INITIAL_SYNC_KEY, current.folders);
    ctx.log.debug({ folders: current.folders.length, syncKey: key }, 'FolderSync from scratch');
    return { kind: 'wbxml', root: folderSyncResponse(key, diffHierarchy([], current.folders)) };
  }
  const held = await requireState(ctx, syncKey);
  const current = await currentHierarchy(ctx, user);
  const changes = diffHierarchy(held.folders, current.folders);
  if (changeCount(changes) === 0) {
    // Nothing to tell: the client keeps its key, and no state is written.
    return { kind: 'wbxml', root: folderSyncResponse(syncKey, changes) };
  }
  const key = await saveNextState(ctx, syncKey, current.folders);
  // Collections that went away take their item states with them.
  for (const id of changes.deleted) await ctx.ports.state.deleteSyncStates(deviceKey(ctx), id);
  ctx.log.debug({ added: changes.added.length, updated: changes.updated.length, deleted: changes.deleted.length, from: syncKey, syncKey: key }, 'FolderSync changes');
  return { kind: 'wbxml', root: folderSyncResponse(key, changes) };
};

/** A backend that answers with a failure is Status 6; one that does not answer is 503 (thrown on). */
async function currentHierarchy(ctx: CommandContext, user: string): Promise<CurrentHierarchy> {
  try {
    return await loadHierarchy(ctx.ports, user);
  } catch (err) {
    throw statusFor(err, {});
  }
}

export function folderSyncCommand(): CommandDefinition {
  return {
    name: 'FolderSync',
    needsProvisioning: true,
    body: 'wbxml',
    handler: folderSync,
    statusResponse: statusResponse('FolderSync'),
  };
}
