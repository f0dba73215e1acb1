/**
 * The two HTTP answers of device access control. Both are GatewayErrors, so the edge's one
 * error mapping turns them into a status and a log line with their reason.
 */
import { GatewayError } from '../../errors.js';

export type ForbiddenReason = 'device-blocked' | 'device-wiped' | 'account-wipe-unsupported';

/**
 * MS-ASHTTP 2.2.2.1.1: 403 Forbidden, "the user is not enabled for ActiveSync
 * synchronization": here the operator blocked the device, it has acknowledged a remote wipe,
 * or an account-only wipe waits for a device that speaks too old a protocol to receive it.
 */
export class DeviceForbiddenError extends GatewayError {
  readonly httpStatus = 403;
  constructor(readonly reason: ForbiddenReason, message: string) {
    super(message);
  }
}

/**
 * MS-ASHTTP 2.2.2.1.1: 449 "Retry after sending a PROVISION command": how protocol versions
 * before 14.0 learn that the policy key is missing, stale or invalid, or that a remote wipe
 * waits (14.0 and later get the command's Status 140-144 instead).
 */
export class ProvisioningRequiredError extends GatewayError {
  readonly httpStatus = 449;
  /** The reason phrase Exchange sends with 449 (Node knows none for it). */
  readonly statusMessage = 'Retry after sending a PROVISION command';
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
