/**
 * SmartForward (MS-ASCMD 2.2.1.19): the client's text, sent with the original quoted under it and the original's attachments; the original gets $Forwarded.
 * The work is shared by the three commands: see compose/flow.ts.
 */
import { mimeBefore14 } from './registry.js';
import { composeHandler, type ComposeOptions } from './compose/flow.js';
import { composeStatusResponse } from './compose/status.js';
import type { CommandDefinition } from './types.js';

export function smartForwardCommand(opts: ComposeOptions): CommandDefinition {
  return {
    name: 'SmartForward',
    needsProvisioning: true,
    body: mimeBefore14,
    handler: composeHandler('SmartForward', opts),
    statusResponse: composeStatusResponse('SmartForward'),
  };
}
