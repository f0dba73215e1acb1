/**
 * An in-memory stand-in for TbSync core's account/folder database and its AccountData,
 * FolderData and SyncData objects (TbSync's public.js API, version 4.x), with the methods the
 * EAS provider calls while it provisions and syncs the folder list. Field defaults come from the
 * provider itself (Base.getDefaultAccountEntries / getDefaultFolderEntries), as in TbSync.
 */

export type Row = Record<string, unknown>;

export interface ProviderDefaults {
  getDefaultAccountEntries(): Row;
  getDefaultFolderEntries(): Row;
}

export class TbSyncDatabase {
  readonly accounts = new Map<string, Row>();
  /** All folders of all accounts; `cached: true` marks TbSync's "stale" folders (removed, kept for re-use). */
  readonly folders: (Row & { accountID: string; folderID: string; cached: boolean })[] = [];
  #nextAccount = 1;
  #nextFolder = 1;

  constructor(readonly defaults: ProviderDefaults) {}

  addAccount(values: Row): AccountData {
    const accountID = String(this.#nextAccount++);
    // TbSync core adds "provider" and "status" to the provider's own fields.
    this.accounts.set(accountID, { provider: 'eas', status: 'enabled', ...this.defaults.getDefaultAccountEntries(), ...values });
    return new AccountData(this, accountID);
  }

  newFolderRow(accountID: string): Row & { accountID: string; folderID: string; cached: boolean } {
    const row = { ...this.defaults.getDefaultFolderEntries(), accountID, folderID: String(this.#nextFolder++), cached: false };
    this.folders.push(row);
    return row;
  }
}

export class AccountData {
  constructor(
    readonly db: TbSyncDatabase,
    readonly accountID: string,
  ) {}

  #row(): Row {
    const row = this.db.accounts.get(this.accountID);
    if (!row) throw new Error(`TbSync shim: account ${this.accountID} does not exist`);
    return row;
  }

  getAccountProperty(field: string): unknown {
    const row = this.#row();
    return field in row ? row[field] : this.db.defaults.getDefaultAccountEntries()[field];
  }

  setAccountProperty(field: string, value: unknown): void {
    this.#row()[field] = value;
  }

  resetAccountProperty(field: string): void {
    this.#row()[field] = this.db.defaults.getDefaultAccountEntries()[field];
  }

  /** TbSync core: enabled and at least one folder that is not cached. */
  isConnected(): boolean {
    return this.getAccountProperty('status') !== 'disabled' && this.getAllFolders().length > 0;
  }

  getAllFolders(): FolderData[] {
    return this.db.folders.filter((f) => f.accountID === this.accountID && !f.cached).map((f) => new FolderData(this, f));
  }

  getAllFoldersIncludingCache(): FolderData[] {
    return this.db.folders.filter((f) => f.accountID === this.accountID).map((f) => new FolderData(this, f));
  }

  getFolder(field: string, value: unknown): FolderData | null {
    const row = this.db.folders.find((f) => f.accountID === this.accountID && !f.cached && f[field] === value);
    return row ? new FolderData(this, row) : null;
  }

  getFolderFromCache(field: string, value: unknown): FolderData | null {
    const row = this.db.folders.find((f) => f.accountID === this.accountID && f.cached && f[field] === value);
    return row ? new FolderData(this, row) : null;
  }

  createNewFolder(): FolderData {
    return new FolderData(this, this.db.newFolderRow(this.accountID));
  }

  /** TbSync core's removeCachedFolders(), run after every successful folder-list sync. */
  removeCachedFolders(): void {
    for (let i = this.db.folders.length - 1; i >= 0; i--) {
      const f = this.db.folders[i]!;
      if (f.accountID === this.accountID && f.cached) this.db.folders.splice(i, 1);
    }
  }
}

export class FolderData {
  constructor(
    readonly accountData: AccountData,
    readonly row: Row & { folderID: string; cached: boolean },
  ) {}

  get folderID(): string {
    return this.row.folderID;
  }

  getFolderProperty(field: string): unknown {
    return field in this.row ? this.row[field] : this.accountData.db.defaults.getDefaultFolderEntries()[field];
  }

  setFolderProperty(field: string, value: unknown): void {
    this.row[field] = value;
  }

  resetFolderProperty(field: string): void {
    this.row[field] = this.accountData.db.defaults.getDefaultFolderEntries()[field];
  }

  /** TbSync keeps a removed folder as a cached (stale) entry until the next list sync finishes. */
  remove(staleMessage = ''): void {
    this.row.cached = true;
    if (staleMessage) this.row.staleMessage = staleMessage;
  }
}

export class SyncData {
  readonly states: string[] = [];
  #state = 'accountdone';
  currentFolderData: FolderData | null = null;
  req: unknown = null;
  request: unknown = '';
  response: unknown = '';
  readonly eventLogInfo: { accountID: string };
  readonly progressData = { reset(): void {} };

  constructor(readonly accountData: AccountData) {
    this.eventLogInfo = { accountID: accountData.accountID };
  }

  getSyncState(): { state: string; timestamp: number } {
    return { state: this.#state, timestamp: Date.now() };
  }

  setSyncState(state: string): void {
    this.#state = state;
    this.states.push(state);
  }
}
