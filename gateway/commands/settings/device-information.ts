/**
 * settings:DeviceInformation (MS-ASCMD 2.2.3.45): what a device says about itself, sent
 * with Settings (12.0-14.0) or inside the first Provision (14.1 and later, MS-ASPROV
 * 2.2.2.53). Both commands share this parser and store the result on the device record.
 */
import type { WbxmlElement } from '../../../codec/tree.js';
import type { DeviceInformation } from '../../ports/state-store.js';

const NS = 'Settings';

/** Settings element -> DeviceInformation field, as the state store names them. */
const FIELDS: Readonly<Record<string, keyof DeviceInformation>> = {
  Model: 'model',
  IMEI: 'imei',
  FriendlyName: 'friendlyName',
  OS: 'os',
  OSLanguage: 'osLanguage',
  PhoneNumber: 'phoneNumber',
  MobileOperator: 'mobileOperator',
  UserAgent: 'userAgent',
};

/** Microsoft's Settings schema caps every DeviceInformation string at 1024 characters. */
const MAX_LENGTH = 1024;

/** Settings Status values for a DeviceInformation Set (MS-ASCMD 2.2.3.177.15). */
export const DEVICE_INFO_STATUS = { Success: 1, ProtocolError: 2, InvalidArguments: 5 } as const;

export type DeviceInformationResult =
  | { readonly ok: true; readonly info: Partial<DeviceInformation> }
  | { readonly ok: false; readonly status: 2 | 5; readonly why: string };

/**
 * Reads <DeviceInformation><Set>...</Set></DeviceInformation>. An empty element clears the
 * field. EnableOutboundSMS (14.0+) is checked but not kept: the device record has no
 * place for it and nothing here sends SMS.
 */
export function parseDeviceInformation(deviceInformation: WbxmlElement): DeviceInformationResult {
  const sets = deviceInformation.children;
  const set = sets[0];
  if (sets.length !== 1 || !set || set.ns !== NS || set.tag !== 'Set') return fail(2, 'DeviceInformation must hold exactly one Set');
  const info: Partial<DeviceInformation> = {};
  for (const c of set.children) {
    if (c.ns !== NS) return fail(2, `unexpected ${c.ns}:${c.tag} in DeviceInformation Set`);
    if (c.children.length > 0 || c.opaque !== undefined) return fail(2, `${c.tag} must be text`);
    const text = c.text ?? '';
    if (c.tag === 'EnableOutboundSMS') {
      if (text !== '0' && text !== '1') return fail(5, 'EnableOutboundSMS must be 0 or 1');
      continue;
    }
    const field = FIELDS[c.tag];
    if (!field) return fail(2, `unknown DeviceInformation element ${c.tag}`);
    if (text.length > MAX_LENGTH) return fail(5, `${c.tag} is longer than ${MAX_LENGTH} characters`);
    info[field] = text === '' ? null : text;
  }
  return { ok: true, info };
}

function fail(status: 2 | 5, why: string): DeviceInformationResult {
  return { ok: false, status, why };
}
