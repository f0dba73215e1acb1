/**
 * The commands this gateway implements, one row each. OPTIONS (MS-ASProtocolCommands),
 * routing and the base64 query all read this list, so a command that is not here is
 * not offered.
 */
import type { Config } from '../config/schema.js';
import { folderCreateCommand } from './folder-create.js';
import { folderDeleteCommand } from './folder-delete.js';
import { folderSyncCommand } from './folder-sync.js';
import { folderUpdateCommand } from './folder-update.js';
import { getItemEstimateCommand } from './get-item-estimate.js';
import { provisionCommand } from './provision.js';
import { CommandRegistry } from './registry.js';
import { settingsCommand } from './settings.js';
import { syncCommand } from './sync.js';

export function createProductionRegistry(config: Config): CommandRegistry {
  return new CommandRegistry([
    // One line per implemented command, e.g. provisionCommand(config.policy),
    folderSyncCommand(),
    folderCreateCommand(),
    folderUpdateCommand(),
    folderDeleteCommand(),
    getItemEstimateCommand(),
    provisionCommand({ policy: config.policy }),
    settingsCommand({ users: config.users }),
    syncCommand(),
  ]);
}
