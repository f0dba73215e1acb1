/**
 * An in-memory MailStore with IMAP's folder semantics (paths with '/', GUIDs that survive a
 * rename, or path ids for a server without them), and a command context around it with a
 * real SQLite state store, for the folder command tests.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { el, type WbxmlElement } from '../../../../codec/index.js';
import type { CommandPorts } from '../../../../gateway/ports/index.js';
import type { CommandContext, CommandHandler, ProtocolVersion } from '../../../../gateway/commands/types.js';
import { makeAuthenticatedUser } from '../../../../gateway/commands/types.js';
import { EasStatusError } from '../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import {
  FolderExistsError, FolderNotFoundError, InvalidFolderNameError, ParentFolderNotFoundError, SpecialFolderError,
  type MailFolder, type MailStore, type RenameResult, type SpecialUse,
} from '../../../../gateway/ports/mail-store.js';
import type { StateStore } from '../../../../gateway/ports/state-store.js';
import { tempStore } from '../state/helpers.js';

interface Box { path: string; guid: string; specialUse: SpecialUse | null }

export class FakeMailStore implements MailStore {
  boxes: Box[] = [];
  /** Throw this from every call (backend down, backend failure). */
  failWith: Error | undefined;
  calls: string[] = [];

  constructor(readonly stableIds = true) {
    for (const [path, use] of [['INBOX', '\\Inbox'], ['Drafts', '\\Drafts'], ['Sent', '\\Sent'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archive', '\\Archive']] as const) {
      this.add(path, use);
    }
  }

  /** What another IMAP client does directly on the server. */
  add(path: string, specialUse: SpecialUse | null = null): void {
    this.boxes.push({ path, guid: randomUUID(), specialUse });
  }

  rename(from: string, to: string): void {
    for (const b of this.boxes) if (b.path === from || b.path.startsWith(`${from}/`)) b.path = to + b.path.slice(from.length);
  }

  remove(path: string): void {
    this.boxes = this.boxes.filter((b) => b.path !== path && !b.path.startsWith(`${path}/`));
  }

  has(path: string): boolean {
    return this.boxes.some((b) => b.path === path);
  }

  async listFolders(): Promise<MailFolder[]> {
    this.calls.push('list');
    if (this.failWith) throw this.failWith;
    return this.boxes.map((b) => this.#folder(b));
  }

  async createFolder(parentPath: string | null, name: string): Promise<MailFolder> {
    this.calls.push(`create ${parentPath}|${name}`);
    if (this.failWith) throw this.failWith;
    if (name.includes('/') || name === '') throw new InvalidFolderNameError('bad name');
    if (parentPath !== null && !this.has(parentPath)) throw new ParentFolderNotFoundError('no parent');
    const path = parentPath === null ? name : `${parentPath}/${name}`;
    if (this.has(path)) throw new FolderExistsError('exists');
    this.add(path);
    return this.#folder(this.boxes.at(-1)!);
  }

  async renameFolder(path: string, newParentPath: string | null, newName: string): Promise<RenameResult> {
    this.calls.push(`rename ${path}|${newParentPath}|${newName}`);
    if (this.failWith) throw this.failWith;
    const box = this.boxes.find((b) => b.path === path);
    if (!box) throw new FolderNotFoundError('no folder');
    if (box.specialUse) throw new SpecialFolderError('special');
    if (newParentPath !== null && !this.has(newParentPath)) throw new ParentFolderNotFoundError('no parent');
    if (newParentPath !== null && (newParentPath === path || newParentPath.startsWith(`${path}/`))) throw new InvalidFolderNameError('below itself');
    if (newName.includes('/')) throw new InvalidFolderNameError('bad name');
    const newPath = newParentPath === null ? newName : `${newParentPath}/${newName}`;
    if (newPath === path) return { backendIdChanges: [] };
    if (this.has(newPath)) throw new FolderExistsError('exists');
    const moved = this.boxes.filter((b) => b.path === path || b.path.startsWith(`${path}/`));
    const changes = moved.map((b) => ({ from: `imap:path:${b.path}`, to: `imap:path:${newPath}${b.path.slice(path.length)}` }));
    this.rename(path, newPath);
    return { backendIdChanges: this.stableIds ? [] : changes };
  }

  async deleteFolder(path: string): Promise<void> {
    this.calls.push(`delete ${path}`);
    if (this.failWith) throw this.failWith;
    const box = this.boxes.find((b) => b.path === path);
    if (!box) throw new FolderNotFoundError('no folder');
    if (this.boxes.some((b) => (b.path === path || b.path.startsWith(`${path}/`)) && b.specialUse)) throw new SpecialFolderError('special');
    this.remove(path);
  }

  #folder(b: Box): MailFolder {
    const cut = b.path.lastIndexOf('/');
    return {
      backendId: this.stableIds ? `imap:guid:${b.guid}` : `imap:path:${b.path}`,
      path: b.path,
      displayName: b.path === 'INBOX' ? 'Inbox' : b.path.slice(cut + 1),
      parentPath: cut < 0 ? null : b.path.slice(0, cut),
      delimiter: '/',
      specialUse: b.specialUse,
      selectable: true,
      namespace: 'personal',
    };
  }
}

export interface Harness {
  readonly mail: FakeMailStore;
  readonly state: StateStore;
  /** Runs a handler as the edge would: an EasStatusError becomes the Status number. */
  run(handler: CommandHandler, root: WbxmlElement | undefined, opts?: { deviceId?: string; version?: ProtocolVersion }): Promise<WbxmlElement | number>;
}

export function harness(t: TestContext, mail = new FakeMailStore()): Harness {
  const { store } = tempStore(t);
  const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'pw'));
  const log = pino({ level: 'silent' });
  return {
    mail,
    state: store,
    async run(handler, root, opts = {}) {
      const ctx: CommandContext = {
        command: 'FolderSync',
        user,
        device: { id: opts.deviceId ?? 'DEVICE1', type: 'TestPhone' },
        protocolVersion: opts.version ?? '16.1',
        params: { saveInSent: false, acceptMultiPart: false },
        log,
        signal: new AbortController().signal,
        // Folder commands touch only folders; the message ports stay unset.
        ports: { state: store, clock: { now: () => new Date() }, mail } as Partial<CommandPorts> as CommandPorts,
      };
      try {
        const result = await handler(ctx, { kind: 'wbxml', root });
        if (result.kind !== 'wbxml') throw new Error(`expected a WBXML result, got ${result.kind}`);
        return result.root;
      } catch (err) {
        if (err instanceof EasStatusError) return err.easStatus;
        throw err;
      }
    },
  };
}

const FH = 'FolderHierarchy';
const t = (tag: string, value: string | number) => el(FH, tag, value);
export const folderSyncReq = (key: string) => el(FH, 'FolderSync', [t('SyncKey', key)]);
export const folderCreateReq = (key: string, parentId: string, name: string, type = 12) =>
  el(FH, 'FolderCreate', [t('SyncKey', key), t('ParentId', parentId), t('DisplayName', name), t('Type', type)]);
export const folderUpdateReq = (key: string, serverId: string, parentId: string, name: string) =>
  el(FH, 'FolderUpdate', [t('SyncKey', key), t('ServerId', serverId), t('ParentId', parentId), t('DisplayName', name)]);
export const folderDeleteReq = (key: string, serverId: string) => el(FH, 'FolderDelete', [t('SyncKey', key), t('ServerId', serverId)]);

/** A FolderHierarchy response as plain data. */
export interface Parsed {
  status: number;
  syncKey?: string;
  serverId?: string;
  count?: number;
  adds: { serverId: string; parentId: string; displayName: string; type: number }[];
  updates: { serverId: string; parentId: string; displayName: string; type: number }[];
  deletes: string[];
}

export function parse(res: WbxmlElement | number): Parsed {
  if (typeof res === 'number') return { status: res, adds: [], updates: [], deletes: [] };
  const text = (e: WbxmlElement, tag: string) => e.children.find((c) => c.tag === tag)?.text;
  const folder = (e: WbxmlElement) => ({ serverId: text(e, 'ServerId')!, parentId: text(e, 'ParentId')!, displayName: text(e, 'DisplayName')!, type: Number(text(e, 'Type')) });
  const changes = res.children.find((c) => c.tag === 'Changes');
  const count = changes && text(changes, 'Count');
  return {
    status: Number(text(res, 'Status')),
    ...(text(res, 'SyncKey') !== undefined ? { syncKey: text(res, 'SyncKey') } : {}),
    ...(text(res, 'ServerId') !== undefined ? { serverId: text(res, 'ServerId') } : {}),
    ...(count !== undefined ? { count: Number(count) } : {}),
    adds: changes?.children.filter((c) => c.tag === 'Add').map(folder) ?? [],
    updates: changes?.children.filter((c) => c.tag === 'Update').map(folder) ?? [],
    deletes: changes?.children.filter((c) => c.tag === 'Delete').map((c) => text(c, 'ServerId')!) ?? [],
  };
}
