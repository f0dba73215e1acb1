/**
 * Device access control at the edge: every authenticated command request is recorded as a
 * sighting, then checked against what the operator decided and what MS-ASPROV requires
 * (rules: commands/provision/access.ts). Refusals end as:
 *   - 403 for a blocked or wiped device (reason device-blocked / device-wiped / ...);
 *   - 449 for protocol versions before 14.0 that must (re-)provision (MS-ASHTTP 2.2.2.1.1);
 *   - from 14.0 on, the command's own response with Status 140/142/143/144 (MS-ASCMD 2.2.2),
 *     built by the registry row's statusResponse or, without one, the generic
 *     <Command><Status>N</Status></Command>.
 * OPTIONS never gets here: it carries no DeviceId and needs no policy key.
 */
import type { WbxmlElement } from '../../codec/tree.js';
import type { Config } from '../config/schema.js';
import { policyFingerprintOf } from '../commands/provision.js';
import { decideAccess } from '../commands/provision/access.js';
import { commonStatusResponse } from '../commands/provision/common-status.js';
import { DeviceForbiddenError, ProvisioningRequiredError } from '../commands/provision/errors.js';
import type { RegisteredCommand } from '../commands/registry.js';
import { compareVersions, isProtocolVersion, type ProtocolVersion } from '../commands/types.js';
import type { Device, StateStoreOps } from '../ports/state-store.js';
import { DeviceSightings, type DeviceSightingsOptions } from './device-sighting.js';
import type { EasRequestLine } from './eas-request-line.js';

export interface DeviceAccessOptions extends DeviceSightingsOptions {
  /** Defaults to the system clock. */
  readonly now?: () => Date;
}

/** A refusal answered with the command's own response (HTTP 200). */
export interface StatusRefusal {
  readonly status: number;
  readonly reason: string;
  readonly root: WbxmlElement;
}

export class DeviceAccess {
  readonly #enforce: boolean;
  readonly #fingerprint: number;
  readonly #sightings: DeviceSightings;
  readonly #now: () => Date;

  constructor(policy: Config['policy'], opts: DeviceAccessOptions = {}) {
    this.#enforce = policy.enforce;
    this.#fingerprint = policyFingerprintOf(policy);
    this.#sightings = new DeviceSightings(opts);
    this.#now = opts.now ?? (() => new Date());
  }

  /**
   * Records the sighting and refuses a blocked device outright, before its protocol
   * version or command is even looked at: blocked means every command.
   */
  async admit(state: StateStoreOps, user: string, line: EasRequestLine, userAgent: string | undefined): Promise<Device> {
    const version = line.protocolVersion !== undefined && isProtocolVersion(line.protocolVersion) ? line.protocolVersion : undefined;
    const device = await this.#sightings.sight(state, {
      user,
      deviceId: line.deviceId,
      deviceType: line.deviceType,
      ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
      ...(version ? { protocolVersion: version } : {}),
      at: this.#now(),
    });
    if (device.blocked) throw new DeviceForbiddenError('device-blocked', `device ${device.deviceId} of ${device.user} is blocked`);
    return device;
  }

  /** Undefined when the command may run; a Status answer; or throws 403/449. */
  check(device: Device, row: RegisteredCommand, version: ProtocolVersion, policyKey: string | undefined): StatusRefusal | undefined {
    const decision = decideAccess({
      device,
      command: row.name,
      needsProvisioning: row.needsProvisioning,
      version,
      policyKey,
      enforce: this.#enforce,
      fingerprint: this.#fingerprint,
    });
    if (decision.kind === 'allow') return undefined;
    if (decision.kind === 'forbidden') throw new DeviceForbiddenError(decision.reason, decision.message);
    // MS-ASCMD 2.2.2: status values above 100 exist from 14.0 on; older versions hear 449.
    if (compareVersions(version, '14.0') < 0) throw new ProvisioningRequiredError(decision.reason, decision.message);
    const root = row.statusResponse?.(decision.status, version) ?? commonStatusResponse(row.name, decision.status);
    return { status: decision.status, reason: decision.reason, root };
  }
}
