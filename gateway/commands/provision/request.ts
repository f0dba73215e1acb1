/**
 * Provision requests (MS-ASPROV 3.1.5.1) in their four shapes, parsed once so the handler
 * reasons about meaning, not elements:
 *   - download: Policies/Policy/PolicyType, the first round (3.1.5.1.1);
 *   - acknowledge: the same plus PolicyKey (the temporary key) and Status (3.1.5.1.2.1);
 *   - wipe acknowledgement: RemoteWipe/Status or AccountOnlyRemoteWipe/Status (3.1.5.1.2.2-3);
 *   - empty: a bare Provision, what a client sends after Status 140 (3.1.5.1.1).
 * A 14.1+ first round also carries settings:DeviceInformation (2.2.2.53).
 */
import type { WbxmlElement } from '../../../codec/tree.js';

const NS = 'Provision';

export type ProvisionRequest =
  | { readonly kind: 'download'; readonly policyType: string; readonly deviceInformation?: WbxmlElement }
  | {
      readonly kind: 'acknowledge';
      readonly policyType: string;
      /** As sent, checked against the stored keys by the handler. */
      readonly policyKey: string;
      /** 1 success, 2 partial, 3 not applied, 4 provisioned by a third party (2.2.2.54.1). */
      readonly clientStatus: number;
      readonly deviceInformation?: WbxmlElement;
    }
  | { readonly kind: 'wipe-ack'; readonly accountOnly: boolean; /** 1 wiped, 2 failed (2.2.2.54.3). */ readonly status: number }
  | { readonly kind: 'empty'; readonly deviceInformation?: WbxmlElement }
  | { readonly kind: 'invalid'; readonly why: string };

export function parseProvisionRequest(root: WbxmlElement | undefined): ProvisionRequest {
  if (!root) return invalid('empty body');
  if (root.ns !== NS || root.tag !== 'Provision') return invalid(`root is ${root.ns}:${root.tag}, not Provision`);
  let deviceInformation: WbxmlElement | undefined;
  let policies: WbxmlElement | undefined;
  let wipe: WbxmlElement | undefined;
  for (const c of root.children) {
    if (c.ns === 'Settings' && c.tag === 'DeviceInformation') deviceInformation = c;
    else if (c.ns === NS && c.tag === 'Policies') policies = c;
    else if (c.ns === NS && (c.tag === 'RemoteWipe' || c.tag === 'AccountOnlyRemoteWipe')) wipe = c;
    else return invalid(`unexpected ${c.ns}:${c.tag} in Provision`);
  }
  const info = deviceInformation ? { deviceInformation } : {};

  if (wipe) {
    const status = small(wipe.children.find((c) => c.ns === NS && c.tag === 'Status'));
    if (status !== 1 && status !== 2) return invalid(`${wipe.tag} needs Status 1 or 2`);
    return { kind: 'wipe-ack', accountOnly: wipe.tag === 'AccountOnlyRemoteWipe', status };
  }
  if (!policies) return { kind: 'empty', ...info };

  // Clients ask for one policy type; should one ask for several, the first is answered.
  const policy = policies.children.find((c) => c.ns === NS && c.tag === 'Policy');
  if (!policy) return invalid('Policies without a Policy');
  const field = (tag: string): WbxmlElement | undefined => policy.children.find((c) => c.ns === NS && c.tag === tag);
  const policyType = text(field('PolicyType'));
  if (!policyType) return invalid('Policy without PolicyType');
  const keyElement = field('PolicyKey');
  const statusElement = field('Status');
  if (!keyElement && !statusElement) return { kind: 'download', policyType, ...info };
  const policyKey = text(keyElement);
  const clientStatus = small(statusElement);
  if (policyKey === undefined || clientStatus === undefined) return invalid('an acknowledgement needs both PolicyKey and Status');
  return { kind: 'acknowledge', policyType, policyKey, clientStatus, ...info };
}

function text(e: WbxmlElement | undefined): string | undefined {
  if (!e || e.children.length > 0 || e.opaque !== undefined) return undefined;
  const t = (e.text ?? '').trim();
  return t === '' ? undefined : t;
}

/** A small unsigned integer, or undefined. */
function small(e: WbxmlElement | undefined): number | undefined {
  const t = text(e);
  return t !== undefined && /^\d{1,3}$/.test(t) ? Number(t) : undefined;
}

function invalid(why: string): ProvisionRequest {
  return { kind: 'invalid', why };
}
