/**
 * StateStore: what the gateway remembers between requests about devices and their
 * sync progress. Everything here is reconstructible from the backing servers except
 * operator decisions (blocked, wipe), so losing it costs a re-prime, not data.
 *
 * Every method returns a promise even though the SQLite adapter is synchronous
 * underneath, so a PostgreSQL adapter can implement the same port.
 *
 * No type in this file has a field that could carry a credential: the gateway
 * verifies passwords against IMAP and keeps them (at most) in memory.
 */

/** A device is one EAS DeviceId as seen by one user; the same phone under two accounts is two devices. */
export interface DeviceKey {
  user: string;
  deviceId: string;
}

/** none: never provisioned; pending: policy sent, acknowledgement awaited; provisioned: pendingPolicyKey promoted. */
export type ProvisioningState = 'none' | 'pending' | 'provisioned';

/** full wipes the phone (RemoteWipe); account-only removes just this account (AccountOnlyRemoteWipe, 16.1). */
export type WipeKind = 'full' | 'account-only';
export type WipeState = 'none' | 'requested' | 'account-only-requested' | 'acknowledged';

export interface WipeStatus {
  state: WipeState;
  /** The kind requested; kept after acknowledgement so an operator can see what was done. */
  kind: WipeKind | null;
  requestedAt: Date | null;
  acknowledgedAt: Date | null;
}

/** Settings DeviceInformation (MS-ASCMD 2.2.3.45); null where the device did not say. */
export interface DeviceInformation {
  model: string | null;
  imei: string | null;
  friendlyName: string | null;
  os: string | null;
  osLanguage: string | null;
  phoneNumber: string | null;
  mobileOperator: string | null;
  userAgent: string | null;
}

export interface Device extends DeviceKey {
  deviceType: string | null;
  /** The HTTP User-Agent of the latest request (DeviceInformation carries the device's own). */
  userAgent: string | null;
  protocolVersion: string | null;
  firstSeen: Date;
  lastSeen: Date;
  /** The key the device presents in X-MS-PolicyKey once provisioned. */
  policyKey: number | null;
  /** The temporary key issued in the first Provision round, awaiting acknowledgement. */
  pendingPolicyKey: number | null;
  provisioning: ProvisioningState;
  wipe: WipeStatus;
  blocked: boolean;
  info: DeviceInformation;
}

/** What every request tells us; undefined fields leave the stored value alone. */
export interface DeviceSighting extends DeviceKey {
  deviceType?: string;
  userAgent?: string;
  protocolVersion?: string;
  /** Defaults to now. */
  at?: Date;
}

/** Fields a command handler may change. Operator-owned fields (blocked, wipe) have their own methods. */
export interface DevicePatch {
  deviceType?: string | null;
  userAgent?: string | null;
  protocolVersion?: string | null;
  policyKey?: number | null;
  pendingPolicyKey?: number | null;
  provisioning?: ProvisioningState;
  /** Merged field by field: a key absent here keeps its stored value, null clears it. */
  info?: Partial<DeviceInformation>;
}

/** One folder as the device was last told about it (FolderSync Add/Update). */
export interface FolderEntry {
  serverId: string;
  /** '0' for a top-level folder, as on the wire. */
  parentId: string;
  displayName: string;
  /** EAS FolderType (1..19). */
  type: number;
  /** The backend's own id for the folder (e.g. 'imap:<X-GUID>'), so a rename is an Update, not Delete+Add. */
  backendId: string;
}

/** The folder hierarchy the device holds after receiving FolderSync SyncKey `syncKey`. */
export interface FolderState {
  syncKey: string;
  folders: FolderEntry[];
  createdAt: Date;
}

export interface FolderStateInput {
  /** Opaque to the store; gateway/sync decides the format (not '0', which means "start over"). */
  syncKey: string;
  folders: readonly FolderEntry[];
  /** The key the client sent; kept so a retry of that request can be answered again. Defaults to the newest before this one. */
  previousSyncKey?: string;
  /** Defaults to now. */
  at?: Date;
}

/** Stable mapping between a collection ServerId and the backend's id for it. */
export interface FolderIdMapping {
  serverId: string;
  backendId: string;
}

/** The state a device holds for one collection after receiving Sync SyncKey `syncKey`. */
export interface SyncState {
  collectionId: string;
  syncKey: string;
  /** Opaque to the store: owned and versioned by gateway/sync. */
  snapshot: Uint8Array;
  createdAt: Date;
}

export interface SyncStateInput {
  collectionId: string;
  /** Opaque to the store; gateway/sync decides the format (not '0', which means "start over"). */
  syncKey: string;
  snapshot: Uint8Array;
  /** The key the client sent; kept so a retry of that request can be answered again. Defaults to the newest before this one. */
  previousSyncKey?: string;
  /** ClientId -> ServerId of the Adds answered in the response that carries this key. */
  clientIds?: ReadonlyMap<string, string>;
  /** Defaults to now. */
  at?: Date;
}

export interface PruneOptions {
  /** Defaults to now: sent-message ClientIds that expired before this go. */
  now?: Date;
  /** Folder and sync states of devices last seen before this go (the devices stay, so blocks and wipes persist). */
  inactiveBefore?: Date;
}

export interface PruneResult {
  sentMessages: number;
  folderStates: number;
  syncStates: number;
}

/**
 * A mailbox as the flag-detail store names it: by its folder's stable id when known (a rename on
 * the server keeps the details), else by path; a new UIDVALIDITY voids what was stored under the
 * old one.
 */
export interface MessageBoxKey {
  readonly path: string;
  readonly uidValidity: number;
  readonly folderId?: string;
}

export interface FlagDetailsEntry {
  readonly uid: number;
  /** Opaque to the store (gateway/commands/sync owns the format); null forgets the entry. */
  readonly details: string | null;
}

/** Everything but the lifecycle: what a unit of work inside transaction() may call. */
export interface StateStoreOps {
  // Devices
  /** Upsert on every request: creates the device on first sight, else refreshes lastSeen and the given fields. */
  touchDevice(sighting: DeviceSighting): Promise<Device>;
  getDevice(key: DeviceKey): Promise<Device | undefined>;
  /** Sorted by user, then deviceId. */
  listDevices(user?: string): Promise<Device[]>;
  /** Throws DeviceNotFoundError for an unknown device. */
  updateDevice(key: DeviceKey, patch: DevicePatch): Promise<Device>;
  setBlocked(key: DeviceKey, blocked: boolean): Promise<Device>;
  /** The next Provision (or any command, via 449) tells the device to wipe. */
  requestWipe(key: DeviceKey, kind: WipeKind, at?: Date): Promise<Device>;
  /** An operator changed their mind before the device acknowledged. */
  cancelWipe(key: DeviceKey): Promise<Device>;
  /** The device acknowledged the wipe in Provision; the request is then complete. */
  recordWipeAck(key: DeviceKey, at?: Date): Promise<Device>;
  /** Forgets the device and, with it, all its folder and sync states. True if it existed. */
  deleteDevice(key: DeviceKey): Promise<boolean>;

  // Folder hierarchy (FolderSync)
  getFolderState(device: DeviceKey, syncKey: string): Promise<FolderState | undefined>;
  getLatestFolderState(device: DeviceKey): Promise<FolderState | undefined>;
  /** Saves the new hierarchy state and keeps only it and the previous one (for a retried FolderSync). */
  putFolderState(device: DeviceKey, state: FolderStateInput): Promise<void>;
  /** FolderSync with SyncKey 0: the device starts over, so drop its folder and item states. */
  resetFolderStates(device: DeviceKey): Promise<void>;

  // Folder id map (per user, so all of a user's devices see the same ServerIds; never reused)
  /** The ServerId for a backend folder, allocating the next one on first sight. */
  folderServerId(user: string, backendId: string): Promise<string>;
  folderBackendId(user: string, serverId: string): Promise<string | undefined>;
  /** A backend id changed (a rename where the backend has no stable id): keep the ServerId. */
  setFolderBackendId(user: string, serverId: string, backendId: string): Promise<void>;
  listFolderIds(user: string): Promise<FolderIdMapping[]>;

  // Item sync states (Sync)
  getSyncState(device: DeviceKey, collectionId: string, syncKey: string): Promise<SyncState | undefined>;
  getLatestSyncState(device: DeviceKey, collectionId: string): Promise<SyncState | undefined>;
  /**
   * Saves the state for a new key (or replaces the same key when a retry is answered
   * again) with its ClientId map, and prunes the collection to this state and the
   * previous one. Atomic.
   */
  putSyncState(device: DeviceKey, state: SyncStateInput): Promise<void>;
  /** ServerIds already given to these ClientIds in this collection's kept states (idempotent Add). */
  lookupClientIds(device: DeviceKey, collectionId: string, clientIds: readonly string[]): Promise<Map<string, string>>;
  /** Sync with SyncKey 0, or the collection is gone: drop all its states. Without collectionId, every collection. */
  deleteSyncStates(device: DeviceKey, collectionId?: string): Promise<void>;

  // SendMail / SmartReply / SmartForward ClientIds
  /** Records a sent message's ClientId until expiresAt. False if it was already recorded and not expired. */
  recordSentMessage(device: DeviceKey, clientId: string, expiresAt: Date): Promise<boolean>;
  /** Whether a retried send should be answered MessagePreviouslySent. */
  wasMessageSent(device: DeviceKey, clientId: string, now?: Date): Promise<boolean>;

  // Flag details (Email:Flag beyond IMAP's \Flagged), per user and message
  /** The stored details of these UIDs (absent where none are stored); entries of another UIDVALIDITY never match. */
  getFlagDetails(user: string, box: MessageBoxKey, uids: readonly number[]): Promise<Map<number, string>>;
  /** Stores (details) or forgets (null) per UID, atomically; entries of this mailbox under another UIDVALIDITY go. */
  putFlagDetails(user: string, box: MessageBoxKey, entries: readonly FlagDetailsEntry[]): Promise<void>;

  prune(opts?: PruneOptions): Promise<PruneResult>;
}

export interface StateStore extends StateStoreOps {
  /**
   * Runs fn as one unit of work: all its writes land, or (if it throws) none do.
   * Other callers wait until it ends, so keep backend I/O outside of fn.
   */
  transaction<T>(fn: (tx: StateStoreOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class StateStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

export class DeviceNotFoundError extends StateStoreError {
  constructor(readonly key: DeviceKey) {
    super(`no device ${key.deviceId} for user ${key.user}`);
    this.name = 'DeviceNotFoundError';
  }
}

/** The database was written by a newer easgate; opening it would risk corrupting it. */
export class SchemaTooNewError extends StateStoreError {
  constructor(readonly found: number, readonly supported: number, where: string) {
    super(`state database ${where} has schema version ${found}, newer than the ${supported} this easgate supports; upgrade easgate or point state.dataDir elsewhere`);
    this.name = 'SchemaTooNewError';
  }
}
