/**
 * First contact as real clients make it: OPTIONS -> Provision (download) -> Provision
 * (acknowledge) -> Settings -> FolderSync, replaying the captured requests of EAS-4-TbSync
 * (2.5, 14.0; its 14.0 requests also at 12.1) and pyactivesync (16.1; also at 14.1), with the
 * policy keys the gateway hands out in place of the fake ones the capture server gave.
 * Responses are checked against Microsoft's XSDs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '../../../codec/index.js';
import type { WbxmlElement } from '../../../codec/tree.js';
import { openStateStore } from '../../../gateway/adapters/state/open.js';
import { gatewaySuite } from '../../support/gateway-suite.js';
import { capturedRequests, type CapturedRequest } from '../../support/fixtures.js';
import { validateEasResponse } from '../../support/xsd.js';
import { at, eas, start, type EasResponse, type Gateway } from './support.js';

const FAKE_TEMPORARY = '1111111111';
const FAKE_FINAL = '2222222222';

interface Scenario {
  readonly name: string;
  readonly version: string;
  /** [client dir, request number] in the order they are replayed: OPTIONS, Provision x2, [Settings], FolderSync. */
  readonly steps: readonly (readonly [string, number])[];
  readonly deviceType: string;
  readonly check: (settings: WbxmlElement | undefined, deviceModel: string | null) => void;
}

const TB25 = 'eas4tbsync_eas2.5';
const TB14 = 'eas4tbsync_eas14.0';
const PY = 'pyactivesync_monperrus_eas16.1';
const PY_OPTIONS = 'pyactivesync_monperrus_eas16.1_options_first';

const tbsyncSettings = (settings: WbxmlElement | undefined, model: string | null): void => {
  assert.equal(at(settings!, 'DeviceInformation', 'Status')?.text, '1');
  assert.equal(model, 'Computer');
};
const pySettings = (settings: WbxmlElement | undefined, model: string | null): void => {
  assert.equal(at(settings!, 'Oof', 'Status')?.text, '1');
  assert.equal(at(settings!, 'Oof', 'Get', 'OofState')?.text, '0');
  // 14.1+ sends DeviceInformation inside Provision: stored from there.
  assert.equal(model, 'pyactivesync');
};

const SCENARIOS: readonly Scenario[] = [
  { name: '2.5, EAS-4-TbSync (no Settings in 2.5)', version: '2.5', steps: [[TB25, 1], [TB25, 2], [TB25, 3], [TB25, 4]], deviceType: 'TbSync', check: (s, model) => assert.equal(s, undefined, String(model)) },
  { name: '12.1, EAS-4-TbSync requests', version: '12.1', steps: [[TB14, 1], [TB14, 2], [TB14, 3], [TB14, 4], [TB14, 5]], deviceType: 'TbSync', check: tbsyncSettings },
  { name: '14.0, EAS-4-TbSync', version: '14.0', steps: [[TB14, 1], [TB14, 2], [TB14, 3], [TB14, 4], [TB14, 5]], deviceType: 'TbSync', check: tbsyncSettings },
  { name: '14.1, pyactivesync requests', version: '14.1', steps: [[PY_OPTIONS, 1], [PY, 1], [PY, 2], [PY, 17], [PY, 3]], deviceType: 'pyactivesync', check: pySettings },
  { name: '16.1, pyactivesync', version: '16.1', steps: [[PY_OPTIONS, 1], [PY, 1], [PY, 2], [PY, 17], [PY, 3]], deviceType: 'pyactivesync', check: pySettings },
];

const captured = capturedRequests();
const find = (client: string, seq: number): CapturedRequest => {
  const r = captured.find((c) => c.client === client && c.seq === seq);
  if (!r) throw new Error(`no captured request ${client} #${seq}`);
  return r;
};

/** The captured request with this scenario's version and device id, and the keys this gateway issued. */
function replay(gw: Gateway, r: CapturedRequest, s: Scenario, deviceId: string, keys: { temporary?: string; final?: string }): Promise<EasResponse> {
  const swap = (v: string): string => v.replace(FAKE_TEMPORARY, keys.temporary ?? FAKE_TEMPORARY).replace(FAKE_FINAL, keys.final ?? FAKE_FINAL);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers)) {
    if (['host', 'authorization', 'content-length', 'connection', 'ms-asprotocolversion', 'x-ms-policykey'].includes(name)) continue;
    headers[name] = value;
  }
  const target = swap(r.target).replace(/DeviceId=[^&]+/, `DeviceId=${deviceId}`);
  let body: Uint8Array | undefined = r.body.length > 0 ? r.body : undefined;
  if (body && r.body.includes(Buffer.from(FAKE_TEMPORARY))) {
    // Only the acknowledgement echoes a key in its body; the others go out byte for byte (quirks included).
    const tree = decode(body);
    const key = at(tree, 'Policies', 'Policy', 'PolicyKey');
    if (key) key.text = keys.temporary;
    body = encode(tree);
  }
  const policyKey = r.headers['x-ms-policykey'];
  return eas(gw.gw, {
    method: r.method,
    target,
    ...(r.method === 'POST' ? { version: s.version } : {}),
    ...(policyKey !== undefined ? { policyKey: swap(policyKey) } : {}),
    headers,
    ...(body ? { body } : {}),
  });
}

describe('first contact through the HTTP endpoint, replaying captured clients', () => {
  const suite = gatewaySuite((dir) => start(dir));

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const deviceId = `FIRST${s.version.replace('.', '')}${s.deviceType}`;
      const keys: { temporary?: string; final?: string } = {};
      let settings: WbxmlElement | undefined;
      for (const [client, seq] of s.steps) {
        const r = find(client, seq);
        const res = await replay(suite.gw, r, s, deviceId, keys);
        const what = `${client} #${seq} ${r.method} ${r.target.match(/Cmd=(\w+)/)?.[1] ?? ''}`;
        assert.equal(res.status, 200, `${what}: HTTP ${res.status}`);
        if (r.method === 'OPTIONS') {
          assert.match(String(res.headers['ms-asprotocolcommands']), /Provision/, what);
          continue;
        }
        const root = res.wbxml();
        if (root.tag === 'Provision') {
          assert.equal(at(root, 'Status')?.text, '1', what);
          assert.equal(at(root, 'Policies', 'Policy', 'Status')?.text, '1', what);
          const key = at(root, 'Policies', 'Policy', 'PolicyKey')?.text;
          assert.match(key ?? '', /^[1-9]\d*$/, what);
          const data = at(root, 'Policies', 'Policy', 'Data');
          if (keys.temporary === undefined) {
            keys.temporary = key;
            assert.equal(at(root, 'Policies', 'Policy', 'PolicyType')?.text, s.version === '2.5' ? 'MS-WAP-Provisioning-XML' : 'MS-EAS-Provisioning-WBXML');
            if (s.version === '2.5') assert.match(data?.text ?? '', /^<wap-provisioningdoc>/);
            else assert.equal(data?.children[0]?.tag, 'EASProvisionDoc');
          } else {
            keys.final = key;
            assert.notEqual(key, keys.temporary);
            assert.equal(data, undefined);
          }
          if (s.version !== '2.5') {
            const xsd = validateEasResponse(root, 'ProvisionResponse');
            assert.ok(xsd.valid, `${what}: ${xsd.errors.join('\n')}`);
          }
        } else if (root.tag === 'Settings') {
          settings = root;
          assert.equal(at(root, 'Status')?.text, '1', what);
          const xsd = validateEasResponse(root, 'SettingsResponse');
          assert.ok(xsd.valid, `${what}: ${xsd.errors.join('\n')}`);
        } else {
          assert.equal(root.tag, 'FolderSync', what);
          assert.equal(at(root, 'Status')?.text, '1', `${what}: the final key lets the device sync`);
        }
      }
      const store = await openStateStore({ dataDir: suite.data.path });
      try {
        const device = (await store.getDevice({ user: 'alice@example.com', deviceId }))!;
        assert.equal(device.provisioning, 'provisioned');
        assert.equal(String(device.policyKey), keys.final);
        assert.equal(device.deviceType, s.deviceType);
        assert.equal(device.protocolVersion, s.version);
        assert.ok(device.userAgent);
        s.check(settings, device.info.model);
      } finally {
        await store.close();
      }
    });
  }
});
