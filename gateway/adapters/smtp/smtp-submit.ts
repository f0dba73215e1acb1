/**
 * MailSubmit over SMTP submission (RFC 6409) with nodemailer, as the user: one connection per
 * message, AUTH with the user's own login and password, MAIL FROM the user's address, the
 * message sent byte for byte as given (`raw`), so what lands in Sent is what went out.
 *
 * On the wire (Postfix): EHLO, [STARTTLS], AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO per recipient,
 * DATA, QUIT. Nodemailer pipelines the envelope when the server offers PIPELINING.
 */
import { createTransport } from 'nodemailer';
import type { Config } from '../../config/schema.js';
import type { BackendCredentials } from '../../ports/credentials.js';
import type { MailSubmit, SubmitEnvelope, SubmitResult } from '../../ports/mail-submit.js';
import { classifySmtpError } from './smtp-errors.js';

export type SmtpConfig = Config['smtp'];

export class SmtpMailSubmit implements MailSubmit {
  constructor(
    private readonly config: SmtpConfig,
    private readonly credentials: BackendCredentials,
    private readonly signal: AbortSignal,
  ) {}

  async submit(envelope: SubmitEnvelope, message: Uint8Array): Promise<SubmitResult> {
    this.signal.throwIfAborted();
    // The secret lives only inside the transport object for the length of this call.
    const transport = this.credentials.withSecret((user, pass) =>
      createTransport({
        host: this.config.host,
        port: this.config.port,
        secure: this.config.secure,
        auth: { user, pass },
        tls: { rejectUnauthorized: this.config.rejectUnauthorized },
        connectionTimeout: this.config.connectTimeoutMs,
        greetingTimeout: this.config.connectTimeoutMs,
        socketTimeout: this.config.socketTimeoutMs,
        // Never hand SMTP traffic (the message, AUTH) to a logger.
        logger: false,
        debug: false,
      }),
    );
    const onAbort = (): void => transport.close();
    this.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const info = await transport.sendMail({
        envelope: { from: envelope.from, to: [...envelope.to] },
        raw: Buffer.from(message.buffer, message.byteOffset, message.byteLength),
      });
      return {
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      };
    } catch (err) {
      throw classifySmtpError(err);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}
