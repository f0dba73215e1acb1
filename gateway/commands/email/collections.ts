/**
 * CollectionId -> the mailbox behind it, for every command that names a mail collection (Sync,
 * GetItemEstimate, ItemOperations, MoveItems, Search, SmartReply/SmartForward). ServerIds come
 * from the per-user folder map FolderSync fills, so a folder renamed since is still found by its
 * backend id (X-GUID), never by a stale path.
 */
import { mailFolderType, type FolderTypeValue } from '../folder/folder-types.js';
import type { CommandContext } from '../types.js';
import type { MailFolder } from '../../ports/mail-store.js';

export interface MailCollection {
  readonly collectionId: string;
  readonly folder: MailFolder;
  /** EAS FolderType (2 Inbox, 3 Drafts, 4 Deleted Items, 5 Sent Items, 12 user mail, ...). */
  readonly type: FolderTypeValue;
}

/**
 * Undefined when the id is unknown to this user, names a folder that no longer exists, or a folder
 * that holds no messages (a \\Noselect parent, the gateway's virtual Outbox): the caller answers
 * with its command's "collection not found" Status. `folders` lets a command that resolves
 * several ids list the mailbox once.
 */
export async function resolveMailCollection(ctx: CommandContext, collectionId: string, folders?: readonly MailFolder[]): Promise<MailCollection | undefined> {
  const backendId = await ctx.ports.state.folderBackendId(ctx.user.login, collectionId);
  if (backendId === undefined) return undefined;
  const list = folders ?? (await ctx.ports.mail.listFolders());
  const folder = list.find((f) => f.backendId === backendId);
  if (!folder || !folder.selectable) return undefined;
  return { collectionId, folder, type: mailFolderType(folder) };
}

/** The ServerId of the folder with this special use (\\Sent, \\Trash, \\Drafts), allocating one if FolderSync has not yet. */
export async function specialCollection(ctx: CommandContext, use: MailFolder['specialUse'], folders?: readonly MailFolder[]): Promise<MailCollection | undefined> {
  const list = folders ?? (await ctx.ports.mail.listFolders());
  const folder = list.find((f) => f.specialUse === use && f.selectable);
  if (!folder) return undefined;
  const collectionId = await ctx.ports.state.folderServerId(ctx.user.login, folder.backendId);
  return { collectionId, folder, type: mailFolderType(folder) };
}
