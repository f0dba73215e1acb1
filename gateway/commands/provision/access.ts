/**
 * Who may run which command, decided from the stored device and the policy key the client
 * sent: a pure function, so every rule is tested without HTTP. The edge (gateway/http)
 * turns the decision into 403, 449 or the command's own Status.
 *
 * The order matters and follows the operator's intent first:
 *   1. blocked devices get nothing;
 *   2. a device that acknowledged a remote wipe stays locked out until an operator forgets it
 *      (only a retried acknowledgement, which is a Provision, still gets through);
 *   3. a pending wipe is delivered whether or not policies are enforced: every command but
 *      Provision answers "remote wipe requested" so the client runs Provision;
 *   4. then, with policy.enforce, the policy key.
 */
import { compareVersions, type CommandName, type ProtocolVersion } from '../types.js';
import type { Device } from '../../ports/state-store.js';
import type { ForbiddenReason } from './errors.js';
import { keyFingerprint, parsePolicyKey } from './policy-key.js';

/** MS-ASCMD 2.2.2 common status codes for provisioning (14.0 and later; earlier versions get HTTP 449). */
export const EAS_STATUS = {
  /** RemoteWipeRequested: the client must run Provision and will be told to wipe. */
  RemoteWipeRequested: 140,
  /** DeviceNotProvisioned: no policy key, 0, or a device we hold no provisioning for. */
  DeviceNotProvisioned: 142,
  /** PolicyRefresh: the key was issued under a policy that has since changed. */
  PolicyRefresh: 143,
  /** InvalidPolicyKey: a key that is not the device's current one (or not a key at all). */
  InvalidPolicyKey: 144,
} as const;

export type ProvisioningStatus = (typeof EAS_STATUS)[keyof typeof EAS_STATUS];

export type AccessDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'forbidden'; readonly reason: ForbiddenReason; readonly message: string }
  | { readonly kind: 'provision'; readonly status: ProvisioningStatus; readonly reason: string; readonly message: string };

export interface AccessRequest {
  readonly device: Device;
  readonly command: CommandName;
  /** The registry row's flag. */
  readonly needsProvisioning: boolean;
  readonly version: ProtocolVersion;
  /** As sent; undefined when the client sent none. */
  readonly policyKey: string | undefined;
  /** config.policy.enforce */
  readonly enforce: boolean;
  /** policyFingerprint(current policy) */
  readonly fingerprint: number;
}

const ALLOW: AccessDecision = { kind: 'allow' };

export function decideAccess(r: AccessRequest): AccessDecision {
  const { device } = r;
  if (device.blocked) return forbidden('device-blocked', 'the operator blocked this device');

  const wipe = device.wipe.state;
  if (wipe === 'acknowledged') {
    return r.command === 'Provision' ? ALLOW : forbidden('device-wiped', 'the device acknowledged a remote wipe; an operator must forget it before it syncs again');
  }
  if (wipe === 'account-only-requested' && compareVersions(r.version, '16.1') < 0) {
    // AccountOnlyRemoteWipe exists in 16.1 only (MS-ASPROV 2.2.2.1). A full wipe instead
    // would erase the owner's phone, which the operator did not ask for; so the account is
    // locked out until the device speaks 16.1 or the operator asks for a full wipe.
    return forbidden('account-wipe-unsupported', `an account-only wipe is pending, which protocol ${r.version} cannot carry`);
  }
  if (wipe === 'requested' || wipe === 'account-only-requested') {
    return r.command === 'Provision'
      ? ALLOW
      : provision(EAS_STATUS.RemoteWipeRequested, 'remote-wipe-requested', 'a remote wipe is pending for this device');
  }

  if (!r.enforce || !r.needsProvisioning) return ALLOW;
  const key = parsePolicyKey(r.policyKey);
  if (key === undefined || key === 0) return provision(EAS_STATUS.DeviceNotProvisioned, 'policy-key-missing', 'no policy key sent');
  if (key === 'invalid') return provision(EAS_STATUS.InvalidPolicyKey, 'policy-key-invalid', 'the policy key is not a 32-bit unsigned integer');
  if (device.provisioning !== 'provisioned' || device.policyKey === null) {
    return provision(EAS_STATUS.DeviceNotProvisioned, 'device-not-provisioned', 'the device has not completed Provision');
  }
  if (key !== device.policyKey) return provision(EAS_STATUS.InvalidPolicyKey, 'policy-key-unknown', 'the policy key is not the device\'s current one');
  if (keyFingerprint(key) !== r.fingerprint) return provision(EAS_STATUS.PolicyRefresh, 'policy-changed', 'the policy changed since the device provisioned');
  return ALLOW;
}

function forbidden(reason: ForbiddenReason, message: string): AccessDecision {
  return { kind: 'forbidden', reason, message };
}

function provision(status: ProvisioningStatus, reason: string, message: string): AccessDecision {
  return { kind: 'provision', status, reason, message };
}
