/**
 * The five Settings properties (MS-ASCMD 2.2.1.18), each answered on its own with its own
 * Status (2.2.3.177.15: 1 success, 2 protocol error, 5 invalid arguments, 6 conflicting
 * arguments for Oof, DeviceInformation, UserInformation and RightsManagementInformation).
 */
import { el, type WbxmlElement } from '../../../codec/tree.js';
import { compareVersions, type ProtocolVersion } from '../types.js';
import type { DeviceKey, StateStore } from '../../ports/state-store.js';
import { parseDeviceInformation } from './device-information.js';

const NS = 'Settings';

export const SETTINGS_STATUS = { Success: 1, ProtocolError: 2, AccessDenied: 3, InvalidArguments: 5, DeniedByPolicy: 7 } as const;

export interface PropertyContext {
  readonly version: ProtocolVersion;
  readonly state: StateStore;
  readonly device: DeviceKey;
  /** The user's primary address first, then the configured aliases. */
  readonly addresses: readonly string[];
  /** Why a property failed, for the log line (never the request's content). */
  note(property: string, why: string): void;
}

export type PropertyHandler = (request: WbxmlElement, ctx: PropertyContext) => Promise<WbxmlElement>;

/** The single Get or Set child every property request has, or undefined. */
function operation(request: WbxmlElement): WbxmlElement | undefined {
  const [op, ...rest] = request.children;
  return op && rest.length === 0 && op.ns === NS && (op.tag === 'Get' || op.tag === 'Set') ? op : undefined;
}

function answer(tag: string, status: number, content: WbxmlElement[] = []): WbxmlElement {
  return el(NS, tag, [el(NS, 'Status', status), ...content]);
}

/**
 * Oof: there is no out-of-office backend (yet), so automatic replies are always off. Get
 * says so (OofState 0, Status 1). Set with OofState 0 is true already and succeeds; Set
 * with 1 or 2 fails with 5 (Invalid arguments), the closest value the Oof Set table offers,
 * rather than claiming a reply the gateway would never send.
 */
export const oof: PropertyHandler = async (request, ctx) => {
  const op = operation(request);
  if (!op) return fail(ctx, 'Oof', SETTINGS_STATUS.ProtocolError, 'Oof needs exactly one Get or Set');
  if (op.tag === 'Get') return answer('Oof', SETTINGS_STATUS.Success, [el(NS, 'Get', [el(NS, 'OofState', 0)])]);
  const state = op.children.find((c) => c.ns === NS && c.tag === 'OofState')?.text?.trim();
  if (state === undefined || !/^[012]$/.test(state)) return fail(ctx, 'Oof', SETTINGS_STATUS.ProtocolError, 'Oof Set needs OofState 0, 1 or 2');
  if (state === '0') return answer('Oof', SETTINGS_STATUS.Success);
  return fail(ctx, 'Oof', SETTINGS_STATUS.InvalidArguments, 'automatic replies cannot be turned on: no out-of-office backend');
};

/**
 * DevicePassword Set stores a recovery password on the server. The policy says
 * PasswordRecoveryEnabled 0, and a password never lands in the state store, so the answer
 * is 7 (Denied by policy); the password itself is neither kept nor logged.
 */
export const devicePassword: PropertyHandler = async (request, ctx) => {
  const op = operation(request);
  const password = op?.tag === 'Set' ? op.children.find((c) => c.ns === NS && c.tag === 'Password') : undefined;
  if (!password) return fail(ctx, 'DevicePassword', SETTINGS_STATUS.ProtocolError, 'DevicePassword needs Set with Password');
  return fail(ctx, 'DevicePassword', SETTINGS_STATUS.DeniedByPolicy, 'recovery passwords are not stored');
};

/** DeviceInformation Set: kept on the device record, where `easgate devices list` shows it (MS-ASCMD 3.1.5.2). */
export const deviceInformation: PropertyHandler = async (request, ctx) => {
  const parsed = parseDeviceInformation(request);
  if (!parsed.ok) return fail(ctx, 'DeviceInformation', parsed.status, parsed.why);
  await ctx.state.updateDevice(ctx.device, { info: parsed.info });
  return answer('DeviceInformation', SETTINGS_STATUS.Success);
};

/**
 * UserInformation Get: the user's addresses. 12.0-14.0 list them as Get/EmailAddresses/
 * SMTPAddress; 14.1 and later wrap them in Accounts/Account and name the primary one with
 * PrimarySmtpAddress (MS-ASCMD 2.2.3.57, 2.2.3.138).
 */
export const userInformation: PropertyHandler = async (request, ctx) => {
  const op = operation(request);
  if (op?.tag !== 'Get') return fail(ctx, 'UserInformation', SETTINGS_STATUS.ProtocolError, 'UserInformation supports Get only');
  const smtp = ctx.addresses.map((a) => el(NS, 'SMTPAddress', a));
  if (compareVersions(ctx.version, '14.1') < 0) {
    return answer('UserInformation', SETTINGS_STATUS.Success, [el(NS, 'Get', [el(NS, 'EmailAddresses', smtp)])]);
  }
  const addresses = el(NS, 'EmailAddresses', [...smtp, el(NS, 'PrimarySmtpAddress', ctx.addresses[0] ?? '')]);
  return answer('UserInformation', SETTINGS_STATUS.Success, [el(NS, 'Get', [el(NS, 'Accounts', [el(NS, 'Account', [addresses])])])]);
};

/** RightsManagementInformation Get (14.1+): no IRM server, so no templates. */
export const rightsManagementInformation: PropertyHandler = async (request, ctx) => {
  const op = operation(request);
  if (op?.tag !== 'Get') return fail(ctx, 'RightsManagementInformation', SETTINGS_STATUS.ProtocolError, 'RightsManagementInformation supports Get only');
  const templates = el('RightsManagement', 'RightsManagementTemplates');
  return answer('RightsManagementInformation', SETTINGS_STATUS.Success, [el(NS, 'Get', [templates])]);
};

function fail(ctx: PropertyContext, property: string, status: number, why: string): WbxmlElement {
  ctx.note(property, why);
  return answer(property, status);
}

/** Property name -> handler and the first protocol version that has it. */
export const PROPERTIES: Readonly<Record<string, { readonly since: ProtocolVersion; readonly handle: PropertyHandler }>> = {
  Oof: { since: '12.0', handle: oof },
  DevicePassword: { since: '12.0', handle: devicePassword },
  DeviceInformation: { since: '12.0', handle: deviceInformation },
  UserInformation: { since: '12.0', handle: userInformation },
  RightsManagementInformation: { since: '14.1', handle: rightsManagementInformation },
};
