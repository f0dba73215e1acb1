/**
 * EmptyFolderContents (MS-ASCMD 2.2.3.58): every message of a mail folder expunged (one UID STORE
 * and one UID EXPUNGE over 1:*, nothing listed), and with DeleteSubFolders every folder below it
 * deleted too. The next Sync of the collection reports the deletions like any other; a device
 * that emptied Deleted Items expects exactly that.
 */
import { el, type WbxmlElement } from '../../../codec/index.js';
import { FolderNotFoundError, MailStoreError, type MailFolder } from '../../ports/mail-store.js';
import { resolveMailCollection } from '../email/collections.js';
import type { CommandContext } from '../types.js';
import { IO } from './request.js';
import { ItemOperationsStatus } from './status.js';

export interface EmptyOutcome {
  readonly element: WbxmlElement;
  readonly reason?: string;
}

export async function emptyFolderContents(ctx: CommandContext, collectionId: string, deleteSubFolders: boolean): Promise<EmptyOutcome> {
  const answer = (status: number, reason?: string): EmptyOutcome => ({
    element: el(IO, 'EmptyFolderContents', [el(IO, 'Status', status), el('AirSync', 'CollectionId', collectionId)]),
    ...(reason ? { reason } : {}),
  });
  const folders = await ctx.ports.mail.listFolders();
  const collection = await resolveMailCollection(ctx, collectionId, folders);
  if (!collection) return answer(ItemOperationsStatus.NotFound, 'unknown collection');
  try {
    await ctx.ports.messages.emptyMailbox(collection.folder.path);
    if (deleteSubFolders) {
      // Deepest first, so a parent is never deleted before its children are gone.
      for (const sub of subfolders(collection.folder, folders)) await ctx.ports.mail.deleteFolder(sub.path);
    }
  } catch (err) {
    if (err instanceof FolderNotFoundError) return answer(ItemOperationsStatus.NotFound, 'folder gone');
    if (err instanceof MailStoreError) return answer(ItemOperationsStatus.ServerError, err.message);
    throw err;
  }
  return answer(ItemOperationsStatus.Success);
}

function subfolders(parent: MailFolder, folders: readonly MailFolder[]): MailFolder[] {
  if (!parent.delimiter) return [];
  const prefix = parent.path + parent.delimiter;
  return folders.filter((f) => f.namespace === parent.namespace && f.path.startsWith(prefix)).sort((a, b) => b.path.length - a.path.length);
}
