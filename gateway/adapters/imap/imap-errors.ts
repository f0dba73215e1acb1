/**
 * Turns what imapflow throws into the MailStore's typed errors. A tagged NO/BAD is the
 * server's answer to the command; anything else (closed socket, timeout, BYE) means the
 * server is not there for us, which the edge answers with 503.
 */
import { BackendUnavailableError } from '../../errors.js';
import {
  FolderExistsError,
  FolderNotFoundError,
  InvalidFolderNameError,
  MailBackendError,
  MailStoreError,
} from '../../ports/mail-store.js';

interface ImapFlowError {
  responseStatus?: string;
  serverResponseCode?: string;
  response?: unknown;
  code?: string;
  message?: string;
}

/** The bracketed response code of a tagged response, e.g. ALREADYEXISTS (RFC 5530). */
export function responseCode(err: unknown): string | undefined {
  const e = err as ImapFlowError | null;
  if (typeof e?.serverResponseCode === 'string') return e.serverResponseCode.toUpperCase();
  const section = (e?.response as { attributes?: { section?: { value?: unknown }[] }[] } | undefined)?.attributes?.[0]?.section;
  const value = section?.[0]?.value;
  return typeof value === 'string' ? value.toUpperCase() : undefined;
}

/** A tagged NO or BAD: the server answered. */
export function isCommandFailure(err: unknown): boolean {
  const status = (err as ImapFlowError | null)?.responseStatus;
  return status === 'NO' || status === 'BAD';
}

const UNAVAILABLE_CODES = new Set(['UNAVAILABLE', 'INUSE']);

/**
 * Classifies a failed mailbox command. `what` names the operation for the message; server
 * texts are left out of messages, as they can echo mailbox names back.
 */
export function classifyImapError(err: unknown, what: string): Error {
  if (err instanceof MailStoreError || err instanceof BackendUnavailableError) return err;
  if (!isCommandFailure(err)) {
    const e = err as ImapFlowError | null;
    return new BackendUnavailableError('imap', `IMAP connection lost during ${what}: ${e?.code ?? e?.message ?? 'unknown error'}`, { cause: err });
  }
  const code = responseCode(err);
  switch (code) {
    case 'ALREADYEXISTS':
      return new FolderExistsError(`${what}: the folder already exists`, { cause: err });
    case 'NONEXISTENT':
      return new FolderNotFoundError(`${what}: no such folder`, { cause: err });
    case 'CANNOT':
      return new InvalidFolderNameError(`${what}: the server refuses this name`, { cause: err });
    default:
      if (code && UNAVAILABLE_CODES.has(code)) return new BackendUnavailableError('imap', `${what}: IMAP server says ${code}`, { cause: err });
      return new MailBackendError(`${what} failed: ${(err as ImapFlowError).responseStatus}${code ? ` [${code}]` : ''}`, { cause: err });
  }
}
