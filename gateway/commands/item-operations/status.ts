/**
 * ItemOperations Status values (MS-ASCMD 2.2.3.177.8) this gateway uses. Global ones go in the
 * top-level Status; the others in each Fetch, EmptyFolderContents or Move.
 */
export const ItemOperationsStatus = {
  Success: 1,
  /** Protocol violation or XML validation error (item or global). */
  ProtocolError: 2,
  ServerError: 3,
  /** Document library: object not found; Exchange answers a mailbox item that is gone with it too. */
  NotFound: 6,
  /** The byte range is invalid or too large. */
  InvalidRange: 8,
  /** The store is unknown or unsupported (DocumentLibrary here). */
  UnknownStore: 9,
  /** The requested data size is too large (beyond what a multipart table can address). */
  TooLarge: 11,
  /** Mailbox fetch provider: the item failed conversion. */
  ConversionFailed: 14,
  /** Attachment fetch provider: attachment or attachment id is invalid. */
  InvalidAttachment: 15,
  /** Action not supported. */
  ActionNotSupported: 156,
} as const;
