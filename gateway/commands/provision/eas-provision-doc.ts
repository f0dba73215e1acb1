/**
 * The policy as MS-ASPROV's EASProvisionDoc (2.2.2.28), PolicyType MS-EAS-Provisioning-WBXML,
 * for protocol 12.0 and later. Every element the spec defines for the version is sent (an
 * unset limit as an empty element, which 3.2.5.1.1 asks for so a client drops an old
 * value), in the order of Microsoft's ProvisionResponse schema, which is also the order
 * Exchange writes. 12.0 knows only the password and attachment elements; 12.1 added the rest.
 */
import { el, type WbxmlElement } from '../../../codec/tree.js';
import type { Config } from '../../config/schema.js';
import { compareVersions, type ProtocolVersion } from '../types.js';

export type PolicyConfig = Config['policy'];

const NS = 'Provision';

type Value = boolean | number | undefined;

/** [tag, first version that has it, value]; undefined means "send it empty". */
type Row = readonly [tag: string, since: '12.0' | '12.1', value: (p: PolicyConfig) => Value];

const ROWS: readonly Row[] = [
  ['DevicePasswordEnabled', '12.0', (p) => p.devicePasswordEnabled],
  ['AlphanumericDevicePasswordRequired', '12.0', (p) => p.alphanumericPasswordRequired],
  // We never keep recovery passwords (Settings DevicePassword is refused), so we say so.
  ['PasswordRecoveryEnabled', '12.0', () => false],
  ['RequireStorageCardEncryption', '12.1', (p) => p.requireStorageCardEncryption],
  ['AttachmentsEnabled', '12.0', (p) => p.attachmentsEnabled],
  ['MinDevicePasswordLength', '12.0', (p) => p.minPasswordLength],
  ['MaxInactivityTimeDeviceLock', '12.0', (p) => p.maxInactivityTimeDeviceLock],
  ['MaxDevicePasswordFailedAttempts', '12.0', (p) => p.maxDevicePasswordFailedAttempts],
  ['MaxAttachmentSize', '12.0', (p) => p.maxAttachmentSize],
  ['AllowSimpleDevicePassword', '12.0', (p) => p.allowSimplePassword],
  ['DevicePasswordExpiration', '12.0', (p) => p.passwordExpirationDays],
  ['DevicePasswordHistory', '12.0', (p) => p.passwordHistory],
  ['AllowStorageCard', '12.1', (p) => p.allowStorageCard],
  ['AllowCamera', '12.1', (p) => p.allowCamera],
  ['RequireDeviceEncryption', '12.1', (p) => p.requireDeviceEncryption],
  ['AllowUnsignedApplications', '12.1', (p) => p.allowUnsignedApplications],
  ['AllowUnsignedInstallationPackages', '12.1', (p) => p.allowUnsignedInstallationPackages],
  ['MinDevicePasswordComplexCharacters', '12.1', (p) => p.minPasswordComplexCharacters],
  ['AllowWiFi', '12.1', (p) => p.allowWifi],
  ['AllowTextMessaging', '12.1', (p) => p.allowTextMessaging],
  ['AllowPOPIMAPEmail', '12.1', (p) => p.allowPopImapEmail],
  ['AllowBluetooth', '12.1', (p) => p.allowBluetooth],
  ['AllowIrDA', '12.1', (p) => p.allowIrda],
  ['RequireManualSyncWhenRoaming', '12.1', (p) => p.requireManualSyncWhenRoaming],
  ['AllowDesktopSync', '12.1', (p) => p.allowDesktopSync],
  ['MaxCalendarAgeFilter', '12.1', (p) => p.maxCalendarAgeFilter],
  ['AllowHTMLEmail', '12.1', (p) => p.allowHtmlEmail],
  ['MaxEmailAgeFilter', '12.1', (p) => p.maxEmailAgeFilter],
  ['MaxEmailBodyTruncationSize', '12.1', (p) => p.maxEmailBodyTruncationSize],
  ['MaxEmailHTMLBodyTruncationSize', '12.1', (p) => p.maxEmailHtmlBodyTruncationSize],
  ['RequireSignedSMIMEMessages', '12.1', (p) => p.requireSignedSmimeMessages],
  ['RequireEncryptedSMIMEMessages', '12.1', (p) => p.requireEncryptedSmimeMessages],
  ['RequireSignedSMIMEAlgorithm', '12.1', (p) => p.requireSignedSmimeAlgorithm],
  ['RequireEncryptionSMIMEAlgorithm', '12.1', (p) => p.requireEncryptionSmimeAlgorithm],
  ['AllowSMIMEEncryptionAlgorithmNegotiation', '12.1', (p) => p.allowSmimeEncryptionAlgorithmNegotiation],
  ['AllowSMIMESoftCerts', '12.1', (p) => p.allowSmimeSoftCerts],
  ['AllowBrowser', '12.1', (p) => p.allowBrowser],
  ['AllowConsumerEmail', '12.1', (p) => p.allowConsumerEmail],
  ['AllowRemoteDesktop', '12.1', (p) => p.allowRemoteDesktop],
  ['AllowInternetSharing', '12.1', (p) => p.allowInternetSharing],
  // No application allow/deny lists: sent empty, meaning "no restriction".
  ['UnapprovedInROMApplicationList', '12.1', () => undefined],
  ['ApprovedApplicationList', '12.1', () => undefined],
];

/** The EASProvisionDoc element names a version carries, in order (for tests and docs). */
export function easProvisionDocTags(version: ProtocolVersion): string[] {
  return ROWS.filter(([, since]) => compareVersions(version, since) >= 0).map(([tag]) => tag);
}

export function buildEasProvisionDoc(policy: PolicyConfig, version: ProtocolVersion): WbxmlElement {
  if (compareVersions(version, '12.0') < 0) throw new Error(`EASProvisionDoc does not exist in protocol ${version}`);
  const children = ROWS.filter(([, since]) => compareVersions(version, since) >= 0).map(([tag, , value]) => element(tag, value(policy)));
  return el(NS, 'EASProvisionDoc', children);
}

function element(tag: string, value: Value): WbxmlElement {
  if (value === undefined) return el(NS, tag);
  return el(NS, tag, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
}
