/**
 * Settings (MS-ASCMD 2.2.1.18, 12.0 and later): a batch of property requests (Oof,
 * DevicePassword, DeviceInformation, UserInformation, RightsManagementInformation), run in
 * order and answered in order, each with its own Status; the top-level Status says whether
 * the request as a whole could be understood.
 *
 * A property this version does not define, a repeated property (each appears at most once)
 * or an element outside the Settings namespace makes the whole request a protocol error
 * (top-level Status 2) before anything runs, so a malformed batch changes nothing.
 */
import { el, type WbxmlElement } from '../../codec/tree.js';
import type { Config } from '../config/schema.js';
import type { AuthenticatedUser } from '../ports/identity.js';
import { PROPERTIES, SETTINGS_STATUS, type PropertyContext } from './settings/properties.js';
import { compareVersions, type CommandContext, type CommandDefinition, type CommandRequest, type CommandResult } from './types.js';

const NS = 'Settings';

export interface SettingsOptions {
  readonly users: Config['users'];
}

export function settingsCommand(opts: SettingsOptions): CommandDefinition {
  return {
    name: 'Settings',
    // MS-ASCMD 3.1.5.2: a device sends DeviceInformation "as soon as possible after the client
    // has been provisioned", so Settings is behind the provisioning gate like other commands.
    needsProvisioning: true,
    body: 'wbxml',
    handler: (ctx, request) => handleSettings(ctx, request, opts),
    statusResponse: (status) => settingsStatus(status),
  };
}

function settingsStatus(status: number, properties: WbxmlElement[] = []): WbxmlElement {
  return el(NS, 'Settings', [el(NS, 'Status', status), ...properties]);
}

async function handleSettings(ctx: CommandContext, request: CommandRequest, opts: SettingsOptions): Promise<CommandResult> {
  const root = request.kind === 'wbxml' ? request.root : undefined;
  const problem = validate(root, ctx);
  if (problem !== undefined) {
    ctx.log.info({ why: problem }, 'malformed Settings request');
    return { kind: 'wbxml', root: settingsStatus(SETTINGS_STATUS.ProtocolError) };
  }
  const failures: Record<string, string> = {};
  const pctx: PropertyContext = {
    version: ctx.protocolVersion,
    state: ctx.ports.state,
    device: { user: ctx.user.login, deviceId: ctx.device.id },
    addresses: userAddresses(ctx.user, opts.users),
    note: (property, why) => void (failures[property] = why),
  };
  const answers: WbxmlElement[] = [];
  for (const property of root!.children) answers.push(await PROPERTIES[property.tag]!.handle(property, pctx));
  if (Object.keys(failures).length > 0) ctx.log.info({ failures }, 'Settings properties refused');
  return { kind: 'wbxml', root: settingsStatus(SETTINGS_STATUS.Success, answers) };
}

/** Why the request cannot be processed at all, or undefined. */
function validate(root: WbxmlElement | undefined, ctx: CommandContext): string | undefined {
  if (!root) return 'empty body';
  if (root.ns !== NS || root.tag !== 'Settings') return `root is ${root.ns}:${root.tag}, not Settings`;
  const seen = new Set<string>();
  for (const c of root.children) {
    const known = c.ns === NS ? PROPERTIES[c.tag] : undefined;
    if (!known || compareVersions(ctx.protocolVersion, known.since) < 0) return `${c.ns}:${c.tag} is not a Settings property in ${ctx.protocolVersion}`;
    if (seen.has(c.tag)) return `${c.tag} appears twice`;
    seen.add(c.tag);
  }
  return undefined;
}

/** The primary address, then the configured aliases of the login (or of the address), without repeats. */
export function userAddresses(user: AuthenticatedUser, users: Config['users']): string[] {
  const aliases = users.aliases[user.login] ?? users.aliases[user.email] ?? [];
  const out: string[] = [user.email];
  for (const a of aliases) if (!out.some((o) => o.toLowerCase() === a.toLowerCase())) out.push(a);
  return out;
}
