import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DevicePatch, DeviceSighting, FolderEntry } from '../../../../gateway/ports/state-store.js';
import { alice, bob, tempStore } from './helpers.js';

const SECRET = 'S3cr3t-Pa55w0rd-7f9c2e';

/**
 * The port has no field for a password, but an adapter that serialised whole objects
 * would still store one that a caller carelessly left on a request-shaped object.
 * Feed it everywhere, then grep every file SQLite wrote (main file, WAL, SHM).
 */
test('the database files never contain a password passed alongside device data', async (t) => {
  const { store, dataDir } = tempStore(t);
  const smuggle = <T>(o: T): T => ({ ...o, password: SECRET, auth: { password: SECRET } }) as T;
  for (const key of [alice, bob]) {
    await store.touchDevice(smuggle<DeviceSighting>({ ...key, deviceType: 'Android', userAgent: 'Agent/1', protocolVersion: '16.1' }));
    await store.updateDevice(key, smuggle<DevicePatch>({
      provisioning: 'pending', pendingPolicyKey: 42,
      info: smuggle({ model: 'Pixel', imei: '350000000000001', friendlyName: 'phone', os: 'Android', osLanguage: 'en', phoneNumber: '+1', mobileOperator: 'op', userAgent: 'ua' }),
    }));
    await store.setBlocked(key, true);
    await store.requestWipe(key, 'account-only');
    await store.putFolderState(key, { syncKey: '1', folders: [smuggle<FolderEntry>({ serverId: '1', parentId: '0', displayName: 'Inbox', type: 2, backendId: 'imap:inbox' })] });
    await store.putSyncState(key, smuggle({ collectionId: '1', syncKey: '1', snapshot: new Uint8Array([1, 2, 3]), clientIds: new Map([['c1', '1:1']]) }));
    await store.recordSentMessage(key, 'm1', new Date(Date.now() + 60_000));
    await store.folderServerId(key.user, 'imap:inbox');
  }
  const files = readdirSync(dataDir);
  assert.ok(files.some((f) => f.endsWith('-wal')), 'the WAL is checked too');
  const needle = Buffer.from(SECRET);
  for (const f of files) {
    assert.equal(readFileSync(join(dataDir, f)).includes(needle), false, `${f} contains the secret`);
  }
  // And the device data did land, so the grep looked at real content.
  assert.ok(readFileSync(join(dataDir, files.find((f) => f.endsWith('-wal'))!)).includes(Buffer.from('350000000000001')));
});
