/**
 * The policy documents (EASProvisionDoc per version, the 2.5 wap-provisioningdoc), policy keys
 * and the config section they come from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { decode, encode } from '../../../../codec/index.js';
import { loadConfig } from '../../../../gateway/config/load.js';
import { buildEasProvisionDoc, easProvisionDocTags } from '../../../../gateway/commands/provision/eas-provision-doc.js';
import { finalPolicyKey, keyFingerprint, parsePolicyKey, policyFingerprint, temporaryPolicyKey } from '../../../../gateway/commands/provision/policy-key.js';
import { policyResponse } from '../../../../gateway/commands/provision/response.js';
import { buildWapProvisioningDoc } from '../../../../gateway/commands/provision/wap-provision-doc.js';
import { policyFingerprintOf } from '../../../../gateway/commands/provision.js';
import { PROTOCOL_VERSIONS } from '../../../../gateway/commands/types.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { parseConfig } from './provision-support.js';

const defaults = parseConfig().policy;

/** The 12.0 elements: tokens 0x0E-0x1A of MS-ASWBXML page 14 minus RequireStorageCardEncryption (12.1, MS-ASPROV 2.2.2.52). */
const TAGS_12_0 = [
  'DevicePasswordEnabled', 'AlphanumericDevicePasswordRequired', 'PasswordRecoveryEnabled', 'AttachmentsEnabled',
  'MinDevicePasswordLength', 'MaxInactivityTimeDeviceLock', 'MaxDevicePasswordFailedAttempts', 'MaxAttachmentSize',
  'AllowSimpleDevicePassword', 'DevicePasswordExpiration', 'DevicePasswordHistory',
];

/** What Exchange 2010 sent for its default policy (fixtures: frankobe response-9542, libwbxml 012), tag for tag. */
const EXCHANGE_DEFAULT = [
  ['DevicePasswordEnabled', '0'], ['AlphanumericDevicePasswordRequired', '0'], ['PasswordRecoveryEnabled', '0'],
  ['RequireStorageCardEncryption', '0'], ['AttachmentsEnabled', '1'], ['MinDevicePasswordLength', undefined],
  ['MaxInactivityTimeDeviceLock', undefined], ['MaxDevicePasswordFailedAttempts', undefined], ['MaxAttachmentSize', undefined],
  ['AllowSimpleDevicePassword', '1'], ['DevicePasswordExpiration', undefined], ['DevicePasswordHistory', '0'],
  ['AllowStorageCard', '1'], ['AllowCamera', '1'], ['RequireDeviceEncryption', '0'], ['AllowUnsignedApplications', '1'],
  ['AllowUnsignedInstallationPackages', '1'], ['MinDevicePasswordComplexCharacters', '1'], ['AllowWiFi', '1'],
  ['AllowTextMessaging', '1'], ['AllowPOPIMAPEmail', '1'], ['AllowBluetooth', '2'], ['AllowIrDA', '1'],
  ['RequireManualSyncWhenRoaming', '0'], ['AllowDesktopSync', '1'], ['MaxCalendarAgeFilter', '0'], ['AllowHTMLEmail', '1'],
  ['MaxEmailAgeFilter', '0'], ['MaxEmailBodyTruncationSize', '-1'], ['MaxEmailHTMLBodyTruncationSize', '-1'],
  ['RequireSignedSMIMEMessages', '0'], ['RequireEncryptedSMIMEMessages', '0'], ['RequireSignedSMIMEAlgorithm', '0'],
  ['RequireEncryptionSMIMEAlgorithm', '0'], ['AllowSMIMEEncryptionAlgorithmNegotiation', '2'], ['AllowSMIMESoftCerts', '1'],
  ['AllowBrowser', '1'], ['AllowConsumerEmail', '1'], ['AllowRemoteDesktop', '1'], ['AllowInternetSharing', '1'],
  ['UnapprovedInROMApplicationList', undefined], ['ApprovedApplicationList', undefined],
] as const;

describe('EASProvisionDoc', () => {
  it('12.0 carries only the password and attachment elements', () => {
    assert.deepEqual(easProvisionDocTags('12.0'), TAGS_12_0);
    assert.deepEqual(buildEasProvisionDoc(defaults, '12.0').children.map((c) => c.tag), TAGS_12_0);
  });

  for (const version of ['12.1', '14.0', '14.1', '16.0', '16.1'] as const) {
    it(`${version}: the default policy is Exchange's default policy, element for element`, () => {
      const doc = buildEasProvisionDoc(defaults, version);
      assert.deepEqual(doc.children.map((c) => [c.tag, c.text]), EXCHANGE_DEFAULT.map(([t, v]) => [t, v]));
      assert.ok(doc.children.every((c) => c.ns === 'Provision'));
    });
  }

  it('does not exist in 2.5', () => {
    assert.throws(() => buildEasProvisionDoc(defaults, '2.5'));
  });

  it('takes its values from the policy section', () => {
    const policy = parseConfig({
      policy: {
        devicePasswordEnabled: true, alphanumericPasswordRequired: 'true', minPasswordLength: 6, maxInactivityTimeDeviceLock: '900',
        maxDevicePasswordFailedAttempts: 8, passwordExpirationDays: 90, passwordHistory: 3, allowSimplePassword: false,
        requireDeviceEncryption: true, maxAttachmentSize: 10485760, allowHtmlEmail: false, maxEmailAgeFilter: 3,
        maxCalendarAgeFilter: '6', maxEmailBodyTruncationSize: 100, attachmentsEnabled: false, allowCamera: false, allowBluetooth: 1,
      },
    }).policy;
    const values = Object.fromEntries(buildEasProvisionDoc(policy, '14.1').children.map((c) => [c.tag, c.text]));
    assert.deepEqual(
      [values.DevicePasswordEnabled, values.AlphanumericDevicePasswordRequired, values.MinDevicePasswordLength, values.MaxInactivityTimeDeviceLock,
        values.MaxDevicePasswordFailedAttempts, values.DevicePasswordExpiration, values.DevicePasswordHistory, values.AllowSimpleDevicePassword,
        values.RequireDeviceEncryption, values.MaxAttachmentSize, values.AllowHTMLEmail, values.MaxEmailAgeFilter, values.MaxCalendarAgeFilter,
        values.MaxEmailBodyTruncationSize, values.AttachmentsEnabled, values.AllowCamera, values.AllowBluetooth, values.PasswordRecoveryEnabled],
      ['1', '1', '6', '900', '8', '90', '3', '0', '1', '10485760', '0', '3', '6', '100', '0', '0', '1', '0'],
    );
  });

  it('policy and users come from the environment too, with readable names', () => {
    const c = loadConfig({ env: { EASGATE_POLICY_ENFORCE: 'false', EASGATE_POLICY_ALLOW_HTML_EMAIL: '0', EASGATE_POLICY_MAX_CALENDAR_AGE_FILTER: '4', EASGATE_USERS_ALIASES: '{"alice@example.com":["a@example.com"]}' } });
    assert.deepEqual([c.policy.enforce, c.policy.allowHtmlEmail, c.policy.maxCalendarAgeFilter], [false, false, 4]);
    assert.deepEqual(c.users.aliases, { 'alice@example.com': ['a@example.com'] });
    assert.throws(() => loadConfig({ env: { EASGATE_USERS_ALIASES: 'not json' } }), /users\.aliases \(from EASGATE_USERS_ALIASES\)/);
    assert.throws(() => loadConfig({ env: { EASGATE_USERS_ALIASES: '{"alice":["no-at-sign"]}' } }), /users\.aliases/);
  });

  it('refuses out-of-range policy values at configuration time', () => {
    for (const bad of [{ minPasswordLength: 17 }, { maxCalendarAgeFilter: 3 }, { allowBluetooth: 3 }, { maxDevicePasswordFailedAttempts: 2 }, { maxEmailAgeFilter: 6 }]) {
      assert.throws(() => parseConfig({ policy: bad as never }), JSON.stringify(bad));
    }
  });

  for (const version of PROTOCOL_VERSIONS.filter((v) => v !== '2.5')) {
    it(`${version}: a first-round ProvisionResponse validates against Microsoft's XSD after a WBXML round trip`, () => {
      const strict = parseConfig({ policy: { devicePasswordEnabled: true, minPasswordLength: 4, maxAttachmentSize: 1000 } }).policy;
      const root = policyResponse({ deviceInformationStatus: 1, policyType: 'MS-EAS-Provisioning-WBXML', policyStatus: 1, policyKey: 123, data: buildEasProvisionDoc(strict, version) });
      const result = validateEasResponse(decode(encode(root)), 'ProvisionResponse');
      assert.ok(result.valid, result.errors.join('\n'));
    });
  }
});

describe('wap-provisioningdoc (2.5)', () => {
  const params = (xml: string) => {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const out: Record<string, string> = {};
    const parms = doc.getElementsByTagName('parm');
    for (let i = 0; i < parms.length; i++) out[parms[i]!.getAttribute('name')!] = parms[i]!.getAttribute('value')!;
    return out;
  };

  it('the permissive default only says "no password required" (SecurityPolicy 4131 = 1)', () => {
    assert.equal(buildWapProvisioningDoc(defaults), '<wap-provisioningdoc><characteristic type="SecurityPolicy"><parm name="4131" value="1"/></characteristic></wap-provisioningdoc>');
  });

  it('a password policy sets 4131 = 0 and the LASSD registry values', () => {
    const xml = buildWapProvisioningDoc(parseConfig({ policy: { devicePasswordEnabled: true, alphanumericPasswordRequired: true, minPasswordLength: 8, maxInactivityTimeDeviceLock: 300, maxDevicePasswordFailedAttempts: 10 } }).policy);
    assert.deepEqual(params(xml), { 4131: '0', AEFrequencyType: '1', AEFrequencyValue: '5', DeviceWipeThreshold: '10', MinimumPasswordLength: '8', PasswordComplexity: '0' });
    assert.match(xml, /<characteristic type="HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\\{50C13377-C66D-400C-889E-C316FC4AB374\}">/);
  });

  it('unset limits become "never" and a PIN is enough without alphanumericPasswordRequired', () => {
    const xml = buildWapProvisioningDoc(parseConfig({ policy: { devicePasswordEnabled: true } }).policy);
    assert.deepEqual(params(xml), { 4131: '0', AEFrequencyType: '0', AEFrequencyValue: '0', DeviceWipeThreshold: '-1', MinimumPasswordLength: '1', PasswordComplexity: '2' });
  });
});

describe('policy keys', () => {
  it('parses what clients send', () => {
    assert.equal(parsePolicyKey(undefined), undefined);
    assert.equal(parsePolicyKey(''), undefined);
    assert.equal(parsePolicyKey('0'), 0);
    assert.equal(parsePolicyKey('4294967295'), 4294967295);
    assert.equal(parsePolicyKey(' 1234 '), 1234);
    for (const bad of ['4294967296', '-1', 'abc', '12a', '1'.repeat(11)]) assert.equal(parsePolicyKey(bad), 'invalid', bad);
  });

  it('temporary keys are never 0 nor one the device already holds', () => {
    const seq = [0, 7, 7, 9];
    const random = () => seq.shift()!;
    assert.equal(temporaryPolicyKey(random, [7]), 9);
  });

  it('final keys carry the policy fingerprint in their upper 16 bits and are never 0', () => {
    const key = finalPolicyKey(0xabcd, () => 0x12345678);
    assert.equal(key, 0xabcd5678);
    assert.equal(keyFingerprint(key), 0xabcd);
    const seq = [0, 0x10000, 5];
    assert.equal(finalPolicyKey(0, () => seq.shift()!), 5);
  });

  it('a broken random source fails loudly instead of looping', () => {
    assert.throws(() => temporaryPolicyKey(() => 0), /random/);
  });

  it('the fingerprint ignores key order and enforce, and follows every value a device is told', () => {
    assert.equal(policyFingerprint({ a: 1, b: [1, 2] }), policyFingerprint({ b: [1, 2], a: 1 }));
    assert.equal(policyFingerprintOf(defaults), policyFingerprintOf({ ...defaults, enforce: !defaults.enforce }));
    assert.notEqual(policyFingerprintOf(defaults), policyFingerprintOf({ ...defaults, allowCamera: false }));
  });
});
