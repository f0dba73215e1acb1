import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceNotFoundError, StateStoreError } from '../../../../gateway/ports/state-store.js';
import { alice, bob, tempStore } from './helpers.js';

const t0 = new Date('2026-11-25T10:00:00.000Z');
const t1 = new Date('2026-11-25T11:00:00.000Z');

test('touchDevice creates a device with defaults on first sight', async (t) => {
  const { store } = tempStore(t);
  const d = await store.touchDevice({ ...alice, deviceType: 'Android', userAgent: 'Android-EAS/1.0', protocolVersion: '16.1', at: t0 });
  assert.deepEqual(d, {
    ...alice,
    deviceType: 'Android',
    userAgent: 'Android-EAS/1.0',
    protocolVersion: '16.1',
    firstSeen: t0,
    lastSeen: t0,
    policyKey: null,
    pendingPolicyKey: null,
    provisioning: 'none',
    wipe: { state: 'none', kind: null, requestedAt: null, acknowledgedAt: null },
    blocked: false,
    info: { model: null, imei: null, friendlyName: null, os: null, osLanguage: null, phoneNumber: null, mobileOperator: null, userAgent: null },
  });
});

test('touchDevice refreshes lastSeen and given fields, keeps the rest, never moves lastSeen back', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice({ ...alice, deviceType: 'Android', protocolVersion: '14.1', at: t0 });
  const d = await store.touchDevice({ ...alice, protocolVersion: '16.1', at: t1 });
  assert.equal(d.firstSeen.getTime(), t0.getTime());
  assert.equal(d.lastSeen.getTime(), t1.getTime());
  assert.equal(d.deviceType, 'Android');
  assert.equal(d.protocolVersion, '16.1');
  const late = await store.touchDevice({ ...alice, at: t0 });
  assert.equal(late.lastSeen.getTime(), t1.getTime());
});

test('getDevice returns undefined for an unknown device; the same DeviceId under two users is two devices', async (t) => {
  const { store } = tempStore(t);
  assert.equal(await store.getDevice(alice), undefined);
  await store.touchDevice({ ...alice, deviceType: 'Android' });
  await store.touchDevice({ user: bob.user, deviceId: alice.deviceId, deviceType: 'iPhone' });
  assert.equal((await store.getDevice(alice))?.deviceType, 'Android');
  assert.equal((await store.getDevice({ user: bob.user, deviceId: alice.deviceId }))?.deviceType, 'iPhone');
});

test('listDevices sorts by user and device, and filters by user', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(bob);
  await store.touchDevice({ ...alice, deviceId: 'ZZZ' });
  await store.touchDevice(alice);
  const all = await store.listDevices();
  assert.deepEqual(all.map((d) => `${d.user}/${d.deviceId}`), [
    `${alice.user}/${alice.deviceId}`, `${alice.user}/ZZZ`, `${bob.user}/${bob.deviceId}`,
  ]);
  assert.deepEqual((await store.listDevices(bob.user)).map((d) => d.deviceId), [bob.deviceId]);
  assert.deepEqual(await store.listDevices('nobody'), []);
});

test('updateDevice sets policy keys, provisioning and merges DeviceInformation field by field', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await store.updateDevice(alice, { pendingPolicyKey: 1234567890, provisioning: 'pending', info: { model: 'Pixel 9', imei: '350000000000001' } });
  const d = await store.updateDevice(alice, {
    policyKey: 1234567890, pendingPolicyKey: null, provisioning: 'provisioned',
    info: { friendlyName: "Alice's phone", os: 'Android 15', osLanguage: 'en-GB', phoneNumber: '+441234', mobileOperator: 'Op', userAgent: 'Agent/1', imei: null },
  });
  assert.equal(d.policyKey, 1234567890);
  assert.equal(d.pendingPolicyKey, null);
  assert.equal(d.provisioning, 'provisioned');
  assert.deepEqual(d.info, {
    model: 'Pixel 9', imei: null, friendlyName: "Alice's phone", os: 'Android 15', osLanguage: 'en-GB',
    phoneNumber: '+441234', mobileOperator: 'Op', userAgent: 'Agent/1',
  });
  assert.deepEqual(await store.updateDevice(alice, {}), d);
  const relabelled = await store.updateDevice(alice, { deviceType: 'SmartPhone', userAgent: 'UA/2', protocolVersion: '14.0' });
  assert.deepEqual([relabelled.deviceType, relabelled.userAgent, relabelled.protocolVersion], ['SmartPhone', 'UA/2', '14.0']);
});

test('updateDevice, setBlocked, requestWipe, cancelWipe and recordWipeAck refuse an unknown device', async (t) => {
  const { store } = tempStore(t);
  await assert.rejects(store.updateDevice(alice, { policyKey: 1 }), DeviceNotFoundError);
  await assert.rejects(store.updateDevice(alice, {}), DeviceNotFoundError);
  await assert.rejects(store.setBlocked(alice, true), DeviceNotFoundError);
  await assert.rejects(store.requestWipe(alice, 'full'), (err: unknown) => err instanceof DeviceNotFoundError && /ANDROIDC123.*alice@example.org/.test(err.message));
  await assert.rejects(store.cancelWipe(alice), DeviceNotFoundError);
  await assert.rejects(store.recordWipeAck(alice), DeviceNotFoundError);
});

test('setBlocked blocks and unblocks', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  assert.equal((await store.setBlocked(alice, true)).blocked, true);
  assert.equal((await store.getDevice(alice))?.blocked, true);
  assert.equal((await store.setBlocked(alice, false)).blocked, false);
});

test('a full wipe goes requested -> acknowledged, keeping its kind and the first ack time', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  const requested = await store.requestWipe(alice, 'full', t0);
  assert.deepEqual(requested.wipe, { state: 'requested', kind: 'full', requestedAt: t0, acknowledgedAt: null });
  const acked = await store.recordWipeAck(alice, t1);
  assert.deepEqual(acked.wipe, { state: 'acknowledged', kind: 'full', requestedAt: t0, acknowledgedAt: t1 });
  const again = await store.recordWipeAck(alice, new Date(t1.getTime() + 5000));
  assert.deepEqual(again.wipe.acknowledgedAt, t1);
  await assert.rejects(store.cancelWipe(alice), /already acknowledged/);
});

test('an account-only wipe has its own state; a new request after an ack starts over', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  assert.equal((await store.requestWipe(alice, 'account-only', t0)).wipe.state, 'account-only-requested');
  await store.recordWipeAck(alice, t1);
  const again = await store.requestWipe(alice, 'full', t1);
  assert.deepEqual(again.wipe, { state: 'requested', kind: 'full', requestedAt: t1, acknowledgedAt: null });
});

test('cancelWipe withdraws a pending request; an ack without a request is refused', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await assert.rejects(store.recordWipeAck(alice), (err: unknown) => err instanceof StateStoreError && /not requested/.test(err.message));
  await store.requestWipe(alice, 'full');
  const cancelled = await store.cancelWipe(alice);
  assert.deepEqual(cancelled.wipe, { state: 'none', kind: null, requestedAt: null, acknowledgedAt: null });
});

test('deleteDevice forgets the device and everything hanging off it', async (t) => {
  const { store } = tempStore(t);
  await store.touchDevice(alice);
  await store.touchDevice(bob);
  await store.putFolderState(alice, { syncKey: '1', folders: [] });
  await store.putSyncState(alice, { collectionId: '5', syncKey: '1', snapshot: new Uint8Array([1]) });
  await store.recordSentMessage(alice, 'c1', new Date(Date.now() + 60_000));
  assert.equal(await store.deleteDevice(alice), true);
  assert.equal(await store.deleteDevice(alice), false);
  assert.equal(await store.getDevice(alice), undefined);
  assert.ok(await store.getDevice(bob));
  // A device that comes back starts from nothing.
  await store.touchDevice(alice);
  assert.equal(await store.getLatestFolderState(alice), undefined);
  assert.equal(await store.getLatestSyncState(alice, '5'), undefined);
  assert.equal(await store.wasMessageSent(alice, 'c1'), false);
});
