/**
 * MailStore over IMAP for one user and one request, on a session borrowed from the pool per
 * operation. The listing is kept for the request, so a command that lists and then creates
 * (FolderCreate checks the parent first) asks the server once, not twice.
 */
import type { BackendCredentials } from '../../ports/credentials.js';
import {
  FolderExistsError,
  FolderNotFoundError,
  InvalidFolderNameError,
  MailBackendError,
  ParentFolderNotFoundError,
  SpecialFolderError,
  type MailFolder,
  type MailStore,
  type RenameResult,
} from '../../ports/mail-store.js';
import { classifyImapError, isCommandFailure, responseCode } from './imap-errors.js';
import { listMailFolders, type ListOptions } from './imap-folders.js';
import type { ImapSession } from './imap-session.js';
import type { SessionPool } from './session-pool.js';

/** Characters no folder name may carry here: IMAP LIST wildcards and controls. */
const FORBIDDEN = /[%*\u0000-\u001f\u007f]/;

export class ImapMailStore implements MailStore {
  #listing: MailFolder[] | undefined;

  constructor(
    private readonly pool: SessionPool<ImapSession>,
    private readonly credentials: BackendCredentials,
    private readonly signal: AbortSignal,
    private readonly options: ListOptions,
  ) {}

  async listFolders(): Promise<MailFolder[]> {
    this.#listing = await this.#run('LIST', (s) => listMailFolders(s, this.options), true);
    return [...this.#listing];
  }

  async createFolder(parentPath: string | null, name: string): Promise<MailFolder> {
    const folders = await this.#current();
    const parent = parentPath === null ? null : folders.find((f) => f.path === parentPath);
    if (parent === undefined) throw new ParentFolderNotFoundError(`no parent folder to create ${JSON.stringify(name)} in`);
    const delimiter = parent?.delimiter ?? personalDelimiter(folders);
    checkName(name, delimiter);
    const wanted = parent ? `${parent.path}${delimiter}${name}` : name;
    if (folders.some((f) => f.path === wanted)) throw new FolderExistsError('a folder with this name already exists');
    // imapflow reports ALREADYEXISTS as created: false, and may prefix the personal namespace.
    const path = await this.#run('CREATE', async (s) => {
      const res = await s.client.mailboxCreate(wanted);
      if (!res.created) throw new FolderExistsError('a folder with this name already exists');
      return res.path;
    });
    this.#listing = undefined;
    const created = (await this.listFolders()).find((f) => f.path === path);
    if (!created) throw new MailBackendError('the new folder is not listed by the server');
    return created;
  }

  async renameFolder(path: string, newParentPath: string | null, newName: string): Promise<RenameResult> {
    const folders = await this.#current();
    const folder = folders.find((f) => f.path === path);
    if (!folder) throw new FolderNotFoundError('no such folder');
    if (folder.specialUse) throw new SpecialFolderError(`${folder.specialUse} folders are not renamed or moved`);
    const parent = newParentPath === null ? null : folders.find((f) => f.path === newParentPath);
    if (parent === undefined) throw new ParentFolderNotFoundError('no such parent folder');
    const delimiter = folder.delimiter ?? personalDelimiter(folders);
    if (parent && (parent.path === path || (delimiter && parent.path.startsWith(`${path}${delimiter}`)))) {
      throw new InvalidFolderNameError('a folder cannot move below itself');
    }
    checkName(newName, delimiter);
    const newPath = parent ? `${parent.path}${parent.delimiter ?? delimiter}${newName}` : newName;
    if (newPath === path) return { backendIdChanges: [] };
    if (folders.some((f) => f.path === newPath)) throw new FolderExistsError('a folder with this name already exists');
    await this.#run('RENAME', (s) => s.client.mailboxRename(path, newPath));
    this.#listing = undefined;
    // Path ids follow the rename for the folder and everything below it; real ids do not change.
    const backendIdChanges = subtree(folders, folder)
      .filter((f) => f.backendId.startsWith('imap:path:'))
      .map((f) => ({ from: f.backendId, to: `imap:path:${newPath}${f.path.slice(path.length)}` }));
    return { backendIdChanges };
  }

  async deleteFolder(path: string): Promise<void> {
    const folders = await this.#current();
    const folder = folders.find((f) => f.path === path);
    if (!folder) throw new FolderNotFoundError('no such folder');
    const doomed = subtree(folders, folder);
    const special = doomed.find((f) => f.specialUse);
    if (special) throw new SpecialFolderError(`${special.specialUse} folders are not deleted${special === folder ? '' : ' (one is inside this folder)'}`);
    // Deepest first: IMAP DELETE leaves a folder with children behind as \Noselect, or refuses.
    doomed.sort((a, b) => b.path.length - a.path.length);
    this.#listing = undefined;
    await this.#run('DELETE', async (s) => {
      for (const f of doomed) {
        try {
          await s.client.mailboxDelete(f.path);
        } catch (err) {
          // Gone already (another client was quicker): that is what we wanted.
          if (!(isCommandFailure(err) && responseCode(err) === 'NONEXISTENT')) throw err;
        }
      }
    });
  }

  async #current(): Promise<MailFolder[]> {
    return this.#listing ?? (await this.listFolders());
  }

  async #run<T>(what: string, fn: (s: ImapSession) => Promise<T>, readOnly = false): Promise<T> {
    try {
      return await this.pool.use(this.credentials, this.signal, fn, { retryOnDeadSession: readOnly });
    } catch (err) {
      throw classifyImapError(err, what);
    }
  }
}

/** The folder and every folder below it. */
function subtree(folders: readonly MailFolder[], root: MailFolder): MailFolder[] {
  const prefix = root.delimiter ? `${root.path}${root.delimiter}` : undefined;
  return folders.filter((f) => f === root || (prefix !== undefined && f.path.startsWith(prefix)));
}

function personalDelimiter(folders: readonly MailFolder[]): string | null {
  return (folders.find((f) => f.namespace === 'personal' && f.delimiter) ?? folders.find((f) => f.delimiter))?.delimiter ?? null;
}

function checkName(name: string, delimiter: string | null): void {
  if (name.trim() === '') throw new InvalidFolderNameError('a folder name cannot be empty');
  if (FORBIDDEN.test(name)) throw new InvalidFolderNameError('a folder name cannot contain %, * or control characters');
  if (delimiter && name.includes(delimiter)) throw new InvalidFolderNameError(`a folder name cannot contain the hierarchy delimiter ${JSON.stringify(delimiter)}`);
}
