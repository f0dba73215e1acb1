/**
 * Our typed slice of Koa's ctx.state: one accessor instead of an untyped bag. Every
 * step fills in what it learned, and the access log reads it at the end.
 */
import type { Context } from 'koa';
import type { AuthenticatedUser } from '../ports/identity.js';
import type { EasRequestLine } from './eas-request-line.js';

export interface EasRequestState {
  readonly startedAt: bigint;
  line?: EasRequestLine;
  user?: AuthenticatedUser;
  /** The canonical command name once resolved, else what the client asked for. */
  command?: string;
  protocolVersion?: string;
  /** A top-level EAS Status the command answered with (an EasStatusError turned into its response). */
  easStatus?: number;
  /** Short cause for the log line of a failed request. */
  reason?: string;
  /** Served the credentials from the cache. */
  authCached?: boolean;
  /** The body was not read to its end: the connection cannot be reused. */
  closeConnection?: boolean;
}

const KEY = Symbol('easgate');

export function easState(ctx: Context): EasRequestState {
  const bag = ctx.state as { [KEY]?: EasRequestState };
  return (bag[KEY] ??= { startedAt: process.hrtime.bigint() });
}
