/** The Provision handler's state machine against a real (SQLite) state store. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { el, type WbxmlElement } from '../../../../codec/tree.js';
import { provisionCommand, policyFingerprintOf } from '../../../../gateway/commands/provision.js';
import { keyFingerprint } from '../../../../gateway/commands/provision/policy-key.js';
import { DeviceForbiddenError } from '../../../../gateway/commands/provision/errors.js';
import type { ProtocolVersion } from '../../../../gateway/commands/types.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { KEY, at, harness, parseConfig, textAt } from './provision-support.js';

const P = (tag: string, content?: Parameters<typeof el>[2]) => el('Provision', tag, content);
const S = (tag: string, content?: Parameters<typeof el>[2]) => el('Settings', tag, content);
const EAS = 'MS-EAS-Provisioning-WBXML';
const WAP = 'MS-WAP-Provisioning-XML';

const download = (type = EAS, extra: WbxmlElement[] = []) => P('Provision', [...extra, P('Policies', [P('Policy', [P('PolicyType', type)])])]);
const acknowledge = (key: string | number, type = EAS, status = '1') =>
  P('Provision', [P('Policies', [P('Policy', [P('PolicyType', type), P('PolicyKey', String(key)), P('Status', status)])])]);
const wipeAck = (status: number, tag = 'RemoteWipe') => P('Provision', [P(tag, [P('Status', status)])]);
const deviceInfo = S('DeviceInformation', [S('Set', [S('Model', 'Pixel 9'), S('OS', 'Android 15'), S('FriendlyName', 'Work phone'), S('UserAgent', 'Android-Mail/2025')])]);

const policy = parseConfig().policy;

function setup(t: TestContext, keys: number[] = []) {
  const queue = [...keys];
  const command = provisionCommand({ policy, ...(keys.length ? { random: () => queue.shift() ?? 99 } : {}) });
  return harness(t, command);
}

async function provisioned(h: ReturnType<typeof setup>, version: ProtocolVersion = '14.1'): Promise<number> {
  const first = await h.run(download(version === '2.5' ? WAP : EAS), version);
  const temp = textAt(first, 'Policies', 'Policy', 'PolicyKey')!;
  const second = await h.run(acknowledge(temp, version === '2.5' ? WAP : EAS), version);
  return Number(textAt(second, 'Policies', 'Policy', 'PolicyKey'));
}

describe('Provision', () => {
  for (const version of ['12.0', '12.1', '14.0', '14.1', '16.0', '16.1'] as const) {
    it(`${version}: download then acknowledge issues a temporary key, then a final one that carries the policy fingerprint`, async (t) => {
      const h = setup(t);
      const first = await h.run(download(), version);
      assert.equal(textAt(first, 'Status'), '1');
      assert.equal(textAt(first, 'Policies', 'Policy', 'PolicyType'), EAS);
      assert.equal(textAt(first, 'Policies', 'Policy', 'Status'), '1');
      assert.equal(at(first, 'Policies', 'Policy', 'Data', 'EASProvisionDoc')?.children[0]?.tag, 'DevicePasswordEnabled');
      const temp = Number(textAt(first, 'Policies', 'Policy', 'PolicyKey'));
      assert.ok(temp > 0 && temp <= 0xffffffff);
      let d = (await h.store.getDevice(KEY))!;
      assert.equal(d.provisioning, 'pending');
      assert.equal(d.pendingPolicyKey, temp);
      assert.ok(validateEasResponse(first, 'ProvisionResponse').valid);

      const second = await h.run(acknowledge(temp), version);
      const final = Number(textAt(second, 'Policies', 'Policy', 'PolicyKey'));
      assert.equal(textAt(second, 'Policies', 'Policy', 'Status'), '1');
      assert.equal(at(second, 'Policies', 'Policy', 'Data'), undefined);
      assert.notEqual(final, temp);
      assert.equal(keyFingerprint(final), policyFingerprintOf(policy));
      d = (await h.store.getDevice(KEY))!;
      assert.equal(d.provisioning, 'provisioned');
      assert.equal(d.policyKey, final);
      const check = validateEasResponse(second, 'ProvisionResponse');
      assert.ok(check.valid, check.errors.join('\n'));
    });
  }

  it('2.5: the policy is the wap-provisioningdoc as text in Data', async (t) => {
    const h = setup(t);
    const first = await h.run(download(WAP), '2.5');
    assert.equal(textAt(first, 'Policies', 'Policy', 'PolicyType'), WAP);
    assert.match(textAt(first, 'Policies', 'Policy', 'Data')!, /^<wap-provisioningdoc><characteristic type="SecurityPolicy"><parm name="4131" value="1"\/>/);
    const final = await provisioned(h, '2.5');
    assert.equal((await h.store.getDevice(KEY))!.policyKey, final);
  });

  it('a PolicyType the version does not use: Policy Status 3, no key, nothing stored', async (t) => {
    const h = setup(t);
    for (const [type, version] of [[WAP, '14.1'], [EAS, '2.5'], ['MS-Something-Else', '16.1']] as const) {
      const r = await h.run(download(type), version);
      assert.equal(textAt(r, 'Status'), '1');
      assert.equal(textAt(r, 'Policies', 'Policy', 'Status'), '3');
      assert.equal(textAt(r, 'Policies', 'Policy', 'PolicyType'), type);
      assert.equal(at(r, 'Policies', 'Policy', 'PolicyKey'), undefined);
    }
    assert.equal((await h.store.getDevice(KEY))!.provisioning, 'none');
  });

  it('acknowledging a key that was not issued: Policy Status 5, still not provisioned', async (t) => {
    const h = setup(t, [1111, 2222]);
    await h.run(download(), '14.1');
    for (const key of ['1234', '0', 'abc']) {
      const r = await h.run(acknowledge(key), '14.1');
      assert.equal(textAt(r, 'Policies', 'Policy', 'Status'), '5', key);
      assert.equal(at(r, 'Policies', 'Policy', 'PolicyKey'), undefined);
    }
    assert.equal((await h.store.getDevice(KEY))!.provisioning, 'pending');
  });

  it('a repeated acknowledgement (the answer was lost) gets the same final key', async (t) => {
    const h = setup(t);
    const first = await h.run(download(), '16.1');
    const temp = textAt(first, 'Policies', 'Policy', 'PolicyKey')!;
    const a = textAt(await h.run(acknowledge(temp), '16.1'), 'Policies', 'Policy', 'PolicyKey');
    const b = textAt(await h.run(acknowledge(temp), '16.1'), 'Policies', 'Policy', 'PolicyKey');
    assert.equal(a, b);
  });

  it('keys are drawn unlike the ones the device holds', async (t) => {
    // The temporary key is fingerprint:5, so a final key drawn with 5 would repeat it and is drawn again (6).
    const temp = ((policyFingerprintOf(policy) << 16) | 5) >>> 0;
    const h = setup(t, [temp, 5, 6]);
    const final = await provisioned(h);
    assert.equal(final & 0xffff, 6);
  });

  it('a client that reports partial compliance is provisioned, and the log says so', async (t) => {
    const h = setup(t);
    const first = await h.run(download(), '14.0');
    const r = await h.run(acknowledge(textAt(first, 'Policies', 'Policy', 'PolicyKey')!, EAS, '2'), '14.0');
    assert.equal(textAt(r, 'Policies', 'Policy', 'Status'), '1');
    assert.match(h.log.text(), /did not fully apply the policy/);
  });

  it('14.1+: DeviceInformation in the first round is stored and answered with its Status', async (t) => {
    const h = setup(t);
    const r = await h.run(download(EAS, [deviceInfo]), '16.1');
    assert.equal(textAt(r, 'DeviceInformation', 'Status'), '1');
    assert.equal(r.children[0]?.ns, 'Settings');
    const info = (await h.store.getDevice(KEY))!.info;
    assert.deepEqual([info.model, info.os, info.friendlyName, info.userAgent, info.imei], ['Pixel 9', 'Android 15', 'Work phone', 'Android-Mail/2025', null]);
    assert.ok(validateEasResponse(r, 'ProvisionResponse').valid);
  });

  it('a malformed request: Provision Status 2', async (t) => {
    const h = setup(t);
    const bad = [
      undefined,
      el('Settings', 'Settings'),
      P('Provision', [P('Policies')]),
      P('Provision', [P('Policies', [P('Policy')])]),
      P('Provision', [P('Policies', [P('Policy', [P('PolicyType', EAS), P('PolicyKey', '1')])])]),
      P('Provision', [P('RemoteWipe')]),
      P('Provision', [P('Frobnicate')]),
    ];
    for (const root of bad) {
      const r = await h.run(root, '14.1');
      assert.deepEqual(r, P('Provision', [P('Status', 2)]), JSON.stringify(root));
    }
  });

  it('an empty Provision without a pending wipe: Status 1 and nothing else', async (t) => {
    const h = setup(t);
    assert.deepEqual(await h.run(P('Provision'), '14.1'), P('Provision', [P('Status', 1)]));
  });

  describe('remote wipe', () => {
    for (const version of ['2.5', '12.1', '14.1', '16.1'] as const) {
      it(`${version}: a pending wipe answers any Provision with RemoteWipe; the acknowledgement is recorded`, async (t) => {
        const h = setup(t);
        await provisioned(h, version);
        await h.store.requestWipe(KEY, 'full');
        for (const request of [P('Provision'), download(version === '2.5' ? WAP : EAS)]) {
          const r = await h.run(request, version);
          assert.deepEqual(r, P('Provision', [P('Status', 1), P('RemoteWipe')]));
        }
        assert.deepEqual(await h.run(wipeAck(1), version), P('Provision', [P('Status', 1)]));
        const d = (await h.store.getDevice(KEY))!;
        assert.equal(d.wipe.state, 'acknowledged');
        assert.ok(d.wipe.acknowledgedAt);
        // A retried acknowledgement is answered the same way; anything else is refused.
        assert.deepEqual(await h.run(wipeAck(1), version), P('Provision', [P('Status', 1)]));
        await assert.rejects(h.run(download(version === '2.5' ? WAP : EAS), version), (e: unknown) => e instanceof DeviceForbiddenError && e.reason === 'device-wiped');
      });
    }

    it('a wipe the client reports as failed is repeated with Status 2 and not recorded', async (t) => {
      const h = setup(t);
      await h.store.touchDevice(KEY);
      await h.store.requestWipe(KEY, 'full');
      assert.deepEqual(await h.run(wipeAck(2), '14.1'), P('Provision', [P('Status', 2), P('RemoteWipe')]));
      assert.equal((await h.store.getDevice(KEY))!.wipe.state, 'requested');
    });

    it('16.1: an account-only wipe is AccountOnlyRemoteWipe, acknowledged the same way', async (t) => {
      const h = setup(t);
      await provisioned(h, '16.1');
      await h.store.requestWipe(KEY, 'account-only');
      const r = await h.run(P('Provision'), '16.1');
      assert.deepEqual(r, P('Provision', [P('Status', 1), P('AccountOnlyRemoteWipe')]));
      assert.ok(validateEasResponse(r, 'ProvisionResponse').valid);
      assert.deepEqual(await h.run(wipeAck(1, 'AccountOnlyRemoteWipe'), '16.1'), P('Provision', [P('Status', 1)]));
      const d = (await h.store.getDevice(KEY))!;
      assert.deepEqual([d.wipe.state, d.wipe.kind], ['acknowledged', 'account-only']);
    });

    it('before 16.1 an account-only wipe is never turned into a full one', async (t) => {
      const h = setup(t);
      await h.store.touchDevice(KEY);
      await h.store.requestWipe(KEY, 'account-only');
      await assert.rejects(h.run(P('Provision'), '16.0'), (e: unknown) => e instanceof DeviceForbiddenError && e.reason === 'account-wipe-unsupported');
    });

    it('acknowledging a wipe nobody asked for: Status 2', async (t) => {
      const h = setup(t);
      assert.deepEqual(await h.run(wipeAck(1), '14.1'), P('Provision', [P('Status', 2)]));
      assert.equal((await h.store.getDevice(KEY))!.wipe.state, 'none');
    });
  });
});
