/**
 * MailSubmit: hands a finished RFC 5322 message to the submission server as the user (their own
 * credentials), for one request. The envelope is given, never derived from the message, so Bcc
 * recipients travel in the envelope only.
 *
 * Refusals by the server are SubmissionRejectedError; a server that cannot be reached (or
 * answers 421) is BackendUnavailableError, so the client hears 503 and comes back.
 */
import { BackendUnavailableError } from '../errors.js';

export interface SubmitEnvelope {
  /** MAIL FROM: the user's own address. */
  readonly from: string;
  /** RCPT TO, To/Cc/Bcc together, each address once. */
  readonly to: readonly string[];
}

export interface SubmitResult {
  /** Recipients the server took. */
  readonly accepted: readonly string[];
  /** Recipients it refused while others were taken: the message went out without them. */
  readonly rejected: readonly string[];
}

export interface MailSubmit {
  submit(envelope: SubmitEnvelope, message: Uint8Array): Promise<SubmitResult>;
}

/**
 * recipients: every RCPT TO refused (unknown local user, relay denied);
 * sender: MAIL FROM refused; message: DATA refused (content, size, policy);
 * auth: the server did not take the user's credentials for submission.
 */
export type SubmissionRefusal = 'recipients' | 'sender' | 'message' | 'too-large' | 'auth';

export class SubmissionRejectedError extends Error {
  constructor(
    readonly refusal: SubmissionRefusal,
    message: string,
    /** The SMTP reply code, when the server gave one (never the reply text: it may quote addresses). */
    readonly smtpCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** A 4xx reply: the same message may go through later. */
  get transient(): boolean {
    return this.smtpCode !== undefined && this.smtpCode >= 400 && this.smtpCode < 500;
  }
}

export { BackendUnavailableError };
