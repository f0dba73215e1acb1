/**
 * Provision (MS-ASCMD 2.2.1.14, MS-ASPROV): the two-round policy download, and the channel
 * over which a pending remote wipe reaches the device.
 *
 * Key lifecycle per device (state store: pendingPolicyKey, policyKey, provisioning):
 *   download     -> a fresh random temporary key is stored as pending (provisioning 'pending')
 *                   and sent with the policy;
 *   acknowledge  -> with the pending key: a final key (policy fingerprint + random, see
 *                   provision/policy-key.ts) becomes current ('provisioned'). The pending key is
 *                   kept, so a client that lost that answer and acknowledges again gets the same
 *                   final key instead of an error; any other key: Policy Status 5.
 * A pending wipe (set by `easgate devices wipe|wipe-account`) overrides both: whatever the
 * client asks, it is told to wipe, and its acknowledgement is recorded.
 */
import type { Logger } from 'pino';
import type { WbxmlElement } from '../../codec/tree.js';
import type { CommandContext, CommandDefinition, CommandRequest, CommandResult, ProtocolVersion } from './types.js';
import type { Device, DeviceKey, StateStore } from '../ports/state-store.js';
import { parseDeviceInformation } from './settings/device-information.js';
import { buildEasProvisionDoc, type PolicyConfig } from './provision/eas-provision-doc.js';
import { DeviceForbiddenError } from './provision/errors.js';
import { cryptoRandomUint32, finalPolicyKey, parsePolicyKey, policyFingerprint, temporaryPolicyKey, type RandomUint32 } from './provision/policy-key.js';
import { parseProvisionRequest, type ProvisionRequest } from './provision/request.js';
import { POLICY_STATUS, POLICY_TYPE, PROVISION_STATUS, policyResponse, provisionStatus, wipeDirective } from './provision/response.js';
import { buildWapProvisioningDoc } from './provision/wap-provision-doc.js';

export interface ProvisionOptions {
  readonly policy: PolicyConfig;
  /** Tests pin the keys; production draws from node:crypto. */
  readonly random?: RandomUint32;
}

/** The fingerprint carried by final keys: of everything a device is told, so not of `enforce`. */
export function policyFingerprintOf(policy: PolicyConfig): number {
  const { enforce: _enforce, ...told } = policy;
  return policyFingerprint(told);
}

export function provisionCommand(opts: ProvisionOptions): CommandDefinition {
  const fingerprint = policyFingerprintOf(opts.policy);
  const random = opts.random ?? cryptoRandomUint32;
  return {
    name: 'Provision',
    needsProvisioning: false,
    body: 'wbxml',
    handler: (ctx, request) => handleProvision(ctx, request, { policy: opts.policy, fingerprint, random }),
    statusResponse: (status) => provisionStatus(status),
  };
}

interface Env {
  readonly policy: PolicyConfig;
  readonly fingerprint: number;
  readonly random: RandomUint32;
}

async function handleProvision(ctx: CommandContext, request: CommandRequest, env: Env): Promise<CommandResult> {
  const state = ctx.ports.state;
  const key: DeviceKey = { user: ctx.user.login, deviceId: ctx.device.id };
  const req = parseProvisionRequest(request.kind === 'wbxml' ? request.root : undefined);
  if (req.kind === 'invalid') {
    ctx.log.info({ why: req.why }, 'malformed Provision request');
    return wbxml(provisionStatus(PROVISION_STATUS.ProtocolError));
  }
  // The edge records a sighting before any command runs; this only covers a handler run alone.
  const device = (await state.getDevice(key)) ?? (await state.touchDevice({ ...key, deviceType: ctx.device.type }));
  const deviceInformationStatus = await storeDeviceInformation(state, key, req, ctx.log);

  if (req.kind === 'wipe-ack') return wbxml(await acknowledgeWipe(state, device, req, ctx.log));
  if (device.wipe.state === 'acknowledged') {
    // Only the acknowledgement above may be retried; the access rules lock out everything else.
    throw new DeviceForbiddenError('device-wiped', 'the device acknowledged a remote wipe');
  }
  if (device.wipe.state === 'requested' || device.wipe.state === 'account-only-requested') {
    const accountOnly = device.wipe.state === 'account-only-requested';
    if (accountOnly && ctx.protocolVersion !== '16.1') {
      throw new DeviceForbiddenError('account-wipe-unsupported', `AccountOnlyRemoteWipe needs protocol 16.1, not ${ctx.protocolVersion}`);
    }
    ctx.log.warn({ wipe: device.wipe.kind }, 'sending remote wipe directive');
    return wbxml(wipeDirective(accountOnly, PROVISION_STATUS.Success, deviceInformationStatus));
  }
  if (req.kind === 'empty') return wbxml(provisionStatus(PROVISION_STATUS.Success, deviceInformationStatus));

  const expectedType = policyTypeFor(ctx.protocolVersion);
  if (req.policyType !== expectedType) {
    // MS-ASPROV 2.2.2.43: the WAP form is 2.5's, the WBXML form every later version's.
    ctx.log.info({ policyType: req.policyType.slice(0, 64), expectedType }, 'unknown PolicyType for this protocol version');
    return wbxml(policyResponse({ deviceInformationStatus, policyType: req.policyType, policyStatus: POLICY_STATUS.UnknownPolicyType }));
  }
  if (req.kind === 'download') {
    const temporary = temporaryPolicyKey(env.random, [device.policyKey, device.pendingPolicyKey]);
    await state.updateDevice(key, { pendingPolicyKey: temporary, provisioning: 'pending' });
    ctx.log.info('policy sent, temporary policy key issued');
    return wbxml(policyResponse({
      deviceInformationStatus,
      policyType: expectedType,
      policyStatus: POLICY_STATUS.Success,
      policyKey: temporary,
      data: ctx.protocolVersion === '2.5' ? buildWapProvisioningDoc(env.policy) : buildEasProvisionDoc(env.policy, ctx.protocolVersion),
    }));
  }

  const presented = parsePolicyKey(req.policyKey);
  if (typeof presented !== 'number' || presented === 0 || presented !== device.pendingPolicyKey) {
    ctx.log.info({ provisioning: device.provisioning }, 'Provision acknowledged a policy key that was not issued');
    return wbxml(policyResponse({ deviceInformationStatus, policyType: expectedType, policyStatus: POLICY_STATUS.WrongPolicyKey }));
  }
  if (req.clientStatus !== 1) {
    // 2 partial, 3 not applied, 4 third party (MS-ASPROV 2.2.2.54.1). The client's word is all
    // EAS offers; the policy is accepted either way, and the log keeps what it said.
    ctx.log.warn({ clientStatus: req.clientStatus }, 'device reports it did not fully apply the policy');
  }
  let final = device.policyKey;
  if (device.provisioning !== 'provisioned' || final === null) {
    final = finalPolicyKey(env.fingerprint, env.random, [presented, device.policyKey]);
    await state.updateDevice(key, { policyKey: final, provisioning: 'provisioned' });
    ctx.log.info('policy acknowledged, device provisioned');
  } else {
    ctx.log.info('repeated acknowledgement answered with the same policy key');
  }
  return wbxml(policyResponse({ deviceInformationStatus, policyType: expectedType, policyStatus: POLICY_STATUS.Success, policyKey: final }));
}

export function policyTypeFor(version: ProtocolVersion): string {
  return version === '2.5' ? POLICY_TYPE.wap : POLICY_TYPE.eas;
}

/** MS-ASPROV 3.2.5.1.1: the server SHOULD store a first round's DeviceInformation. */
async function storeDeviceInformation(state: StateStore, key: DeviceKey, req: ProvisionRequest, log: Logger): Promise<number | undefined> {
  if (!('deviceInformation' in req) || !req.deviceInformation) return undefined;
  const parsed = parseDeviceInformation(req.deviceInformation);
  if (!parsed.ok) {
    log.info({ why: parsed.why }, 'DeviceInformation in Provision refused');
    return parsed.status;
  }
  await state.updateDevice(key, { info: parsed.info });
  return 1;
}

/** MS-ASPROV 3.2.5.1.2.2: record success (Status 1); on a reported failure, repeat the directive with Status 2. */
async function acknowledgeWipe(state: StateStore, device: Device, req: Extract<ProvisionRequest, { kind: 'wipe-ack' }>, log: Logger): Promise<WbxmlElement> {
  const key: DeviceKey = { user: device.user, deviceId: device.deviceId };
  if (device.wipe.state === 'none') {
    log.warn('wipe acknowledgement without a wipe request');
    return provisionStatus(PROVISION_STATUS.ProtocolError);
  }
  const accountOnly = device.wipe.kind === 'account-only';
  if (req.status !== 1) {
    log.warn({ wipe: device.wipe.kind }, 'device reports its remote wipe failed; directive repeated');
    return wipeDirective(accountOnly, PROVISION_STATUS.ProtocolError);
  }
  await state.recordWipeAck(key);
  log.warn({ wipe: device.wipe.kind }, 'remote wipe acknowledged');
  return provisionStatus(PROVISION_STATUS.Success);
}

function wbxml(root: WbxmlElement): CommandResult {
  return { kind: 'wbxml', root };
}
