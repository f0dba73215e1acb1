/**
 * Sync Delete for email: with DeletesAsMoves (the default, MS-ASCMD 2.2.3.44) the messages move
 * to the Trash folder, all in one UID MOVE; in Trash itself, or with DeletesAsMoves 0, they get
 * \Deleted and a UID EXPUNGE of exactly those UIDs. A message that is already gone is deleted as
 * far as the client is concerned: success, no Response (Status 8 is for Fetch and Change).
 */
import { MailBackendError, UidPlusRequiredError, type MailboxRef, type MoveResult } from '../../../ports/mail-messages.js';
import { specialCollection } from '../../email/collections.js';
import type { EmailFlag } from '../../../items/email.js';
import type { CommandContext } from '../../types.js';
import { saveFlagDetails, storedFlagsFor } from '../flag-details.js';
import { uidOf } from './item-ids.js';
import { SyncItemStatus } from './responses.js';
import { FolderType } from '../../folder/folder-types.js';

export interface DeleteScope {
  readonly ctx: CommandContext;
  readonly collectionId: string;
  readonly box: MailboxRef;
  readonly folderType: number;
  readonly deletesAsMoves: boolean;
}

export interface DeleteOutcome {
  /** Per request, in order: undefined for success, else the Status. */
  readonly statuses: (number | undefined)[];
  readonly deleted: string[];
}


export async function applyDeletes(scope: DeleteScope, serverIds: readonly string[]): Promise<DeleteOutcome> {
  const { ctx, box } = scope;
  const statuses: (number | undefined)[] = serverIds.map(() => undefined);
  const uids: number[] = [];
  const deleted: string[] = [];
  serverIds.forEach((id, i) => {
    const uid = uidOf(id, scope.collectionId);
    if (uid === undefined) statuses[i] = SyncItemStatus.objectNotFound;
    else if (!uids.includes(uid)) uids.push(uid);
  });
  if (uids.length === 0) return { statuses, deleted };

  let failed: number | undefined;
  try {
    const trash = scope.deletesAsMoves && scope.folderType !== FolderType.DeletedItems ? await specialCollection(ctx, '\\Trash') : undefined;
    if (trash && trash.folder.path !== box.path) {
      const stored = await storedFlagsFor(ctx, box, uids);
      const moved = await ctx.ports.messages.moveMessages(box, uids, trash.folder.path);
      await carryFlagDetails(ctx, stored, moved, trash.folder.path, trash.folder.backendId);
    } else {
      if (scope.deletesAsMoves && scope.folderType !== FolderType.DeletedItems && !trash) ctx.log.warn('Sync Delete: no Trash folder, deleting instead of moving');
      await ctx.ports.messages.deleteMessages(box, uids);
    }
  } catch (err) {
    // The collection's mailbox gone, its UIDVALIDITY changed or the server down is the caller's (collection Status).
    if (!(err instanceof MailBackendError || err instanceof UidPlusRequiredError)) throw err;
    ctx.log.warn({ err, count: uids.length }, 'Sync Delete failed');
    failed = SyncItemStatus.serverError;
  }
  serverIds.forEach((id, i) => {
    if (statuses[i] !== undefined) return;
    if (failed !== undefined) statuses[i] = failed;
    else deleted.push(String(uidOf(id, scope.collectionId)));
  });
  if (failed === undefined) await saveFlagDetails(ctx, box, new Map(uids.map((u) => [u, null])));
  return { statuses, deleted: [...new Set(deleted)] };
}

/** A flagged message moved to Trash keeps its flag details under its new UID (COPYUID tells it). */
async function carryFlagDetails(ctx: CommandContext, stored: ReadonlyMap<number, EmailFlag>, moved: MoveResult, trashPath: string, trashId: string): Promise<void> {
  const carried = new Map<number, EmailFlag>();
  for (const [uid, flag] of stored) {
    const to = moved.uidMap.get(uid);
    if (to !== undefined) carried.set(to, flag);
  }
  if (carried.size === 0) return;
  const uidValidity = moved.uidValidity ?? (await ctx.ports.messages.mailboxRef(trashPath)).uidValidity;
  await saveFlagDetails(ctx, { path: trashPath, uidValidity, folderId: trashId }, carried);
}
