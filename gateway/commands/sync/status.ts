/** Sync Status values (MS-ASCMD 2.2.3.177.17) this gateway answers. */
export const SyncStatus = {
  Success: 1,
  InvalidSyncKey: 3,
  ProtocolError: 4,
  ServerError: 5,
  ConversionError: 6,
  Conflict: 7,
  ObjectNotFound: 8,
  /** The collection is not one FolderSync gave the client (or no longer exists): FolderSync first. */
  HierarchyChanged: 12,
  /** An empty or partial request with no earlier complete request to fill it from. */
  IncompleteRequest: 13,
  /** Wait or HeartbeatInterval out of range; Limit says the bound. */
  InvalidInterval: 14,
  /** Something transient on the server: send the same request again. */
  Retry: 16,
} as const;
