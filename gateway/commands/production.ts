/**
 * The commands this gateway implements, one row each. OPTIONS (MS-ASProtocolCommands),
 * routing and the base64 query all read this list, so a command that is not here is
 * not offered.
 */
import type { Config } from '../config/schema.js';
import { findCommand } from './find.js';
import { folderCreateCommand } from './folder-create.js';
import { folderDeleteCommand } from './folder-delete.js';
import { folderSyncCommand } from './folder-sync.js';
import { folderUpdateCommand } from './folder-update.js';
import { getAttachmentCommand } from './get-attachment.js';
import { getItemEstimateCommand } from './get-item-estimate.js';
import { itemOperationsCommand } from './item-operations.js';
import { moveItemsCommand } from './move-items.js';
import { provisionCommand } from './provision.js';
import { CommandRegistry } from './registry.js';
import { searchCommand } from './search.js';
import { sendMailCommand } from './send-mail.js';
import { settingsCommand } from './settings.js';
import { smartForwardCommand } from './smart-forward.js';
import { smartReplyCommand } from './smart-reply.js';
import { syncCommand } from './sync.js';

export function createProductionRegistry(config: Config): CommandRegistry {
  const mail = { maxMessageBytes: config.smtp.maxMessageBytes };
  return new CommandRegistry([
    provisionCommand({ policy: config.policy }),
    settingsCommand({ users: config.users }),
    folderSyncCommand(),
    folderCreateCommand(),
    folderUpdateCommand(),
    folderDeleteCommand(),
    syncCommand(),
    getItemEstimateCommand(),
    itemOperationsCommand(),
    getAttachmentCommand(),
    moveItemsCommand(),
    searchCommand(),
    findCommand(),
    sendMailCommand(mail),
    smartReplyCommand(mail),
    smartForwardCommand(mail),
  ]);
}
