/**
 * One place that decides how any thrown thing ends on the wire: the status, the
 * headers, and a short reason for the log. Unknown errors are 500 and keep their stack
 * for the log; the client learns nothing about them.
 */
import { BackendUnavailableError, GatewayError } from '../errors.js';

export interface MappedError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly reason: string;
  /** Worth a stack trace in the log. */
  readonly unexpected: boolean;
}

/** Node socket errors that mean "the backing server is not there". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function mapError(err: unknown, retryAfterSeconds: number): MappedError {
  if (err instanceof BackendUnavailableError) {
    err.retryAfterSeconds ??= retryAfterSeconds;
  }
  if (err instanceof GatewayError) {
    return { status: err.httpStatus, headers: err.headers(), reason: err.reason, unexpected: false };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    // An adapter that forgot to classify its socket error still must not produce a 500.
    return { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) }, reason: 'backend-unavailable', unexpected: true };
  }
  return { status: 500, headers: {}, reason: 'internal-error', unexpected: true };
}
