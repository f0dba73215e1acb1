/**
 * How a failed send ends. From 14.0 on, the command's response carries a Status from MS-ASCMD
 * 2.2.2 (common status codes; the SendMail/SmartReply/SmartForward Status element exists only
 * from 14.0). Before 14.0 there is no response body at all, so the failure is an HTTP status
 * (MS-ASHTTP 2.2.2.1.1): 400 for a request that cannot work as sent, 500 for one that failed on
 * the server, 413 for a message too large; a backing server that is down is 503 either way.
 */
import { el, type WbxmlElement } from '../../../codec/index.js';
import { EasStatusError, GatewayError } from '../../errors.js';
import { compareVersions, type ProtocolVersion } from '../types.js';
import type { ComposeCommand } from './request.js';

/** MS-ASCMD 2.2.2 common status codes used by the three commands. */
export const ComposeStatus = {
  InvalidXML: 103,
  InvalidMIME: 107,
  ServerError: 110,
  MessageRecipientUnresolved: 116,
  MessagePreviouslySent: 118,
  MessageHasNoRecipient: 119,
  MailSubmissionFailed: 120,
  MessageReplyFailed: 121,
  AttachmentIsTooLarge: 122,
  ItemNotFound: 150,
} as const;

export type ComposeFailureKind =
  | 'invalid-request' | 'invalid-mime' | 'no-recipient' | 'recipient-unresolved' | 'submission-failed'
  | 'previously-sent' | 'item-not-found' | 'reply-failed' | 'too-large';

const STATUS: Readonly<Record<ComposeFailureKind, number>> = {
  'invalid-request': ComposeStatus.InvalidXML,
  'invalid-mime': ComposeStatus.InvalidMIME,
  'no-recipient': ComposeStatus.MessageHasNoRecipient,
  'recipient-unresolved': ComposeStatus.MessageRecipientUnresolved,
  'submission-failed': ComposeStatus.MailSubmissionFailed,
  'previously-sent': ComposeStatus.MessagePreviouslySent,
  'item-not-found': ComposeStatus.ItemNotFound,
  'reply-failed': ComposeStatus.MessageReplyFailed,
  'too-large': ComposeStatus.AttachmentIsTooLarge,
};

const HTTP: Readonly<Record<ComposeFailureKind, number>> = {
  'invalid-request': 400,
  'invalid-mime': 400,
  'no-recipient': 400,
  'recipient-unresolved': 500,
  'submission-failed': 500,
  // No ClientId before 14.0, so this never happens there; 200 would be the honest answer.
  'previously-sent': 200,
  'item-not-found': 500,
  'reply-failed': 500,
  'too-large': 413,
};

/** A send that did not happen, and why (the message never says anything about the content). */
export class ComposeFailure extends Error {
  constructor(readonly kind: ComposeFailureKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ComposeFailure';
  }
}

/** Pre-14.0 failures: an HTTP status and no body. */
export class ComposeHttpError extends GatewayError {
  readonly reason: string;
  constructor(readonly httpStatus: number, kind: ComposeFailureKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = `compose-${kind}`;
  }
}

/** The error the edge turns into the version's answer. */
export function failureFor(failure: ComposeFailure, version: ProtocolVersion): GatewayError {
  if (compareVersions(version, '14.0') >= 0) return new EasStatusError(STATUS[failure.kind], failure.message, { cause: failure });
  return new ComposeHttpError(HTTP[failure.kind], failure.kind, failure.message, { cause: failure });
}

/** The response for a Status: the command's element with Status alone (SendMailResponse.xsd and friends). */
export function composeStatusResponse(command: ComposeCommand): (status: number) => WbxmlElement {
  return (status) => el('ComposeMail', command, [el('ComposeMail', 'Status', status)]);
}
