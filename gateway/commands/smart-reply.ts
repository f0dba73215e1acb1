/**
 * SmartReply (MS-ASCMD 2.2.1.20): the client's reply text, sent with the original quoted under it and threaded to it; the original gets \Answered.
 * The work is shared by the three commands: see compose/flow.ts.
 */
import { mimeBefore14 } from './registry.js';
import { composeHandler, type ComposeOptions } from './compose/flow.js';
import { composeStatusResponse } from './compose/status.js';
import type { CommandDefinition } from './types.js';

export function smartReplyCommand(opts: ComposeOptions): CommandDefinition {
  return {
    name: 'SmartReply',
    needsProvisioning: true,
    body: mimeBefore14,
    handler: composeHandler('SmartReply', opts),
    statusResponse: composeStatusResponse('SmartReply'),
  };
}
