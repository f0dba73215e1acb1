/**
 * Policy enforcement, device sightings, blocks and production wiring through the HTTP endpoint:
 * a device without a key is sent to Provision (449 before 14.0, Status 142 from 14.0), a key
 * from before a policy change gets 143, a foreign key 144, and after Provision it syncs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStateStore } from '../../../gateway/adapters/state/open.js';
import type { Device } from '../../../gateway/ports/state-store.js';
import { requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { validateEasResponse } from '../../support/xsd.js';
import { ALICE, FOLDER_SYNC_0, S, at, downloadRequest, eas, operator, provision, start, type Gateway } from './support.js';

async function device(dataDir: string, deviceId: string): Promise<Device | undefined> {
  const store = await openStateStore({ dataDir });
  try {
    return await store.getDevice({ user: ALICE.user, deviceId });
  } finally {
    await store.close();
  }
}

const folderSync = (gw: Gateway, deviceId: string, version: string, policyKey?: string | number) =>
  eas(gw.gw, { cmd: 'FolderSync', deviceId, version, ...(policyKey !== undefined ? { policyKey } : {}), body: FOLDER_SYNC_0 });

describe('policy enforcement (policy.enforce, the default)', () => {
  let data: TestDataDir;
  let gw: Gateway;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await start(data.path, { users: { aliases: { [ALICE.user]: ['a.smith@example.com'] } } });
  });
  after(async () => {
    await gw?.close();
    data?.remove();
  });

  it('12.1: no key is HTTP 449 "Retry after sending a PROVISION command"; after Provision the command runs', async () => {
    for (const key of [undefined, 0]) {
      const res = await folderSync(gw, 'ENF121', '12.1', key);
      assert.equal(res.status, 449);
      assert.equal(res.statusMessage, 'Retry after sending a PROVISION command');
      assert.equal(res.body.length, 0);
    }
    const line = gw.log.accessLines().find((l) => l.status === 449);
    assert.equal(line?.reason, 'policy-key-missing');
    const final = await provision(gw.gw, 'ENF121', '12.1');
    const ok = await folderSync(gw, 'ENF121', '12.1', final);
    assert.equal(ok.status, 200);
    assert.equal(at(ok.wbxml(), 'Status')?.text, '1');
  });

  it('14.1: no key is FolderSync Status 142 (HTTP 200); after Provision the command runs', async () => {
    const res = await folderSync(gw, 'ENF141', '14.1');
    assert.equal(res.status, 200);
    assert.deepEqual(res.wbxml(), { ns: 'FolderHierarchy', tag: 'FolderSync', children: [{ ns: 'FolderHierarchy', tag: 'Status', children: [], text: '142' }] });
    const xsd = validateEasResponse(res.wbxml(), 'FolderSyncResponse');
    assert.ok(xsd.valid, xsd.errors.join('\n'));
    const line = gw.log.accessLines().find((l) => l.deviceId === 'ENF141' && l.easStatus === 142);
    assert.equal(line?.reason, 'policy-key-missing');
    const final = await provision(gw.gw, 'ENF141', '14.1');
    assert.equal(at((await folderSync(gw, 'ENF141', '14.1', final)).wbxml(), 'Status')?.text, '1');
  });

  it('14.1: Settings without a key answers Status 142 in its own response shape', async () => {
    const res = await eas(gw.gw, { cmd: 'Settings', deviceId: 'ENFSET', version: '14.1', body: S('Settings', [S('UserInformation', [S('Get')])]) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.wbxml(), S('Settings', [S('Status', 142)]));
    assert.ok(validateEasResponse(res.wbxml(), 'SettingsResponse').valid);
  });

  it('a key that is not the device\'s: 144 from 14.0, 449 before', async () => {
    const final = await provision(gw.gw, 'ENF144', '16.1');
    const wrong = String((Number(final) ^ 1) >>> 0);
    assert.equal(at((await folderSync(gw, 'ENF144', '16.1', wrong)).wbxml(), 'Status')?.text, '144');
    assert.equal(at((await folderSync(gw, 'ENF144', '16.1', 'not-a-key')).wbxml(), 'Status')?.text, '144');
    assert.equal((await folderSync(gw, 'ENF144', '12.0', wrong)).status, 449);
    assert.equal(at((await folderSync(gw, 'ENF144', '16.1', final)).wbxml(), 'Status')?.text, '1');
  });

  it('UserInformation returns the configured aliases (16.1)', async () => {
    const final = await provision(gw.gw, 'ENFUSER', '16.1');
    const res = await eas(gw.gw, { cmd: 'Settings', deviceId: 'ENFUSER', version: '16.1', policyKey: final, body: S('Settings', [S('UserInformation', [S('Get')])]) });
    const addresses = at(res.wbxml(), 'UserInformation', 'Get', 'Accounts', 'Account', 'EmailAddresses')!;
    assert.deepEqual(addresses.children.map((c) => [c.tag, c.text]), [['SMTPAddress', ALICE.user], ['SMTPAddress', 'a.smith@example.com'], ['PrimarySmtpAddress', ALICE.user]]);
    assert.ok(validateEasResponse(res.wbxml(), 'SettingsResponse').valid);
  });

  it('a blocked device gets 403 on every command, Provision included; OPTIONS is unaffected; unblocking restores it', async () => {
    const final = await provision(gw.gw, 'ENFBLOCK', '14.1');
    assert.equal((await operator(data.path, 'block', ALICE.user, 'ENFBLOCK')).code, 0);
    for (const [cmd, body] of [['FolderSync', FOLDER_SYNC_0], ['Provision', downloadRequest()], ['Search', undefined]] as const) {
      const res = await eas(gw.gw, { cmd, deviceId: 'ENFBLOCK', version: '14.1', policyKey: final, ...(body ? { body } : {}) });
      assert.equal(res.status, 403, cmd);
    }
    assert.equal((await eas(gw.gw, { method: 'OPTIONS', target: '/Microsoft-Server-ActiveSync' })).status, 200);
    const line = gw.log.accessLines().find((l) => l.deviceId === 'ENFBLOCK' && l.status === 403);
    assert.equal(line?.reason, 'device-blocked');
    assert.equal(line?.cmd, 'FolderSync');
    assert.equal((await operator(data.path, 'unblock', ALICE.user, 'ENFBLOCK')).code, 0);
    assert.equal((await folderSync(gw, 'ENFBLOCK', '14.1', final)).status, 200);
  });

  it('every request is a sighting, written at most once a minute when nothing but the time changed', async () => {
    const final = await provision(gw.gw, 'ENFSEEN', '16.1');
    const first = (await device(data.path, 'ENFSEEN'))!;
    assert.deepEqual([first.deviceType, first.protocolVersion], ['TestPhone', '16.1']);
    await new Promise((r) => setTimeout(r, 20));
    await folderSync(gw, 'ENFSEEN', '16.1', final);
    assert.equal((await device(data.path, 'ENFSEEN'))!.lastSeen.getTime(), first.lastSeen.getTime(), 'throttled: no write');
    await eas(gw.gw, { cmd: 'FolderSync', deviceId: 'ENFSEEN', version: '14.1', policyKey: final, userAgent: 'Phone/2.0', body: FOLDER_SYNC_0 });
    const changed = (await device(data.path, 'ENFSEEN'))!;
    assert.deepEqual([changed.userAgent, changed.protocolVersion], ['Phone/2.0', '14.1']);
    assert.ok(changed.lastSeen.getTime() > first.lastSeen.getTime());
  });
});

describe('policy changes and enforce off', () => {
  let data: TestDataDir;

  before(async () => {
    await requireImap();
    data = testDataDir();
  });
  after(() => data?.remove());

  it('a key issued under an earlier policy: 143 PolicyRefresh (449 before 14.0); re-provisioning fixes it', async () => {
    const first = await start(data.path);
    const final = await provision(first.gw, 'REFRESH', '14.1');
    const old121 = await provision(first.gw, 'REFRESH121', '12.1');
    await first.close();

    const second = await start(data.path, { policy: { devicePasswordEnabled: true, minPasswordLength: 6 } });
    try {
      const res = await folderSync(second, 'REFRESH', '14.1', final);
      assert.equal(at(res.wbxml(), 'Status')?.text, '143');
      assert.equal(second.log.accessLines().find((l) => l.easStatus === 143)?.reason, 'policy-changed');
      assert.equal((await folderSync(second, 'REFRESH121', '12.1', old121)).status, 449);
      const again = await provision(second.gw, 'REFRESH', '14.1');
      assert.equal(at((await folderSync(second, 'REFRESH', '14.1', again)).wbxml(), 'Status')?.text, '1');
    } finally {
      await second.close();
    }
  });

  it('with policy.enforce false devices sync without a key, and Provision still hands one out', async () => {
    const gw = await start(data.path, { policy: { enforce: false } });
    try {
      assert.equal(at((await folderSync(gw, 'NOENFORCE', '14.1')).wbxml(), 'Status')?.text, '1');
      assert.equal((await folderSync(gw, 'NOENFORCE', '12.1')).status, 200);
      assert.match(await provision(gw.gw, 'NOENFORCE', '14.1'), /^[1-9]\d*$/);
    } finally {
      await gw.close();
    }
  });

  it('the production registry offers and runs Provision and Settings, and its FolderSync waits for them', async () => {
    const gw = await start(data.path, {}, { production: true });
    try {
      const options = await eas(gw.gw, { method: 'OPTIONS', target: '/Microsoft-Server-ActiveSync' });
      assert.match(String(options.headers['ms-asprotocolcommands']), /\bSettings\b.*\bProvision\b/);
      // The real FolderSync row answers the refusal in its own response shape.
      const refused = await folderSync(gw, 'PRODUCTION', '16.1');
      assert.equal(at(refused.wbxml(), 'Status')?.text, '142');
      assert.ok(validateEasResponse(refused.wbxml(), 'FolderSyncResponse').valid);
      const final = await provision(gw.gw, 'PRODUCTION', '16.1');
      const res = await eas(gw.gw, { cmd: 'Settings', deviceId: 'PRODUCTION', version: '16.1', policyKey: final, body: S('Settings', [S('Oof', [S('Get', [S('BodyType', 'Text')])])]) });
      assert.equal(at(res.wbxml(), 'Oof', 'Status')?.text, '1');
      const synced = await folderSync(gw, 'PRODUCTION', '16.1', final);
      assert.equal(at(synced.wbxml(), 'Status')?.text, '1');
      assert.ok(at(synced.wbxml(), 'Changes', 'Count'), 'the real hierarchy');
    } finally {
      await gw.close();
    }
  });
});
