/** Who may run which command: blocks, wipes and policy keys (commands/provision/access.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAccess, type AccessRequest } from '../../../../gateway/commands/provision/access.js';
import type { Device } from '../../../../gateway/ports/state-store.js';

const FP = 0x1234;
const KEY = (FP << 16) | 0x0042;

function device(over: Partial<Device> = {}): Device {
  return {
    user: 'alice@example.com', deviceId: 'DEV', deviceType: 'Phone', userAgent: null, protocolVersion: '16.1',
    firstSeen: new Date(0), lastSeen: new Date(0), policyKey: KEY, pendingPolicyKey: 77, provisioning: 'provisioned',
    wipe: { state: 'none', kind: null, requestedAt: null, acknowledgedAt: null }, blocked: false,
    info: { model: null, imei: null, friendlyName: null, os: null, osLanguage: null, phoneNumber: null, mobileOperator: null, userAgent: null },
    ...over,
  };
}

function decide(over: Partial<AccessRequest> = {}) {
  const d = decideAccess({ device: device(), command: 'FolderSync', needsProvisioning: true, version: '14.1', policyKey: String(KEY), enforce: true, fingerprint: FP, ...over });
  return d.kind === 'allow' ? 'allow' : d.kind === 'forbidden' ? `403 ${d.reason}` : `${d.status} ${d.reason}`;
}

const wipe = (state: Device['wipe']['state']): Partial<Device> => ({
  wipe: { state, kind: state === 'account-only-requested' ? 'account-only' : 'full', requestedAt: new Date(0), acknowledgedAt: null },
});

describe('decideAccess', () => {
  it('the current key of a provisioned device is accepted', () => {
    assert.equal(decide(), 'allow');
  });

  it('a missing or zero key: 142 DeviceNotProvisioned', () => {
    assert.equal(decide({ policyKey: undefined }), '142 policy-key-missing');
    assert.equal(decide({ policyKey: '0' }), '142 policy-key-missing');
    assert.equal(decide({ policyKey: '' }), '142 policy-key-missing');
  });

  it('a device that never finished Provision: 142, whatever key it sends', () => {
    assert.equal(decide({ device: device({ provisioning: 'pending' }) }), '142 device-not-provisioned');
    assert.equal(decide({ device: device({ provisioning: 'none', policyKey: null }) }), '142 device-not-provisioned');
  });

  it('a key that is not the current one (an old one, the temporary one, garbage): 144 InvalidPolicyKey', () => {
    assert.equal(decide({ policyKey: String(KEY + 1) }), '144 policy-key-unknown');
    assert.equal(decide({ policyKey: '77' }), '144 policy-key-unknown');
    assert.equal(decide({ policyKey: 'x1' }), '144 policy-key-invalid');
  });

  it('the current key issued under a policy that has changed since: 143 PolicyRefresh', () => {
    assert.equal(decide({ fingerprint: FP + 1 }), '143 policy-changed');
  });

  it('commands without needsProvisioning, and enforce off, skip the key checks', () => {
    assert.equal(decide({ needsProvisioning: false, policyKey: undefined }), 'allow');
    assert.equal(decide({ command: 'Provision', needsProvisioning: false, policyKey: '0' }), 'allow');
    assert.equal(decide({ enforce: false, policyKey: undefined }), 'allow');
  });

  it('a blocked device is refused every command, Provision included, enforce or not', () => {
    for (const over of [{}, { command: 'Provision' as const, needsProvisioning: false }, { enforce: false }]) {
      assert.equal(decide({ ...over, device: device({ blocked: true }) }), '403 device-blocked');
    }
  });

  it('a pending full wipe: 140 RemoteWipeRequested for every command but Provision, even without enforce', () => {
    assert.equal(decide({ device: device(wipe('requested')) }), '140 remote-wipe-requested');
    assert.equal(decide({ device: device(wipe('requested')), enforce: false, needsProvisioning: false }), '140 remote-wipe-requested');
    assert.equal(decide({ device: device(wipe('requested')), version: '2.5' }), '140 remote-wipe-requested');
    assert.equal(decide({ device: device(wipe('requested')), command: 'Provision', needsProvisioning: false }), 'allow');
  });

  it('a pending account-only wipe reaches 16.1 devices, and locks older ones out instead of wiping the phone', () => {
    assert.equal(decide({ device: device(wipe('account-only-requested')), version: '16.1' }), '140 remote-wipe-requested');
    assert.equal(decide({ device: device(wipe('account-only-requested')), version: '16.1', command: 'Provision', needsProvisioning: false }), 'allow');
    assert.equal(decide({ device: device(wipe('account-only-requested')), version: '16.0' }), '403 account-wipe-unsupported');
    assert.equal(decide({ device: device(wipe('account-only-requested')), version: '14.1', command: 'Provision', needsProvisioning: false }), '403 account-wipe-unsupported');
  });

  it('after the wipe was acknowledged only Provision (a retried acknowledgement) gets through', () => {
    assert.equal(decide({ device: device(wipe('acknowledged')) }), '403 device-wiped');
    assert.equal(decide({ device: device(wipe('acknowledged')), enforce: false }), '403 device-wiped');
    assert.equal(decide({ device: device(wipe('acknowledged')), command: 'Provision', needsProvisioning: false }), 'allow');
  });
});
