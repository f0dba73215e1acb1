/**
 * OPTIONS /Microsoft-Server-ActiveSync (MS-ASHTTP 3.2.5.2): the response MUST carry
 * MS-ASProtocolCommands and MS-ASProtocolVersions. Like Exchange, we authenticate
 * OPTIONS too, so a client learns about a wrong password before its first command.
 */
import type { Context } from 'koa';
import type { CommandRegistry } from '../commands/registry.js';
import { PROTOCOL_VERSIONS } from '../commands/types.js';
import { emptyBody } from './response.js';

/** What MS-Server-ActiveSync announces; clients read it as the server's EAS level. */
export const SERVER_VERSION = '16.1';
export const ALLOWED_METHODS = 'OPTIONS,POST';

export function easCapabilityHeaders(registry: CommandRegistry): Record<string, string> {
  return {
    'MS-Server-ActiveSync': SERVER_VERSION,
    'MS-ASProtocolVersions': PROTOCOL_VERSIONS.join(','),
    'MS-ASProtocolCommands': registry.names().join(','),
  };
}

export function respondToOptions(ctx: Context, registry: CommandRegistry): void {
  emptyBody(ctx, 200);
  ctx.set({
    ...easCapabilityHeaders(registry),
    Allow: ALLOWED_METHODS,
    Public: ALLOWED_METHODS,
    'Cache-Control': 'private',
  });
}
