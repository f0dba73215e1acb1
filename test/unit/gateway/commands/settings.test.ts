/** Settings: a batch of property requests, each answered with its own Status. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { decode, encode } from '../../../../codec/index.js';
import { el, type WbxmlElement } from '../../../../codec/tree.js';
import { settingsCommand, userAddresses } from '../../../../gateway/commands/settings.js';
import { makeAuthenticatedUser } from '../../../../gateway/commands/types.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { ALICE, KEY, harness, parseConfig, textAt } from './provision-support.js';

const S = (tag: string, content?: Parameters<typeof el>[2]) => el('Settings', tag, content);
const settings = (...props: WbxmlElement[]) => S('Settings', props);
const users = parseConfig({ users: { aliases: { [ALICE]: ['a.smith@example.com', 'ALICE@example.com', 'sales@example.com'] } } }).users;

function setup(t: TestContext) {
  return harness(t, settingsCommand({ users }));
}

function valid(root: WbxmlElement): void {
  const r = validateEasResponse(decode(encode(root)), 'SettingsResponse');
  assert.ok(r.valid, `${r.errors.join('\n')}\n${r.xml}`);
}

describe('Settings', () => {
  it('DeviceInformation Set is stored on the device record (eas4tbsync 14.0 request)', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    const r = await h.run(settings(S('DeviceInformation', [S('Set', [S('Model', 'Computer'), S('FriendlyName', 'TbSync on Device 0123'), S('OS', 'Linux'), S('UserAgent', 'Thunderbird ActiveSync')])])), '14.0');
    assert.deepEqual(r, settings(S('Status', 1), S('DeviceInformation', [S('Status', 1)])));
    valid(r);
    const info = (await h.store.getDevice(KEY))!.info;
    assert.deepEqual(info, { model: 'Computer', imei: null, friendlyName: 'TbSync on Device 0123', os: 'Linux', osLanguage: null, phoneNumber: null, mobileOperator: null, userAgent: 'Thunderbird ActiveSync' });
  });

  it('DeviceInformation: every field, an empty element clears, EnableOutboundSMS is checked', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    await h.run(settings(S('DeviceInformation', [S('Set', [S('Model', 'X'), S('IMEI', '356938035643809'), S('OSLanguage', 'de-DE'), S('PhoneNumber', '+4930123'), S('MobileOperator', 'O2'), S('EnableOutboundSMS', '0')])])), '16.1');
    let info = (await h.store.getDevice(KEY))!.info;
    assert.deepEqual([info.imei, info.osLanguage, info.phoneNumber, info.mobileOperator], ['356938035643809', 'de-DE', '+4930123', 'O2']);
    await h.run(settings(S('DeviceInformation', [S('Set', [S('PhoneNumber', '')])])), '16.1');
    info = (await h.store.getDevice(KEY))!.info;
    assert.deepEqual([info.model, info.phoneNumber], ['X', null]);
    const bad = await h.run(settings(S('DeviceInformation', [S('Set', [S('EnableOutboundSMS', '2')])])), '16.1');
    assert.equal(textAt(bad, 'DeviceInformation', 'Status'), '5');
  });

  it('DeviceInformation: malformed is 2, too long is 5, and nothing is stored', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    const cases: [WbxmlElement, string][] = [
      [S('DeviceInformation'), '2'],
      [S('DeviceInformation', [S('Get')]), '2'],
      [S('DeviceInformation', [S('Set', [S('Shoe', 'size')])]), '2'],
      [S('DeviceInformation', [S('Set', [S('Model', 'x'.repeat(1025))])]), '5'],
    ];
    for (const [prop, status] of cases) assert.equal(textAt(await h.run(settings(prop), '14.0'), 'DeviceInformation', 'Status'), status);
    assert.equal((await h.store.getDevice(KEY))!.info.model, null);
  });

  it('UserInformation Get before 14.1: Get/EmailAddresses/SMTPAddress, primary first, aliases without repeats', async (t) => {
    const h = setup(t);
    for (const version of ['12.0', '12.1', '14.0'] as const) {
      const r = await h.run(settings(S('UserInformation', [S('Get')])), version);
      assert.deepEqual(r, settings(S('Status', 1), S('UserInformation', [S('Status', 1), S('Get', [S('EmailAddresses', [
        S('SMTPAddress', ALICE), S('SMTPAddress', 'a.smith@example.com'), S('SMTPAddress', 'sales@example.com'),
      ])])])));
      valid(r);
    }
  });

  it('UserInformation Get from 14.1: Accounts/Account/EmailAddresses with PrimarySmtpAddress', async (t) => {
    const h = setup(t);
    for (const version of ['14.1', '16.0', '16.1'] as const) {
      const r = await h.run(settings(S('UserInformation', [S('Get')])), version);
      assert.deepEqual(r, settings(S('Status', 1), S('UserInformation', [S('Status', 1), S('Get', [S('Accounts', [S('Account', [S('EmailAddresses', [
        S('SMTPAddress', ALICE), S('SMTPAddress', 'a.smith@example.com'), S('SMTPAddress', 'sales@example.com'), S('PrimarySmtpAddress', ALICE),
      ])])])])])));
      valid(r);
    }
  });

  it('aliases are looked up by login, then by address', () => {
    const u = (login: string, email: string) => makeAuthenticatedUser(login, email, new BackendCredentials(login, 'x'));
    const cfg = parseConfig({ users: { aliases: { bob: ['b@example.com'], 'carol@example.com': ['c@example.com'] } } }).users;
    assert.deepEqual(userAddresses(u('bob', 'bob@example.com'), cfg), ['bob@example.com', 'b@example.com']);
    assert.deepEqual(userAddresses(u('carol', 'carol@example.com'), cfg), ['carol@example.com', 'c@example.com']);
    assert.deepEqual(userAddresses(u('dave', 'dave@example.com'), cfg), ['dave@example.com']);
  });

  it('Oof Get (pyactivesync 16.1 request): automatic replies are off', async (t) => {
    const h = setup(t);
    const r = await h.run(settings(S('Oof', [S('Get', [S('BodyType', 'Text')])])), '16.1');
    assert.deepEqual(r, settings(S('Status', 1), S('Oof', [S('Status', 1), S('Get', [S('OofState', 0)])])));
    valid(r);
  });

  it('Oof Set: turning replies off succeeds, turning them on is refused with 5, malformed is 2', async (t) => {
    const h = setup(t);
    const set = (state: string) => settings(S('Oof', [S('Set', [S('OofState', state)])]));
    assert.equal(textAt(await h.run(set('0'), '14.1'), 'Oof', 'Status'), '1');
    assert.equal(textAt(await h.run(set('1'), '14.1'), 'Oof', 'Status'), '5');
    assert.equal(textAt(await h.run(set('2'), '14.1'), 'Oof', 'Status'), '5');
    assert.equal(textAt(await h.run(set('x'), '14.1'), 'Oof', 'Status'), '2');
    assert.equal(textAt(await h.run(settings(S('Oof')), '14.1'), 'Oof', 'Status'), '2');
    assert.match(h.log.text(), /no out-of-office backend/);
  });

  it('DevicePassword Set: denied by policy (7), and the password is neither stored nor logged', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    const r = await h.run(settings(S('DevicePassword', [S('Set', [S('Password', 'hunter2-recovery')])])), '14.1');
    assert.deepEqual(r, settings(S('Status', 1), S('DevicePassword', [S('Status', 7)])));
    valid(r);
    assert.doesNotMatch(h.log.text(), /hunter2/);
    assert.doesNotMatch(JSON.stringify(await h.store.getDevice(KEY)), /hunter2/);
    assert.equal(textAt(await h.run(settings(S('DevicePassword', [S('Set')])), '14.1'), 'DevicePassword', 'Status'), '2');
  });

  it('RightsManagementInformation Get (14.1+): no templates', async (t) => {
    const h = setup(t);
    const r = await h.run(settings(S('RightsManagementInformation', [S('Get')])), '14.1');
    assert.deepEqual(r, settings(S('Status', 1), S('RightsManagementInformation', [S('Status', 1), S('Get', [el('RightsManagement', 'RightsManagementTemplates')])])));
    valid(r);
  });

  it('a batch is answered in request order, each with its own Status', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    const r = await h.run(settings(
      S('UserInformation', [S('Get')]),
      S('Oof', [S('Set', [S('OofState', '1')])]),
      S('DeviceInformation', [S('Set', [S('Model', 'M')])]),
    ), '14.0');
    assert.deepEqual(r.children.map((c) => [c.tag, textAt(c, 'Status') ?? c.text]), [['Status', '1'], ['UserInformation', '1'], ['Oof', '5'], ['DeviceInformation', '1']]);
    valid(r);
  });

  it('an unknown property, one from a later version, a repeat or a wrong root: Status 2 and nothing runs', async (t) => {
    const h = setup(t);
    await h.store.touchDevice(KEY);
    const model = S('DeviceInformation', [S('Set', [S('Model', 'should-not-be-stored')])]);
    const bad: [WbxmlElement | undefined, '12.1' | '14.1'][] = [
      [settings(model, S('Frobnicate')), '14.1'],
      [settings(model, S('RightsManagementInformation', [S('Get')])), '12.1'],
      [settings(model, S('UserInformation', [S('Get')]), S('UserInformation', [S('Get')])), '14.1'],
      [settings(model, el('Provision', 'Status', '1')), '14.1'],
      [el('Provision', 'Provision'), '14.1'],
      [undefined, '14.1'],
    ];
    for (const [root, version] of bad) assert.deepEqual(await h.run(root, version), settings(S('Status', 2)));
    assert.equal((await h.store.getDevice(KEY))!.info.model, null);
  });

  it('its statusResponse carries a common status code at the top level', () => {
    const row = settingsCommand({ users });
    const r = row.statusResponse!(142, '14.1');
    assert.deepEqual(r, settings(S('Status', 142)));
    valid(r);
  });
});
