/**
 * What nodemailer throws, as the MailSubmit port's errors. A reply from the server is a
 * refusal (SubmissionRejectedError), except 421 ("service not available, closing"), which like
 * a refused or dropped connection means the server is not there for us (503 at the edge).
 */
import { BackendUnavailableError } from '../../errors.js';
import { SubmissionRejectedError } from '../../ports/mail-submit.js';

interface NodemailerError {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function classifySmtpError(err: unknown): Error {
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : '';
  if (reply === 421 || (code !== undefined && UNREACHABLE.has(code) && reply === undefined)) {
    return new BackendUnavailableError('smtp', `SMTP submission server unavailable (${code ?? reply})`, { cause: err });
  }
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new SubmissionRejectedError('auth', 'the submission server refused the user\'s credentials', reply, { cause: err });
  }
  if (reply === 552) {
    return new SubmissionRejectedError('too-large', 'the submission server refused the message size', reply, { cause: err });
  }
  if (code === 'EENVELOPE') {
    if (command.startsWith('MAIL')) return new SubmissionRejectedError('sender', 'the submission server refused the sender', reply, { cause: err });
    if (command.startsWith('RCPT') || (command === 'DATA' && /recipients/i.test(e.message ?? ''))) {
      return new SubmissionRejectedError('recipients', 'the submission server refused every recipient', reply, { cause: err });
    }
    return new SubmissionRejectedError('message', `the submission server refused the envelope at ${command || 'an unknown step'}`, reply, { cause: err });
  }
  if (code === 'EMESSAGE' || reply !== undefined) {
    return new SubmissionRejectedError('message', 'the submission server refused the message', reply, { cause: err });
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new BackendUnavailableError('smtp', `SMTP submission server unavailable (${code})`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
