/**
 * Errors that know how they end: an HTTP status (and headers) for the edge, or an
 * EAS Status for a command's own response. `reason` is a short, stable token for the
 * log line; messages never contain credentials.
 */

export abstract class GatewayError extends Error {
  abstract readonly httpStatus: number;
  /** Short machine-readable cause for logs, e.g. "unknown-command". */
  abstract readonly reason: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Extra response headers this error requires. */
  headers(): Record<string, string> {
    return {};
  }
}

/** MS-ASHTTP 2.2.2.1.1: a request the server cannot understand as sent. */
export class BadRequestError extends GatewayError {
  readonly httpStatus = 400;
  constructor(readonly reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The body is not WBXML the codec accepts. Carries the codec's offset and reason when it gave them. */
export class MalformedWbxmlError extends BadRequestError {
  readonly offset: number | undefined;
  readonly codecReason: string | undefined;
  constructor(cause: unknown) {
    const c = cause as { offset?: unknown; reason?: unknown; message?: unknown } | undefined;
    const offset = typeof c?.offset === 'number' ? c.offset : undefined;
    const codecReason = typeof c?.reason === 'string' ? c.reason : typeof c?.message === 'string' ? c.message : undefined;
    super('malformed-wbxml', `malformed WBXML body${offset !== undefined ? ` at offset ${offset}` : ''}${codecReason ? `: ${codecReason}` : ''}`, { cause });
    this.offset = offset;
    this.codecReason = codecReason;
  }
}

/**
 * MS-ASHTTP 2.2.2.1.1: 501 "SHOULD be returned by the server when the server does not
 * recognize the request method or is not able to support it for any resource". Used
 * alike for garbage and for real EAS commands this gateway does not implement (yet).
 */
export class CommandNotImplementedError extends GatewayError {
  readonly httpStatus = 501;
  readonly reason: string;
  constructor(readonly command: string, readonly known: boolean) {
    super(known ? `command ${command} is not implemented` : `unknown command ${JSON.stringify(command.slice(0, 64))}`);
    this.reason = known ? 'command-not-implemented' : 'unknown-command';
  }
}

/**
 * A protocol version outside what we serve, or a command outside its versions. 400 per
 * MS-ASHTTP 2.2.2.1.1 (a request the server cannot process as sent), with
 * MS-ASProtocolVersions (2.2.4.1.2.2) so the client can pick again without an OPTIONS.
 */
export class UnsupportedProtocolVersionError extends BadRequestError {
  constructor(readonly requested: string | undefined, readonly supported: readonly string[], message?: string) {
    super('unsupported-protocol-version', message ?? (requested === undefined ? 'no protocol version given' : `protocol version ${JSON.stringify(requested)} is not supported`));
  }
  override headers(): Record<string, string> {
    return { 'MS-ASProtocolVersions': this.supported.join(',') };
  }
}

export class PayloadTooLargeError extends GatewayError {
  readonly httpStatus = 413;
  readonly reason = 'body-too-large';
  constructor(readonly limit: number, readonly declared?: number) {
    super(declared !== undefined ? `declared body of ${declared} bytes exceeds the ${limit}-byte limit` : `body exceeds the ${limit}-byte limit`);
  }
}

/** Missing or wrong credentials. The message names the login at most, never the password. */
export class AuthenticationError extends GatewayError {
  readonly httpStatus = 401;
  constructor(
    readonly reason: 'missing-credentials' | 'malformed-credentials' | 'wrong-credentials',
    message: string,
    /** The normalized login that was refused, for the log line. */
    readonly login?: string,
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Basic realm="easgate"' };
  }
}

/** A backing server did not answer: the client should come back, not re-enter a password. */
export class BackendUnavailableError extends GatewayError {
  readonly httpStatus = 503;
  readonly reason = 'backend-unavailable';
  constructor(readonly backend: string, message: string, options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  /** Filled by the edge from config.retryAfterSeconds when the adapter had no better estimate. */
  retryAfterSeconds: number | undefined;
  override headers(): Record<string, string> {
    return this.retryAfterSeconds !== undefined ? { 'Retry-After': String(this.retryAfterSeconds) } : {};
  }
}

/**
 * A command-level failure that the command's own response reports in its Status
 * element (MS-ASCMD 2.2.3.177.x); the HTTP status stays 200.
 */
export class EasStatusError extends GatewayError {
  readonly httpStatus = 200;
  readonly reason = 'eas-status';
  constructor(readonly easStatus: number, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
