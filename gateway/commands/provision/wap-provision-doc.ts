/**
 * The policy for protocol 2.5: PolicyType MS-WAP-Provisioning-XML, whose Data element is
 * text holding a Windows Mobile wap-provisioningdoc (MS-ASPROV 2.2.2.24.2). It uses the
 * SecurityPolicy configuration service provider (4131: 0 = a password is required,
 * 1 = it is not) and, when a password is required, the LASSD registry settings of the
 * local authentication subsystem: the inactivity lock, the wipe threshold, the minimum
 * length and the complexity. 2.5 has nothing for the other settings.
 */
import type { PolicyConfig } from './eas-provision-doc.js';

const LASSD = 'HKLM\\Comm\\Security\\Policy\\LASSD';
/** The LASSD "AE" (automatic lock) event key, a fixed GUID of the Windows Mobile LAP. */
const INACTIVITY = `${LASSD}\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}`;
const PASSWORD = `${LASSD}\\LAP\\lap_pw`;

export function buildWapProvisioningDoc(policy: PolicyConfig): string {
  const security = characteristic('SecurityPolicy', [parm('4131', policy.devicePasswordEnabled ? 0 : 1)]);
  if (!policy.devicePasswordEnabled) return `<wap-provisioningdoc>${security}</wap-provisioningdoc>`;

  const lock = policy.maxInactivityTimeDeviceLock;
  const registry = [
    // AEFrequencyType 1 = lock after AEFrequencyValue minutes of inactivity, 0 = never.
    characteristic(INACTIVITY, [parm('AEFrequencyType', lock === undefined ? 0 : 1), parm('AEFrequencyValue', lock === undefined ? 0 : Math.ceil(lock / 60))]),
    // DeviceWipeThreshold: failed attempts before the device wipes itself; -1 = never.
    characteristic(LASSD, [parm('DeviceWipeThreshold', policy.maxDevicePasswordFailedAttempts ?? -1)]),
    characteristic(PASSWORD, [parm('MinimumPasswordLength', policy.minPasswordLength ?? 1)]),
    // PasswordComplexity 0 = alphanumeric required, 2 = a simple PIN is enough.
    characteristic(PASSWORD, [parm('PasswordComplexity', policy.alphanumericPasswordRequired ? 0 : 2)]),
  ];
  return `<wap-provisioningdoc>${security}${characteristic('Registry', registry)}</wap-provisioningdoc>`;
}

function characteristic(type: string, content: readonly string[]): string {
  return `<characteristic type="${attr(type)}">${content.join('')}</characteristic>`;
}

function parm(name: string, value: number): string {
  return `<parm name="${attr(name)}" value="${value}"/>`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
