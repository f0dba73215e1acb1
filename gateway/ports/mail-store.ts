/**
 * MailStore: the user's mailbox as the commands see it, bound to one user for one request.
 * This issue brings the folder part (FolderSync, FolderCreate/Update/Delete); the message
 * part (Sync, ItemOperations, MoveItems) grows here next, as more methods on the same port.
 *
 * Folders are named by path (the backend's own full name, delimiter included) for the
 * operations, and by `backendId` for identity: a backendId survives a rename wherever the
 * backend can tell (RFC 8474 MAILBOXID, Dovecot's X-GUID), so the ServerId the phone holds
 * survives it too.
 */
import { BackendUnavailableError } from '../errors.js';

/** RFC 6154 special-use attributes, plus \Inbox for INBOX (which has none on the wire). */
export type SpecialUse = '\\Inbox' | '\\Drafts' | '\\Sent' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export const SPECIAL_USES: readonly SpecialUse[] = ['\\Inbox', '\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];

/** personal: the user's own mailboxes; other/shared: RFC 2342 namespaces, listed only when configured. */
export type FolderNamespace = 'personal' | 'other' | 'shared';

export interface MailFolder {
  /**
   * Stable identity, prefixed by its kind so kinds never collide:
   * 'imap:mailboxid:<id>' (RFC 8474), 'imap:guid:<x-guid>' (Dovecot), 'imap:path:<path>' (last resort,
   * changes with a rename).
   */
  readonly backendId: string;
  /** Full name, e.g. 'Projects/2026', decoded from modified UTF-7. */
  readonly path: string;
  /** Last path segment ('2026'); 'Inbox' for INBOX. */
  readonly displayName: string;
  /** null for a top-level folder. */
  readonly parentPath: string | null;
  /** Hierarchy delimiter; null for a flat namespace. */
  readonly delimiter: string | null;
  /** At most one folder per special use. */
  readonly specialUse: SpecialUse | null;
  /** false for \Noselect / \NonExistent placeholders that only hold children. */
  readonly selectable: boolean;
  readonly namespace: FolderNamespace;
}

export interface RenameResult {
  /** Backend ids that changed (only where ids are paths): the renamed folder and each folder below it. */
  readonly backendIdChanges: readonly { readonly from: string; readonly to: string }[];
}

export interface MailStore {
  /** Every folder the user sees (personal namespace; other/shared only when configured). */
  listFolders(): Promise<MailFolder[]>;
  /** Creates `name` under `parentPath` (null: top level) and returns it as listFolders would. */
  createFolder(parentPath: string | null, name: string): Promise<MailFolder>;
  /** Renames and/or moves a folder (with everything below it) under `newParentPath` (null: top level). */
  renameFolder(path: string, newParentPath: string | null, newName: string): Promise<RenameResult>;
  /** Deletes a folder and everything below it. */
  deleteFolder(path: string): Promise<void>;
}

export type MailStoreErrorCode = 'exists' | 'not-found' | 'parent-not-found' | 'special' | 'invalid-name' | 'backend';

/**
 * A refusal the command reports in its Status element. "Backend unavailable" is not one of
 * these: it is BackendUnavailableError (HTTP 503 at the edge), re-exported below.
 */
export abstract class MailStoreError extends Error {
  abstract readonly code: MailStoreErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class FolderExistsError extends MailStoreError {
  readonly code = 'exists';
}

export class FolderNotFoundError extends MailStoreError {
  readonly code = 'not-found';
}

export class ParentFolderNotFoundError extends MailStoreError {
  readonly code = 'parent-not-found';
}

/** INBOX and special-use folders are not renamed, moved or deleted from a phone. */
export class SpecialFolderError extends MailStoreError {
  readonly code = 'special';
}

/** The backend refuses the name (a delimiter in it, reserved names such as Maildir's 'cur'). */
export class InvalidFolderNameError extends MailStoreError {
  readonly code = 'invalid-name';
}

/** The backend answered, but with a failure that is none of the above (quota, server bug). */
export class MailBackendError extends MailStoreError {
  readonly code = 'backend';
}

export { BackendUnavailableError };
