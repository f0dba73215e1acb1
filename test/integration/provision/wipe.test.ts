/**
 * Remote wipe end to end: the operator marks the device with `easgate devices wipe` (or
 * wipe-account), the device's next command answers "remote wipe requested" (Status 140 from
 * 14.0, 449 before), its Provision gets RemoteWipe (AccountOnlyRemoteWipe at 16.1), its
 * acknowledgement is recorded, and from then on it is locked out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStateStore } from '../../../gateway/adapters/state/open.js';
import type { Device } from '../../../gateway/ports/state-store.js';
import { gatewaySuite } from '../../support/gateway-suite.js';
import { validateEasResponse } from '../../support/xsd.js';
import { ALICE, FOLDER_SYNC_0, P, at, downloadRequest, eas, operator, provision, start, WAP_POLICY } from './support.js';

async function device(dataDir: string, deviceId: string): Promise<Device> {
  const store = await openStateStore({ dataDir });
  try {
    return (await store.getDevice({ user: ALICE.user, deviceId }))!;
  } finally {
    await store.close();
  }
}

describe('remote wipe through the HTTP endpoint', () => {
  const suite = gatewaySuite((dir) => start(dir));

  const folderSync = (deviceId: string, version: string, policyKey: string) => eas(suite.gw.gw, { cmd: 'FolderSync', deviceId, version, policyKey, body: FOLDER_SYNC_0 });
  const provisionRequest = (deviceId: string, version: string, body = P('Provision')) => eas(suite.gw.gw, { cmd: 'Provision', deviceId, version, policyKey: 0, body });

  for (const version of ['14.1', '16.1'] as const) {
    it(`${version}: wipe -> Status 140 -> Provision with RemoteWipe -> acknowledgement recorded -> locked out`, async () => {
      const id = `WIPE${version.replace('.', '')}`;
      const final = await provision(suite.gw.gw, id, version);
      const marked = await operator(suite.data.path, 'wipe', ALICE.user, id, '--yes');
      assert.equal(marked.code, 0, marked.err);

      const next = await folderSync(id, version, final);
      assert.equal(next.status, 200);
      assert.equal(at(next.wbxml(), 'Status')?.text, '140');
      assert.equal(suite.gw.log.accessLines().find((l) => l.deviceId === id && l.easStatus === 140)?.reason, 'remote-wipe-requested');

      const directive = await provisionRequest(id, version);
      assert.deepEqual(directive.wbxml(), P('Provision', [P('Status', 1), P('RemoteWipe')]));
      const xsd = validateEasResponse(directive.wbxml(), 'ProvisionResponse');
      assert.ok(xsd.valid, xsd.errors.join('\n'));

      const ack = await provisionRequest(id, version, P('Provision', [P('RemoteWipe', [P('Status', 1)])]));
      assert.deepEqual(ack.wbxml(), P('Provision', [P('Status', 1)]));
      const d = await device(suite.data.path, id);
      assert.equal(d.wipe.state, 'acknowledged');
      assert.ok(d.wipe.acknowledgedAt);

      const after = await folderSync(id, version, final);
      assert.equal(after.status, 403);
      assert.equal((await provisionRequest(id, version, downloadRequest())).status, 403);
      assert.equal(suite.gw.log.accessLines().filter((l) => l.deviceId === id && l.status === 403).at(-1)?.reason, 'device-wiped');
      // The operator sees what happened; a withdrawn request is no longer possible.
      assert.match((await operator(suite.data.path, 'list', '--user', ALICE.user)).out, new RegExp(`${id}.*acknowledged`));
      assert.equal((await operator(suite.data.path, 'cancel-wipe', ALICE.user, id)).code, 1);
    });
  }

  it('12.1: the wipe is announced with HTTP 449, then delivered by Provision', async () => {
    const final = await provision(suite.gw.gw, 'WIPE121', '12.1');
    await operator(suite.data.path, 'wipe', ALICE.user, 'WIPE121', '--yes');
    assert.equal((await folderSync('WIPE121', '12.1', final)).status, 449);
    assert.deepEqual((await provisionRequest('WIPE121', '12.1', downloadRequest())).wbxml(), P('Provision', [P('Status', 1), P('RemoteWipe')]));
    await provisionRequest('WIPE121', '12.1', P('Provision', [P('RemoteWipe', [P('Status', 1)])]));
    assert.equal((await device(suite.data.path, 'WIPE121')).wipe.state, 'acknowledged');
  });

  it('2.5: a WAP policy request is answered with the wipe directive', async () => {
    await provision(suite.gw.gw, 'WIPE25', '2.5');
    await operator(suite.data.path, 'wipe', ALICE.user, 'WIPE25', '--yes');
    assert.deepEqual((await provisionRequest('WIPE25', '2.5', downloadRequest(WAP_POLICY))).wbxml(), P('Provision', [P('Status', 1), P('RemoteWipe')]));
  });

  it('16.1: an account-only wipe is AccountOnlyRemoteWipe, and is recorded when acknowledged', async () => {
    const final = await provision(suite.gw.gw, 'ACCWIPE', '16.1');
    assert.equal((await operator(suite.data.path, 'wipe-account', ALICE.user, 'ACCWIPE', '--yes')).code, 0);
    assert.equal(at((await folderSync('ACCWIPE', '16.1', final)).wbxml(), 'Status')?.text, '140');
    const directive = await provisionRequest('ACCWIPE', '16.1');
    assert.deepEqual(directive.wbxml(), P('Provision', [P('Status', 1), P('AccountOnlyRemoteWipe')]));
    assert.ok(validateEasResponse(directive.wbxml(), 'ProvisionResponse').valid);
    await provisionRequest('ACCWIPE', '16.1', P('Provision', [P('AccountOnlyRemoteWipe', [P('Status', 1)])]));
    const d = await device(suite.data.path, 'ACCWIPE');
    assert.deepEqual([d.wipe.state, d.wipe.kind], ['acknowledged', 'account-only']);
    assert.equal((await folderSync('ACCWIPE', '16.1', final)).status, 403);
  });

  it('before 16.1 an account-only wipe locks the account out instead of wiping the phone', async () => {
    const final = await provision(suite.gw.gw, 'ACCOLD', '14.1');
    await operator(suite.data.path, 'wipe-account', ALICE.user, 'ACCOLD', '--yes');
    assert.equal((await folderSync('ACCOLD', '14.1', final)).status, 403);
    assert.equal((await provisionRequest('ACCOLD', '14.1')).status, 403);
    assert.equal(suite.gw.log.accessLines().filter((l) => l.deviceId === 'ACCOLD').at(-1)?.reason, 'account-wipe-unsupported');
    // Withdrawn before the device acknowledged anything: it syncs again.
    assert.equal((await operator(suite.data.path, 'cancel-wipe', ALICE.user, 'ACCOLD')).code, 0);
    assert.equal((await folderSync('ACCOLD', '14.1', final)).status, 200);
  });

  it('a pending wipe is delivered even with policy.enforce off', async () => {
    const loose = await start(suite.data.path, { policy: { enforce: false } });
    try {
      await eas(loose.gw, { cmd: 'FolderSync', deviceId: 'LOOSEWIPE', version: '14.1', body: FOLDER_SYNC_0 });
      await operator(suite.data.path, 'wipe', ALICE.user, 'LOOSEWIPE', '--yes');
      const res = await eas(loose.gw, { cmd: 'FolderSync', deviceId: 'LOOSEWIPE', version: '14.1', body: FOLDER_SYNC_0 });
      assert.equal(at(res.wbxml(), 'Status')?.text, '140');
    } finally {
      await loose.close();
    }
  });
});
