/**
 * MailMessages: the messages of the user's mailboxes, bound to one user for one request (like
 * MailStore, which owns the folders). Mailboxes are named by path; messages by UID, always
 * within the UIDVALIDITY the caller believes in (`MailboxRef`). The adapter checks it on every
 * call and throws UidValidityChangedError on a mismatch, so a stale UID never reaches another
 * message.
 *
 * Reads never set \Seen. Bodies come as partial fetches of single sections, so a truncated body
 * never costs the whole message; attachments come as streams, never buffered whole.
 *
 * What is missing is reported, not thrown, where a batch is asked for (fetchViews, setFlags,
 * moveMessages, deleteMessages: a UID that is gone is simply absent from the answer); a single
 * message that is gone (fetchParts, streamPart, replaceMessage) throws MessageNotFoundError.
 */
import type { Readable } from 'node:stream';
import type { FetchRequest } from '../convert/email/body-plan.js';
import type { FetchedPart, MessageView } from '../convert/email/message-view.js';
import { BackendUnavailableError } from '../errors.js';
import { FolderNotFoundError, MailBackendError } from './mail-store.js';

/** A mailbox as the caller last saw it: UIDs mean something only within this UIDVALIDITY. */
export interface MailboxRef {
  readonly path: string;
  readonly uidValidity: number;
  /**
   * The folder's stable id (MailFolder.backendId) where the caller knows it. Adapters address the
   * mailbox by path; what the gateway keeps about its messages (flag details) is keyed by this,
   * so it outlives a rename of the folder on the server (IMAP RENAME keeps UIDVALIDITY and UIDs).
   */
  readonly folderId?: string;
}

export interface FetchViewsOptions {
  /**
   * Ask for the server's PREVIEW (RFC 8970) where it offers it (default true). It costs the server
   * a look at the body the first time; turn it off for callers that never show a Preview.
   */
  readonly preview?: boolean;
}

/** The sections one message's body plan asks for (fetchPartsMany). */
export interface PartsRequest {
  readonly uid: number;
  readonly requests: readonly FetchRequest[];
}

export interface FlagChange {
  /** System flags ("\\Seen", "\\Flagged", "\\Answered", "\\Draft") and keywords ("$Forwarded", "Work"). */
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

export interface FlagResult {
  /** The message exists and now carries every added flag and none of the removed ones. */
  readonly ok: boolean;
  /** The message's flags after the change (absent when the message is gone). */
  readonly flags?: readonly string[];
  /**
   * The message's version after the change as the mail ChangeFeed reports versions (its MODSEQ,
   * or a digest of its flags where the mailbox has no mod-sequences), so Sync can tell its own
   * STORE from a later change by someone else.
   */
  readonly version?: string;
}

export interface MoveResult {
  /** UIDVALIDITY of the destination, when the server reported one (COPYUID, RFC 4315). */
  readonly uidValidity?: number;
  /** Source UID -> destination UID, for every message moved; empty without UIDPLUS. */
  readonly uidMap: ReadonlyMap<number, number>;
}

export interface AppendOptions {
  readonly flags?: readonly string[];
  /** INTERNALDATE of the new message (default: the server's now). */
  readonly internalDate?: Date;
}

export interface AppendedMessage {
  readonly uid: number;
  readonly uidValidity: number;
}

export interface PartStream {
  /** The part's content with its transfer encoding removed (base64/QP decoded), charset untouched. */
  readonly content: Readable;
  /** Encoded size from BODYSTRUCTURE, when known (the decoded content is about 3/4 of it for base64). */
  readonly encodedSize?: number;
  readonly contentType?: string;
}

/** One part as the server stores it, for copying into a new message byte for byte (SmartForward). */
export interface RawPart {
  readonly part: string;
  /** The part's MIME header fields (BODY[<part>.MIME]), ending with the blank line. */
  readonly header: Uint8Array;
  /** The part's body, still transfer-encoded (BODY[<part>]). */
  readonly body: Uint8Array;
}

/** One body part as a client downloads it (ItemOperations Fetch by FileReference, GetAttachment). */
export interface PartInfo {
  /** Exact size of the decoded content (transfer encoding removed), in bytes: what a download yields. */
  readonly size: number;
  /** MIME type of the part, lower case ("application/pdf"). */
  readonly contentType: string;
}

export interface ByteRange {
  /** First byte, zero-based. */
  readonly start: number;
  readonly length: number;
}

/**
 * What Search and Find ask of a mailbox, as a tree the adapter turns into its own query language
 * (IMAP SEARCH keys). `text` matches a word or phrase in the subject, the sender and recipient
 * addresses or the body; dates are INTERNALDATE (EAS DateReceived).
 */
export type MessageQuery =
  | { readonly kind: 'all' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'receivedAfter'; readonly date: Date }
  | { readonly kind: 'receivedBefore'; readonly date: Date }
  | { readonly kind: 'and'; readonly of: readonly MessageQuery[] }
  | { readonly kind: 'or'; readonly of: readonly MessageQuery[] };

export interface SearchMessagesOptions {
  /** Report INTERNALDATE for this many of the newest hits (to merge hits of several mailboxes by date). */
  readonly datesOfFirst?: number;
  /** Report every hit's threading headers and INTERNALDATE (to tell conversations apart without loading messages). */
  readonly threadHeaders?: boolean;
  /**
   * Gives up on the search: the adapter drops the connection it runs on (an IMAP SEARCH cannot be
   * cancelled otherwise), so a runaway body scan does not keep the user's session busy.
   */
  readonly signal?: AbortSignal;
}

/** The header fields that say which thread a message belongs to, raw as the message has them. */
export interface ThreadHeaders {
  readonly messageId?: string;
  readonly inReplyTo?: string;
  /** The References header's message ids, oldest first. */
  readonly references?: readonly string[];
}

export interface MessageSearchResult {
  /** The mailbox as searched: hits are UIDs within this UIDVALIDITY. */
  readonly box: MailboxRef;
  /** Every matching UID, newest (by INTERNALDATE) first. */
  readonly uids: readonly number[];
  /** INTERNALDATE of the first `datesOfFirst` hits (of every hit with `threadHeaders`). */
  readonly dates: ReadonlyMap<number, Date>;
  /** With `threadHeaders`: each hit's threading headers. */
  readonly threads?: ReadonlyMap<number, ThreadHeaders>;
}

export interface MailMessages {
  /** The mailbox as it is now (its current UIDVALIDITY), for callers that name items by today's UIDs. */
  mailboxRef(path: string): Promise<MailboxRef>;
  /**
   * One view per UID, from one UID FETCH: envelope, flags, structure, internal date, size, the
   * server's preview, and the header fields the converters read. UIDs that are gone are absent.
   */
  fetchViews(box: MailboxRef, uids: readonly number[], opts?: FetchViewsOptions): Promise<Map<number, MessageView>>;
  /**
   * Each UID's flags and keywords (without \Recent, as in views), from one UID FETCH (FLAGS):
   * what a change that carries only Read/Flag/Categories needs, without the envelope and
   * structure a view costs the server to parse for messages it has not cached. UIDs that are
   * gone are absent.
   */
  fetchFlags(box: MailboxRef, uids: readonly number[]): Promise<Map<number, readonly string[]>>;
  /**
   * The raw (still transfer-encoded) bytes of each requested section, cut at `maxBytes` with
   * `truncated` telling whether more was there; `part: ''` (WHOLE_MESSAGE) is the whole message.
   */
  fetchParts(box: MailboxRef, uid: number, requests: readonly FetchRequest[]): Promise<FetchedPart[]>;
  /**
   * fetchParts for many messages at once: messages whose plans ask for the same sections with the
   * same limits share one UID FETCH (a window of 100 costs a few round trips, not 100). Same
   * semantics per message (partial, never \Seen); UIDs that are gone are absent. Optional: an
   * implementation without it is asked per message.
   *
   * `onParts`, when given, is called with each message's parts as soon as they have arrived, while
   * the rest are still coming (so a caller can convert one message while the server sends the
   * next); it may be called again for the same UID if the fetch is retried on a fresh session.
   */
  fetchPartsMany?(box: MailboxRef, wanted: readonly PartsRequest[], onParts?: (uid: number, parts: FetchedPart[]) => void): Promise<Map<number, FetchedPart[]>>;
  /**
   * One part, streamed from the server in chunks while the caller reads (attachments of any
   * size). The session stays lent to the stream until it ends, fails or is destroyed: read it
   * to the end or destroy it.
   */
  streamPart(box: MailboxRef, uid: number, part: string): Promise<PartStream>;
  /** Parts (never "" for the whole message) with their MIME headers, undecoded, in one round trip. */
  fetchRawParts(box: MailboxRef, uid: number, parts: readonly string[]): Promise<RawPart[]>;
  /**
   * The exact decoded size and the type of one part, without reading its content (IMAP BINARY.SIZE,
   * RFC 3516). Throws MessageNotFoundError when the message is gone, PartNotFoundError when it has
   * no such part.
   */
  partInfo(box: MailboxRef, uid: number, part: string): Promise<PartInfo>;
  /**
   * Decoded bytes of one part (the whole part, or `range` of it), fetched in chunks as the reader
   * pulls them, never the whole part at once. The session is borrowed when iteration starts and
   * returned when it ends; a message that disappears or comes up short midway fails the iteration.
   */
  readPart(box: MailboxRef, uid: number, part: string, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** Expunges every message of the mailbox (ItemOperations EmptyFolderContents), without listing them. */
  emptyMailbox(path: string): Promise<void>;
  /** Adds, then removes flags; the result per UID asked for. */
  setFlags(box: MailboxRef, uids: readonly number[], change: FlagChange): Promise<Map<number, FlagResult>>;
  /** Moves messages to `destPath`; the new UIDs come from COPYUID. */
  moveMessages(box: MailboxRef, uids: readonly number[], destPath: string): Promise<MoveResult>;
  /** Sets \Deleted on exactly these UIDs and expunges exactly them (UID EXPUNGE). */
  deleteMessages(box: MailboxRef, uids: readonly number[]): Promise<void>;
  /** Appends a message (a draft: pass "\\Draft" in flags) and returns its UID from APPENDUID. */
  appendMessage(path: string, mime: Uint8Array, opts?: AppendOptions): Promise<AppendedMessage>;
  /**
   * UIDs of the messages whose header field `name` contains `value` (UID SEARCH HEADER), seeing
   * what other sessions appended. Optional: a backend without it gives up only the crash-safe
   * retry of a draft Add (the ClientId map still covers an ordinary retry).
   */
  findByHeader?(box: MailboxRef, name: string, value: string): Promise<number[]>;
  /** A draft's Change: appends the new version, then deletes the old one. */
  replaceMessage(box: MailboxRef, uid: number, mime: Uint8Array, opts?: AppendOptions): Promise<AppendedMessage>;
  /** The messages of mailbox `path` matching `query`, newest first; only UIDs, never the messages themselves. */
  searchMessages(path: string, query: MessageQuery, opts?: SearchMessagesOptions): Promise<MessageSearchResult>;
}

export type MailMessageErrorCode = 'uid-gone' | 'part-gone' | 'uidvalidity-changed' | 'invalid-flag' | 'no-uidplus';

/**
 * A refusal about messages. Folder-level refusals are MailStore's own classes (FolderNotFoundError,
 * MailBackendError), and an unreachable server is BackendUnavailableError (HTTP 503): all
 * re-exported below so callers import from one place.
 */
export abstract class MailMessageError extends Error {
  abstract readonly code: MailMessageErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message with this UID is no longer in the mailbox (expunged or moved by another client). */
export class MessageNotFoundError extends MailMessageError {
  readonly code = 'uid-gone';
  constructor(readonly uid: number, message = `message UID ${uid} is gone`) {
    super(message);
  }
}

/** The message exists but has no body part with this section number. */
export class PartNotFoundError extends MailMessageError {
  readonly code = 'part-gone';
  constructor(readonly uid: number, readonly part: string) {
    super(`message UID ${uid} has no part ${JSON.stringify(part)}`);
  }
}

/** The mailbox's UIDVALIDITY is not the caller's: every UID it holds is void; re-prime. */
export class UidValidityChangedError extends MailMessageError {
  readonly code = 'uidvalidity-changed';
  constructor(readonly path: string, readonly expected: number, readonly actual: number | undefined) {
    super(`UIDVALIDITY of the mailbox changed from ${expected} to ${actual ?? 'unknown'}`);
  }
}

/** A flag or keyword that IMAP cannot carry (not an atom), or that the mailbox does not accept. */
export class InvalidFlagError extends MailMessageError {
  readonly code = 'invalid-flag';
}

/** The server cannot report new UIDs (no UIDPLUS): the operation was not done. */
export class UidPlusRequiredError extends MailMessageError {
  readonly code = 'no-uidplus';
}

export { BackendUnavailableError, FolderNotFoundError, MailBackendError };
