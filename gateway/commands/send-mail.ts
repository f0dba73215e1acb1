/**
 * SendMail (MS-ASCMD 2.2.1.17): the client's whole message, sent as the user; MIME body before 14.0, ComposeMail from 14.0.
 * The work is shared by the three commands: see compose/flow.ts.
 */
import { mimeBefore14 } from './registry.js';
import { composeHandler, type ComposeOptions } from './compose/flow.js';
import { composeStatusResponse } from './compose/status.js';
import type { CommandDefinition } from './types.js';

export function sendMailCommand(opts: ComposeOptions): CommandDefinition {
  return {
    name: 'SendMail',
    needsProvisioning: true,
    body: mimeBefore14,
    handler: composeHandler('SendMail', opts),
    statusResponse: composeStatusResponse('SendMail'),
  };
}
