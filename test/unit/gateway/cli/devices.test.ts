import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openSqliteStateStore } from '../../../../gateway/adapters/state/sqlite/index.js';
import type { Device } from '../../../../gateway/ports/state-store.js';
import { easgate } from './helpers.js';

const alice = { user: 'alice@example.org', deviceId: 'ANDROIDC123' };
const bob = { user: 'bob@example.org', deviceId: 'ApplF17XYZ' };

/** A state directory holding two devices, as the server would have left it. */
async function seeded(t: TestContext): Promise<{ dataDir: string; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const store = openSqliteStateStore({ dataDir });
  await store.touchDevice({ ...alice, deviceType: 'Android', protocolVersion: '16.1', at: new Date('2026-11-25T10:00:00Z') });
  await store.updateDevice(alice, { provisioning: 'provisioned', policyKey: 7, info: { model: 'Pixel 9' } });
  await store.touchDevice({ ...bob, deviceType: 'iPhone', protocolVersion: '14.1', at: new Date('2026-11-24T09:30:00Z') });
  await store.close();
  return { dataDir, env: { EASGATE_STATE_DATA_DIR: dataDir } };
}

async function device(dataDir: string, key: { user: string; deviceId: string }): Promise<Device | undefined> {
  const store = openSqliteStateStore({ dataDir });
  try {
    return await store.getDevice(key);
  } finally {
    await store.close();
  }
}

test('devices list prints a table of every device, or one user\'s', async (t) => {
  const { env } = await seeded(t);
  const all = await easgate(['devices', 'list'], env);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^USER +DEVICEID +TYPE +PROTOCOL +LAST SEEN \(UTC\) +PROVISIONED +BLOCKED +WIPE +MODEL$/);
  assert.match(lines[1]!, /^alice@example\.org +ANDROIDC123 +Android +16\.1 +2026-11-25 10:00:00 +provisioned +no +none +Pixel 9$/);
  assert.match(lines[2]!, /^bob@example\.org +ApplF17XYZ +iPhone +14\.1 +2026-11-24 09:30:00 +none +no +none +-$/);

  const one = await easgate(['devices', 'list', '--user', bob.user], env);
  assert.equal(one.stdout.trimEnd().split('\n').length, 2);
  assert.ok(one.stdout.includes('ApplF17XYZ'));
  const none = await easgate(['devices', 'list', '-u', 'carol@example.org'], env);
  assert.deepEqual(none, { code: 0, stdout: 'no devices\n', stderr: '' });
});

test('devices list --json prints the port\'s Device objects', async (t) => {
  const { env } = await seeded(t);
  const r = await easgate(['devices', 'list', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(list.map((d) => d.deviceId), [alice.deviceId, bob.deviceId]);
  assert.equal(list[0]!.policyKey, 7);
  assert.deepEqual(list[0]!.wipe, { state: 'none', kind: null, requestedAt: null, acknowledgedAt: null });
});

test('devices block and unblock change the stored flag', async (t) => {
  const { dataDir, env } = await seeded(t);
  const r = await easgate(['devices', 'block', alice.user, alice.deviceId], env);
  assert.deepEqual(r, { code: 0, stdout: `blocked device ${alice.deviceId} of ${alice.user}\n`, stderr: '' });
  assert.equal((await device(dataDir, alice))?.blocked, true);
  assert.equal((await device(dataDir, bob))?.blocked, false);
  const list = await easgate(['devices', 'list', '-u', alice.user], env);
  assert.match(list.stdout, /provisioned +yes +none/);
  const u = await easgate(['devices', 'unblock', alice.user, alice.deviceId], env);
  assert.equal(u.code, 0);
  assert.equal((await device(dataDir, alice))?.blocked, false);
});

test('devices wipe needs --yes; with it the wipe is requested, and can be withdrawn', async (t) => {
  const { dataDir, env } = await seeded(t);
  const refused = await easgate(['devices', 'wipe', bob.user, bob.deviceId], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /add --yes to confirm/);
  assert.equal((await device(dataDir, bob))?.wipe.state, 'none');

  const r = await easgate(['devices', 'wipe', bob.user, bob.deviceId, '--yes'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^full wipe requested for device ApplF17XYZ of bob@example\.org/);
  const wiped = await device(dataDir, bob);
  assert.equal(wiped?.wipe.state, 'requested');
  assert.ok(wiped?.wipe.requestedAt);

  const c = await easgate(['devices', 'cancel-wipe', bob.user, bob.deviceId], env);
  assert.equal(c.code, 0, c.stderr);
  assert.equal((await device(dataDir, bob))?.wipe.state, 'none');
});

test('devices wipe-account -y requests an account-only wipe', async (t) => {
  const { dataDir, env } = await seeded(t);
  const r = await easgate(['devices', 'wipe-account', '-y', alice.user, alice.deviceId], env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await device(dataDir, alice))?.wipe.kind, 'account-only');
  assert.equal((await device(dataDir, alice))?.wipe.state, 'account-only-requested');
});

test('devices forget --yes deletes the record, so the device starts over; an unknown one is an error', async (t) => {
  const { dataDir, env } = await seeded(t);
  const refused = await easgate(['devices', 'forget', bob.user, bob.deviceId], env);
  assert.equal(refused.code, 2);
  assert.ok(await device(dataDir, bob));
  const r = await easgate(['devices', 'forget', bob.user, bob.deviceId, '--yes'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^forgot device ApplF17XYZ of bob@example\.org/);
  assert.equal(await device(dataDir, bob), undefined);
  assert.ok(await device(dataDir, alice));
  const again = await easgate(['devices', 'forget', bob.user, bob.deviceId, '--yes'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no device ApplF17XYZ/);
});

test('an unknown device is an error naming it, exit 1', async (t) => {
  const { env } = await seeded(t);
  const r = await easgate(['devices', 'block', alice.user, 'NOSUCHDEVICE'], env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no device NOSUCHDEVICE for user alice@example\.org \(see: easgate devices list --user alice@example\.org\)/);
});

test('a dataDir without a database is an error, and no empty store is created', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await easgate(['devices', 'list'], { EASGATE_STATE_DATA_DIR: join(dir, 'typo') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no state database at .*typo.*easgate\.sqlite/);
  const again = await easgate(['devices', 'list'], { EASGATE_STATE_DATA_DIR: join(dir, 'typo') });
  assert.equal(again.code, 1);
});

test('--config FILE supplies state.dataDir', async (t) => {
  const { dataDir } = await seeded(t);
  const file = join(dataDir, '..', 'easgate.json');
  writeFileSync(file, JSON.stringify({ state: { dataDir } }));
  const r = await easgate(['devices', 'list', '--json', '--config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
});

test('bad command lines are usage errors, exit 2', async (t) => {
  const { env } = await seeded(t);
  for (const args of [
    ['devices'],
    ['devices', 'frob', 'a', 'b'],
    ['devices', 'block', alice.user],
    ['devices', 'block', alice.user, alice.deviceId, 'extra'],
    ['devices', 'list', 'extra'],
    ['devices', 'block', alice.user, alice.deviceId, '--json'],
    ['devices', 'list', '--bogus'],
  ]) {
    const r = await easgate(args, env);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^easgate devices: .*\n\nUsage: easgate devices/, args.join(' '));
  }
});
