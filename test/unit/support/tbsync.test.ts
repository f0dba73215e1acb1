/**
 * The EAS-4-TbSync harness (test/support/tbsync) against a scripted EAS server that answers with
 * real Exchange responses (frankobe fixtures): the add-on's unmodified code sends byte for byte
 * what the captured TbSync clients sent, provisions in two phases, and ends up with the folder
 * database TbSync builds from a FolderSync response.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';
import { loadTbSync, type TbSync } from '../../support/tbsync/index.js';
import { commandOf, formatFailure } from '../../support/tbsync/report.js';

const fixture = (path: string): Buffer => readFileSync(join(FIXTURES_DIR, path));
const PROVISION_PHASE1 = fixture('frankobe_ActiveSyncWBXMLParser/response-9542.wbxml'); // PolicyKey 1391954320 with the policy document
const PROVISION_PHASE2 = fixture('frankobe_ActiveSyncWBXMLParser/response-4148.wbxml'); // PolicyKey 787138854
const FOLDER_SYNC = fixture('frankobe_ActiveSyncWBXMLParser/response-1858.wbxml'); // 32 folders
const TEMP_KEY = '1391954320';
const FINAL_KEY = '787138854';
const USER = 'user@example.com';
const PASSWORD = 'secret';
// The device id of the captured TbSync requests, so that Settings (FriendlyName) compares byte for byte.
const DEVICE_ID = 'MZTB0123456789abcdef01234567';
const SETTINGS_OK = Buffer.from(encode(el('Settings', 'Settings', [el('Settings', 'Status', '1'), el('Settings', 'DeviceInformation', [el('Settings', 'Status', '1')])])));

interface FakeServer {
  url: string;
  host: string;
  /** When true, every command but Provision needs X-MS-PolicyKey FINAL_KEY, else HTTP 449. */
  requirePolicy: boolean;
  close(): Promise<void>;
}

const child = (e: WbxmlElement, ...path: string[]): WbxmlElement | undefined =>
  path.reduce<WbxmlElement | undefined>((cur, tag) => cur?.children.find((c) => c.tag === tag), e);

async function fakeEasServer(): Promise<FakeServer> {
  const state = { requirePolicy: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wbxml = (body: Uint8Array): void => {
        res.writeHead(200, { 'Content-Type': 'application/vnd.ms-sync.wbxml', 'Content-Length': body.length });
        res.end(body);
      };
      if (req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake"' });
        return res.end();
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(200, { 'MS-ASProtocolVersions': '2.5,12.0,12.1,14.0', 'MS-ASProtocolCommands': 'Sync,FolderSync,FolderCreate,FolderDelete,FolderUpdate,GetItemEstimate,Ping,Provision,Settings' });
        return res.end();
      }
      const cmd = new URL(req.url ?? '/', 'http://x').searchParams.get('Cmd');
      if (cmd === 'Provision') {
        const key = child(decode(Buffer.concat(chunks)), 'Policies', 'Policy', 'PolicyKey')?.text;
        return wbxml(key === undefined ? PROVISION_PHASE1 : key === TEMP_KEY && req.headers['x-ms-policykey'] === TEMP_KEY ? PROVISION_PHASE2 : Buffer.alloc(0));
      }
      if (state.requirePolicy && req.headers['x-ms-policykey'] !== FINAL_KEY) {
        res.writeHead(449);
        return res.end();
      }
      if (cmd === 'Settings') return wbxml(SETTINGS_OK);
      if (cmd === 'FolderSync') return wbxml(FOLDER_SYNC);
      res.writeHead(501);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get requirePolicy() {
      return state.requirePolicy;
    },
    set requirePolicy(v: boolean) {
      state.requirePolicy = v;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The FolderSync Adds TbSync keeps in its database: contacts, calendars, tasks and the trash. */
function expectedDbFolders(): { serverID: string; parentID: string; foldername: string; type: string }[] {
  const changes = child(decode(FOLDER_SYNC), 'Changes')!;
  return changes.children
    .filter((c) => c.tag === 'Add' && ['9', '14', '8', '13', '7', '15', '4'].includes(child(c, 'Type')!.text!))
    .map((c) => ({ serverID: child(c, 'ServerId')!.text!, parentID: child(c, 'ParentId')!.text!, foldername: child(c, 'DisplayName')!.text!, type: child(c, 'Type')!.text! }));
}

describe('EAS-4-TbSync harness against a scripted server with real Exchange responses', () => {
  let tb: TbSync;
  let server: FakeServer;

  before(async () => {
    tb = loadTbSync();
    server = await fakeEasServer();
  });
  after(async () => {
    tb?.close();
    await server?.close();
  });

  for (const version of ['14.0', '2.5'] as const) {
    it(`EAS ${version}: OPTIONS, Provision x2${version === '14.0' ? ', Settings' : ''}, FolderSync, as captured from TbSync; folder DB from the response`, async () => {
      server.requirePolicy = false;
      const from = tb.exchanges.length;
      const account = tb.createAccount({ host: server.host, user: USER, password: PASSWORD, asversion: version, provision: true, deviceId: DEVICE_ID });
      const { status } = await tb.syncFolderList(account);
      const ex = tb.exchanges.slice(from);
      assert.equal(status.type, 'success', formatFailure(`EAS ${version}`, status, ex, tb.states, tb.log));

      const captured = join('captured_clients', `eas4tbsync_eas${version}`);
      const expected = version === '14.0' ? ['OPTIONS', 'Provision', 'Provision', 'Settings', 'FolderSync'] : ['OPTIONS', 'Provision', 'Provision', 'FolderSync'];
      assert.deepEqual(ex.map(commandOf), expected);
      assert.deepEqual(ex[1]!.requestBody, fixture(join(captured, '002-Provision.req.wbxml')));
      assert.equal(ex[1]!.requestHeaders['X-MS-PolicyKey'], '0');
      assert.equal(ex[2]!.requestHeaders['X-MS-PolicyKey'], TEMP_KEY);
      const ack = decode(ex[2]!.requestBody);
      assert.equal(child(ack, 'Policies', 'Policy', 'PolicyKey')?.text, TEMP_KEY);
      assert.equal(child(ack, 'Policies', 'Policy', 'Status')?.text, '1');
      const rest = ex.slice(3);
      if (version === '14.0') assert.deepEqual(rest[0]!.requestBody, fixture(join(captured, '004-Settings.req.wbxml')));
      assert.deepEqual(rest.at(-1)!.requestBody, fixture(join(captured, version === '14.0' ? '005-FolderSync.req.wbxml' : '004-FolderSync.req.wbxml')));
      for (const e of ex.slice(1)) {
        assert.equal(e.requestHeaders['MS-ASProtocolVersion'], version);
        assert.equal(e.requestHeaders['User-Agent'], 'Thunderbird ActiveSync');
        assert.equal(e.requestHeaders['Content-Type'], 'application/vnd.ms-sync.wbxml');
      }
      for (const e of rest) assert.equal(e.requestHeaders['X-MS-PolicyKey'], FINAL_KEY);
      assert.equal(account.property('policykey'), FINAL_KEY);
      assert.equal(account.property('foldersynckey'), '1');
      assert.equal(account.property('asversion'), version);

      const folders = account.folders();
      assert.deepEqual(
        folders.map(({ serverID, parentID, foldername, type }) => ({ serverID, parentID, foldername, type })),
        expectedDbFolders(),
      );
      assert.ok(folders.some((f) => f.type === '4'), 'the trash is in the DB');
      assert.deepEqual(new Set(folders.map((f) => f.targetType)), new Set(['calendar', 'addressbook', 'unknown type (4)']));
    });
  }

  it("TbSync's defaults (provisioning off): HTTP 449 turns provisioning on and the account is rerun", async () => {
    server.requirePolicy = true;
    const from = tb.exchanges.length;
    const account = tb.createAccount({ host: server.host, user: USER, password: PASSWORD, asversion: '14.0' });
    const { status, runs } = await tb.syncFolderList(account);
    const ex = tb.exchanges.slice(from);
    assert.equal(status.type, 'success', formatFailure('provisioning off', status, ex, tb.states, tb.log));
    assert.deepEqual(runs.map((r) => r.type), ['account_rerun', 'success']);
    assert.deepEqual(ex.map((e) => `${commandOf(e)} ${e.status}`), ['OPTIONS 200', 'Settings 449', 'Provision 200', 'Provision 200', 'Settings 200', 'FolderSync 200']);
    assert.equal(ex[1]!.requestHeaders['X-MS-PolicyKey'], undefined, 'no policy key header while provisioning is off');
    assert.equal(account.property('provision'), true);
  });

  it('a wrong password: 401, the password prompt is cancelled, TbSync stops with error 401', async () => {
    const from = tb.exchanges.length;
    const account = tb.createAccount({ host: server.host, user: USER, password: 'wrong', asversion: '14.0', provision: true });
    const { status } = await tb.syncFolderList(account);
    assert.deepEqual({ type: status.type, message: status.message }, { type: 'error', message: '401' });
    assert.deepEqual(tb.exchanges.slice(from).map((e) => `${commandOf(e)} ${e.status}`), ['OPTIONS 401']);
  });

  it("parseWbxml is TbSync's own reading of a response", () => {
    const data = tb.parseWbxml(FOLDER_SYNC) as { FolderSync: { Status: string; SyncKey: string; Changes: { Count: string; Add: { DisplayName: string }[] } } };
    assert.equal(data.FolderSync.Status, '1');
    assert.equal(data.FolderSync.Changes.Count, '32');
    assert.equal(data.FolderSync.Changes.Add.length, 32);
    assert.equal(data.FolderSync.Changes.Add[0]!.DisplayName, 'Calendar');
  });
});
