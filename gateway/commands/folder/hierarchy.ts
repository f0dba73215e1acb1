/**
 * The folder hierarchy a device sees, merged from folder sources: the mailbox (IMAP) and
 * the gateway's own virtual Outbox now; calendars, address books and task lists (CalDAV,
 * CardDAV) join as further sources without FolderSync changing. ServerIds come from the
 * per-user id map keyed by each folder's backendId, so they survive renames and are the
 * same on all of a user's devices.
 */
import type { CommandPorts } from '../../ports/index.js';
import type { MailFolder, MailStore } from '../../ports/mail-store.js';
import type { FolderEntry } from '../../ports/state-store.js';
import { FolderType, mailFolderType, type FolderTypeValue } from './folder-types.js';

/** What a folder is behind its ServerId, so FolderCreate/Update/Delete know where to act. */
export type FolderOrigin =
  | { readonly kind: 'mail'; readonly folder: MailFolder }
  /** Lives only in the gateway (the Outbox SendMail writes through); nothing to rename or delete. */
  | { readonly kind: 'virtual'; readonly name: 'outbox' };

export interface SourceFolder {
  readonly backendId: string;
  /** null: top level. A parent the source does not list also puts the folder at top level. */
  readonly parentBackendId: string | null;
  readonly displayName: string;
  readonly type: FolderTypeValue;
  readonly origin: FolderOrigin;
}

/** One provider of folders. */
export interface FolderSource {
  list(): Promise<SourceFolder[]>;
}

export const OUTBOX_BACKEND_ID = 'gateway:outbox';

export interface CurrentHierarchy {
  /** As the device should hold it now, in source order. */
  readonly folders: FolderEntry[];
  readonly origins: ReadonlyMap<string, FolderOrigin>;
}

/** The mailbox's folders, plus the Outbox the gateway adds (IMAP has no outbox; SendMail submits over SMTP). */
export function mailSource(mail: MailStore): FolderSource {
  return {
    async list() {
      const folders = await mail.listFolders();
      const byPath = new Map(folders.map((f) => [f.path, f]));
      const listed: SourceFolder[] = folders.map((f) => ({
        backendId: f.backendId,
        parentBackendId: f.parentPath === null ? null : byPath.get(f.parentPath)?.backendId ?? null,
        displayName: f.displayName,
        type: mailFolderType(f),
        origin: { kind: 'mail', folder: f },
      }));
      const outbox: SourceFolder = {
        backendId: OUTBOX_BACKEND_ID,
        parentBackendId: null,
        displayName: 'Outbox',
        type: FolderType.Outbox,
        origin: { kind: 'virtual', name: 'outbox' },
      };
      return [...listed, outbox];
    },
  };
}

export function folderSources(ports: CommandPorts): FolderSource[] {
  return [mailSource(ports.mail)];
}

/** Lists every source and gives each folder its ServerId (allocating one on first sight). */
export async function loadHierarchy(ports: CommandPorts, user: string, sources = folderSources(ports)): Promise<CurrentHierarchy> {
  const listed = (await Promise.all(sources.map((s) => s.list()))).flat();
  const known = new Map((await ports.state.listFolderIds(user)).map((m) => [m.backendId, m.serverId]));
  const serverIdOf = async (backendId: string): Promise<string> => {
    let id = known.get(backendId);
    if (id === undefined) {
      id = await ports.state.folderServerId(user, backendId);
      known.set(backendId, id);
    }
    return id;
  };
  const folders: FolderEntry[] = [];
  const origins = new Map<string, FolderOrigin>();
  for (const f of listed) {
    const serverId = await serverIdOf(f.backendId);
    const parentId = f.parentBackendId === null ? '0' : await serverIdOf(f.parentBackendId);
    folders.push({ serverId, parentId, displayName: f.displayName, type: f.type, backendId: f.backendId });
    origins.set(serverId, f.origin);
  }
  return { folders, origins };
}

/** The entry a mail folder has in the hierarchy, for a snapshot the device will hold. */
export async function mailEntry(ports: CommandPorts, user: string, folder: MailFolder, parentId: string): Promise<FolderEntry> {
  const serverId = await ports.state.folderServerId(user, folder.backendId);
  return { serverId, parentId, displayName: folder.displayName, type: mailFolderType(folder), backendId: folder.backendId };
}
