/**
 * The gateway as `easgate serve` runs it (startGateway, real codec, real IMAP
 * verification against the loopback Dovecot, real state store), driven over HTTP.
 * Commands come from a test registry that echoes what the handler was given.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decode } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { PARAMETER_TAGS } from '../../../gateway/http/base64-query.js';
import { encodeBase64Query } from '../../support/base64-query.js';
import { integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { capturedRequests } from '../../support/fixtures.js';
import { send, type TestResponse } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import { echoRegistry, patternBytes, STREAMED_LENGTH, testRegistry, waits, type EchoBody } from '../../support/test-commands.js';

const EAS = '/Microsoft-Server-ActiveSync';
const ALICE = USERS.alice;
// FolderSync SyncKey=0, as every client sends it first (fixtures: horde FolderSyncRequest.txt).
const FOLDER_SYNC_0 = Buffer.from('03016a000007565203300001 01'.replace(/ /g, ''), 'hex');
const echoed = (res: TestResponse): EchoBody => JSON.parse(res.body.toString()) as EchoBody;
const query = (cmd: string, extra: Record<string, string> = {}): string =>
  `${EAS}?${new URLSearchParams({ Cmd: cmd, User: ALICE.user, DeviceId: 'ITDEVICE01', DeviceType: 'TestPhone', ...extra }).toString()}`;

const log = memoryLog('debug');
// These tests are about the edge with echo commands; provisioning has its own tests (test/integration/provision).
const EDGE_ONLY = { enforce: false } as const;

describe('gateway against the loopback Dovecot', () => {
  let gw: RunningGateway;
  let data: TestDataDir;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(
      integrationConfig(data.path, { server: { maxBodyBytes: 64 * 1024 }, auth: { defaultDomain: 'example.com' }, retryAfterSeconds: 11, policy: EDGE_ONLY }),
      { logger: log.logger, registry: testRegistry() },
    );
  });
  after(async () => {
    await gw?.close();
    data?.remove();
  });

  it('OPTIONS with the right password: 200 with versions and commands', async () => {
    const res = await send(gw.url, { method: 'OPTIONS', path: EAS, auth: ALICE });
    assert.equal(res.status, 200);
    assert.equal(res.headers['ms-asprotocolversions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
    assert.match(String(res.headers['ms-asprotocolcommands']), /^Sync,SendMail,.*FolderSync/);
    assert.equal(res.headers.allow, 'OPTIONS,POST');
  });

  it('OPTIONS with a wrong password: 401 with WWW-Authenticate', async () => {
    const res = await send(gw.url, { method: 'OPTIONS', path: EAS, auth: { user: ALICE.user, password: 'wrong-password' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Basic realm="easgate"');
  });

  it('logs in with DOMAIN\\user and a bare user through auth.defaultDomain', async () => {
    for (const user of ['EXAMPLE\\bob', 'bob']) {
      const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: { user, password: USERS.bob.password }, body: FOLDER_SYNC_0 });
      assert.equal(res.status, 200, user);
      assert.equal(echoed(res).user.login, 'bob@example.com');
    }
  });

  it('decodes a real FolderSync body with the codec and hands it to the command', async () => {
    const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '14.1', 'X-MS-PolicyKey': '2222222222' }, auth: ALICE, body: FOLDER_SYNC_0 });
    assert.equal(res.status, 200);
    const e = echoed(res);
    assert.equal(e.command, 'FolderSync');
    assert.equal(e.user.login, 'alice@example.com');
    assert.equal(e.policyKey, '2222222222');
    assert.deepEqual(e.request, { kind: 'wbxml', root: { ns: 'FolderHierarchy', tag: 'FolderSync', children: [{ ns: 'FolderHierarchy', tag: 'SyncKey', children: [], text: '0' }] } });
  });

  it('routes a base64-encoded query exactly like its plain twin', async () => {
    const plain = await send(gw.url, {
      path: query('FolderSync', { CollectionId: '5', ItemId: '5:9', SaveInSent: 'T' }),
      headers: { 'MS-ASProtocolVersion': '16.1', 'X-MS-PolicyKey': '1234' },
      auth: ALICE,
      body: FOLDER_SYNC_0,
    });
    const q = encodeBase64Query({
      version: 161,
      commandCode: 9,
      deviceId: 'ITDEVICE01',
      deviceType: 'TestPhone',
      policyKey: 1234,
      params: [[PARAMETER_TAGS.User, ALICE.user], [PARAMETER_TAGS.CollectionId, '5'], [PARAMETER_TAGS.ItemId, '5:9'], [PARAMETER_TAGS.Options, 0x01]],
    });
    const b64 = await send(gw.url, { path: `${EAS}?${q}`, auth: ALICE, body: FOLDER_SYNC_0 });
    assert.equal(plain.status, 200);
    assert.equal(b64.status, 200);
    const { locale, ...rest } = echoed(b64);
    assert.equal(locale, 0x0409);
    assert.deepEqual(rest, echoed(plain));
  });

  it('unknown command: 501; known but not implemented: 501', async () => {
    const unknown = await send(gw.url, { path: query('Frobnicate'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, body: '' });
    assert.equal(unknown.status, 501);
    const notYet = await send(gw.url, { path: query('Search'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, body: '' });
    assert.equal(notYet.status, 501);
  });

  it('unsupported protocol version: 400 with MS-ASProtocolVersions', async () => {
    const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '17.0' }, auth: ALICE, body: FOLDER_SYNC_0 });
    assert.equal(res.status, 400);
    assert.equal(res.headers['ms-asprotocolversions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
  });

  it('413 for an oversized body announced by Content-Length', async () => {
    const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, declaredLength: 50 * 1024 * 1024 });
    assert.equal(res.status, 413);
  });

  it('413 for an oversized chunked body, stopping the upload early', async () => {
    let sent = 0;
    const chunks = (function* () {
      for (let i = 0; i < 4096; i++) {
        sent += 4096;
        yield Buffer.alloc(4096, 0x20);
      }
    })();
    const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, chunks });
    assert.equal(res.status, 413);
    assert.ok(sent < 4096 * 4096, `upload stopped after ${sent} bytes`);
  });

  it('400 for a malformed WBXML body', async () => {
    for (const body of [Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x56]), Buffer.from('<FolderSync/>'), Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0xff, 0x45, 0x01])]) {
      const res = await send(gw.url, { path: query('FolderSync'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, body });
      assert.equal(res.status, 400, body.toString('hex'));
    }
  });

  it('streams a WBXML response with a large lazily produced opaque element, with its exact length', async () => {
    const res = await send(gw.url, { path: query('ItemOperations'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, body: '' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
    assert.equal(Number(res.headers['content-length']), res.body.length);
    const root = decode(res.body);
    const data = root.children[1]!.children[0]!.children[1]!.children[0]!;
    assert.equal(data.tag, 'Data');
    assert.deepEqual(Buffer.from(data.opaque!), Buffer.from(patternBytes(STREAMED_LENGTH)));
  });

  it('GET /healthz: 200 while Dovecot answers', async () => {
    const res = await send(gw.url, { method: 'GET', path: '/healthz' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body.toString()), { status: 'ok', imap: 'ok' });
  });

  it('wrote one access-log line per request, with no password in any line or state file', () => {
    const access = log.accessLines();
    assert.ok(access.length >= 14, `access lines: ${access.length}`);
    assert.ok(access.every((l) => typeof l.status === 'number' && typeof l.durationMs === 'number'));
    const text = log.text();
    for (const secret of ['alice-secret', 'bob-secret', 'wrong-password']) {
      assert.ok(!text.includes(secret), `${secret} in the log`);
      assert.ok(!data.contents().includes(secret), `${secret} in ${data.path}`);
    }
  });
});

describe('stopping the gateway', () => {
  it('close() aborts a long-running request and resolves promptly', async () => {
    await requireImap();
    const data = testDataDir();
    const gw = await startGateway(integrationConfig(data.path, { policy: EDGE_ONLY }), { logger: log.logger, registry: testRegistry() });
    try {
      const before = waits.started;
      const seen = waits.aborted.length;
      const pending = send(gw.url, { path: query('GetItemEstimate'), headers: { 'MS-ASProtocolVersion': '14.1' }, auth: ALICE, body: '' }).catch((err: Error) => err);
      for (let i = 0; i < 300 && waits.started === before; i++) await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      await gw.close();
      assert.ok(Date.now() - started < 1500, `close took ${Date.now() - started} ms`);
      assert.deepEqual(waits.aborted.slice(seen), ['gateway shutting down']);
      const res = await pending;
      assert.ok(res instanceof Error || res.status === 200);
    } finally {
      await gw.close();
      data.remove();
    }
  });
});

describe('replaying captured device requests', () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  const replayLog = memoryLog('info');

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: EDGE_ONLY }), { logger: replayLog.logger, registry: echoRegistry() });
  });
  after(async () => {
    await gw?.close();
    data?.remove();
  });

  for (const r of capturedRequests()) {
    it(`${r.client} #${r.seq} ${r.method} ${/Cmd=(\w+)/.exec(r.target)?.[1] ?? ''}`, async () => {
      // The captures used user@example.com/secret against a fake server; replay as alice.
      const { authorization: _a, host: _h, connection: _c, 'content-length': _l, ...headers } = r.headers;
      const res = await send(gw.url, { method: r.method, path: r.target, headers, auth: ALICE, ...(r.method === 'POST' ? { body: r.body } : {}) });
      assert.equal(res.status, 200, res.body.toString());
      if (r.method !== 'POST') return;
      const e = echoed(res);
      const cmd = /Cmd=(\w+)/.exec(r.target)![1]!;
      assert.equal(e.command, cmd);
      assert.equal(e.user.login, ALICE.user);
      if (e.request.kind === 'wbxml' && e.request.root) {
        const root = e.request.root as { tag: string };
        // The top element names the command (MS-ASHTTP 4.1: "the same as the command in the topmost element").
        assert.equal(root.tag, cmd);
      }
    });
  }

  it('no password in the replay log', () => {
    assert.ok(!replayLog.text().includes('alice-secret'));
  });
});
