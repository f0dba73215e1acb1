/**
 * Provision responses, in the element order of Microsoft's ProvisionResponse schema:
 * settings:DeviceInformation, Status, Policies/Policy (PolicyType, Status, PolicyKey, Data),
 * RemoteWipe, AccountOnlyRemoteWipe.
 */
import { el, type WbxmlElement } from '../../../codec/tree.js';

const NS = 'Provision';

/** Status as the child of Provision (MS-ASPROV 2.2.2.54.2). */
export const PROVISION_STATUS = { Success: 1, ProtocolError: 2, ServerError: 3 } as const;

/** Status as the child of Policy in a response (MS-ASPROV 2.2.2.54.1). */
export const POLICY_STATUS = { Success: 1, NoPolicy: 2, UnknownPolicyType: 3, CorruptPolicy: 4, WrongPolicyKey: 5 } as const;

export const POLICY_TYPE = { wap: 'MS-WAP-Provisioning-XML', eas: 'MS-EAS-Provisioning-WBXML' } as const;

export interface PolicyAnswer {
  /** Status of a settings:DeviceInformation the request carried. */
  readonly deviceInformationStatus?: number;
  readonly policyType: string;
  readonly policyStatus: number;
  readonly policyKey?: number;
  /** EASProvisionDoc (12.0+) or the wap-provisioningdoc text (2.5); first round only. */
  readonly data?: WbxmlElement | string;
}

export function policyResponse(a: PolicyAnswer): WbxmlElement {
  const policy = [el(NS, 'PolicyType', a.policyType), el(NS, 'Status', a.policyStatus)];
  if (a.policyKey !== undefined) policy.push(el(NS, 'PolicyKey', String(a.policyKey)));
  if (a.data !== undefined) policy.push(el(NS, 'Data', typeof a.data === 'string' ? a.data : [a.data]));
  return el(NS, 'Provision', [
    ...deviceInformation(a.deviceInformationStatus),
    el(NS, 'Status', PROVISION_STATUS.Success),
    el(NS, 'Policies', [el(NS, 'Policy', policy)]),
  ]);
}

/**
 * A remote wipe directive (MS-ASPROV 3.2.5.1.1 for a pending wipe; 3.2.5.1.2.2 with
 * Status 2 when the client reported that its wipe failed). RemoteWipe and
 * AccountOnlyRemoteWipe are empty in responses (2.2.2.45, 2.2.2.1).
 */
export function wipeDirective(accountOnly: boolean, status: number = PROVISION_STATUS.Success, deviceInformationStatus?: number): WbxmlElement {
  return el(NS, 'Provision', [
    ...deviceInformation(deviceInformationStatus),
    el(NS, 'Status', status),
    el(NS, accountOnly ? 'AccountOnlyRemoteWipe' : 'RemoteWipe'),
  ]);
}

/** Just the Provision Status: an acknowledged wipe, an empty request, or an error. */
export function provisionStatus(status: number, deviceInformationStatus?: number): WbxmlElement {
  return el(NS, 'Provision', [...deviceInformation(deviceInformationStatus), el(NS, 'Status', status)]);
}

function deviceInformation(status: number | undefined): WbxmlElement[] {
  return status === undefined ? [] : [el('Settings', 'DeviceInformation', [el('Settings', 'Status', status)])];
}
