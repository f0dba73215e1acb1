/**
 * The HTTP edge end to end over a real socket, with fake verifier, codec and ports:
 * routing, OPTIONS, authentication, request line, version and command checks, bodies,
 * error mapping and the one-line-per-request access log.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { el } from '../../../../codec/tree.js';
import { PARAMETER_TAGS } from '../../../../gateway/http/base64-query.js';
import { encodeBase64Query } from '../../../support/base64-query.js';
import { fakeDocument } from '../../../support/fakes.js';
import { basicAuth, send, type TestResponse } from '../../../support/http-client.js';
import { waits, type EchoBody } from '../../../support/test-commands.js';
import { ALICE, EAS, plainQuery, startTestApp, type TestApp } from '../../../support/test-app.js';

const FOLDER_SYNC = fakeDocument(el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]));
const v = (version: string) => ({ 'MS-ASProtocolVersion': version });
const echoed = (res: TestResponse): EchoBody => JSON.parse(res.body.toString()) as EchoBody;

describe('HTTP edge', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ config: { server: { maxBodyBytes: 4096 }, retryAfterSeconds: 17 } });
  });
  after(() => app.close());

  describe('routing', () => {
    it('404 for other paths', async () => {
      assert.equal((await send(app.url, { method: 'GET', path: '/' })).status, 404);
      assert.equal((await send(app.url, { method: 'POST', path: '/Microsoft-Server-ActiveSync2?Cmd=Sync' })).status, 404);
    });
    it('405 with Allow for other methods on the EAS path', async () => {
      const res = await send(app.url, { method: 'GET', path: EAS, auth: ALICE });
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, 'OPTIONS,POST');
    });
    it('the EAS path is case-insensitive', async () => {
      const res = await send(app.url, { method: 'OPTIONS', path: '/microsoft-server-activesync', auth: ALICE });
      assert.equal(res.status, 200);
    });
  });

  describe('OPTIONS', () => {
    it('answers with versions, implemented commands and allowed methods', async () => {
      const res = await send(app.url, { method: 'OPTIONS', path: EAS, auth: ALICE });
      assert.equal(res.status, 200);
      assert.equal(res.headers['ms-asprotocolversions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
      assert.equal(res.headers['ms-asprotocolcommands'], 'Sync,SendMail,GetAttachment,FolderSync,MoveItems,GetItemEstimate,Settings,Ping,ItemOperations,Provision,ValidateCert');
      assert.equal(res.headers['ms-server-activesync'], '16.1');
      assert.equal(res.headers.allow, 'OPTIONS,POST');
      assert.equal(res.headers.public, 'OPTIONS,POST');
      assert.equal(res.body.length, 0);
    });
    it('requires authentication', async () => {
      const none = await send(app.url, { method: 'OPTIONS', path: EAS });
      assert.equal(none.status, 401);
      assert.equal(none.headers['www-authenticate'], 'Basic realm="easgate"');
      const wrong = await send(app.url, { method: 'OPTIONS', path: EAS, auth: { user: ALICE.user, password: 'nope' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers['www-authenticate'], 'Basic realm="easgate"');
      assert.equal(wrong.headers['ms-asprotocolversions'], undefined);
    });
  });

  describe('POST routing to a command', () => {
    it('hands the handler a typed context and the decoded body', async () => {
      const res = await send(app.url, { path: plainQuery('FolderSync'), headers: { ...v('14.1'), 'X-MS-PolicyKey': '123', 'User-Agent': 'TestPhone/1.0' }, auth: ALICE, body: FOLDER_SYNC });
      assert.equal(res.status, 200);
      const e = echoed(res);
      assert.equal(e.command, 'FolderSync');
      assert.deepEqual([e.user.login, e.user.email], ['alice@example.com', 'alice@example.com']);
      assert.deepEqual(e.user.keys, ['login', 'email']);
      assert.ok(!e.user.json.includes('alice-secret'));
      assert.deepEqual(e.device, { id: 'DEV0001', type: 'TestPhone', userAgent: 'TestPhone/1.0' });
      assert.equal(e.protocolVersion, '14.1');
      assert.equal(e.policyKey, '123');
      assert.deepEqual(e.request, { kind: 'wbxml', root: { ns: 'FolderHierarchy', tag: 'FolderSync', children: [{ ns: 'FolderHierarchy', tag: 'SyncKey', children: [], text: '0' }] } });
      assert.equal(e.signalAborted, false);
    });

    it('routes a base64 query exactly like its plain twin', async () => {
      const headers = { ...v('14.1'), 'X-MS-PolicyKey': '3000000001', 'User-Agent': 'TestPhone/1.0' };
      const plain = await send(app.url, {
        path: plainQuery('SendMail', { SaveInSent: 'T', ItemId: '5:1', CollectionId: '5' }),
        headers,
        auth: ALICE,
        body: fakeDocument(el('ComposeMail', 'SendMail')),
      });
      const b64 = await send(app.url, {
        path: `${EAS}?${encodeBase64Query({
          version: 141,
          commandCode: 1,
          deviceId: 'DEV0001',
          deviceType: 'TestPhone',
          policyKey: 3000000001,
          params: [[PARAMETER_TAGS.User, 'alice@example.com'], [PARAMETER_TAGS.ItemId, '5:1'], [PARAMETER_TAGS.CollectionId, '5'], [PARAMETER_TAGS.Options, 0x01]],
        })}`,
        headers: { 'User-Agent': 'TestPhone/1.0' },
        auth: ALICE,
        body: fakeDocument(el('ComposeMail', 'SendMail')),
      });
      assert.equal(plain.status, 200);
      assert.equal(b64.status, 200);
      const { locale, ...fromB64 } = echoed(b64);
      assert.equal(locale, 0x0409);
      assert.deepEqual(fromB64, echoed(plain));
      assert.equal(echoed(plain).params.saveInSent, true);
    });

    it('an empty body is a request without a root (empty Sync/Ping)', async () => {
      const res = await send(app.url, { path: plainQuery('Sync'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.deepEqual(echoed(res).request, { kind: 'wbxml' });
    });

    it('SendMail carries raw MIME before 14.0 and WBXML from 14.0', async () => {
      const mime = 'From: alice@example.com\r\nSubject: hi\r\n\r\nbody\r\n';
      const old = await send(app.url, { path: plainQuery('SendMail'), headers: { ...v('12.1'), 'Content-Type': 'message/rfc822' }, auth: ALICE, body: mime });
      assert.deepEqual(echoed(old).request, { kind: 'mime', mimeLength: mime.length, mimeText: mime });
      const modern = await send(app.url, { path: plainQuery('SendMail'), headers: v('16.0'), auth: ALICE, body: 'not wbxml' });
      assert.equal(modern.status, 400);
    });

    it('a result of kind empty is a 200 with no body', async () => {
      const res = await send(app.url, { path: plainQuery('ValidateCert'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers['content-length'], '0');
    });
  });

  describe('refusals', () => {
    it('401 before anything else when credentials are wrong', async () => {
      const res = await send(app.url, { path: plainQuery('Bogus'), headers: v('99.0'), auth: { user: ALICE.user, password: 'nope' }, body: '' });
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="easgate"');
    });
    it('501 for an unknown command (MS-ASHTTP 2.2.2.1.1)', async () => {
      const res = await send(app.url, { path: plainQuery('Bogus'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 501);
    });
    it('501 for an unassigned base64 command code', async () => {
      const q = encodeBase64Query({ version: 141, commandCode: 77, deviceId: 'D', deviceType: 'T' });
      assert.equal((await send(app.url, { path: `${EAS}?${q}`, auth: ALICE, body: '' })).status, 501);
    });
    it('501 for a real EAS command that is not implemented', async () => {
      const res = await send(app.url, { path: plainQuery('Search'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 501);
    });
    it('400 with MS-ASProtocolVersions for a version we do not serve, or none', async () => {
      for (const headers of [v('15.0'), v('1.0'), {}]) {
        const res = await send(app.url, { path: plainQuery('FolderSync'), headers, auth: ALICE, body: FOLDER_SYNC });
        assert.equal(res.status, 400);
        assert.equal(res.headers['ms-asprotocolversions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
      }
    });
    it('400 for a command outside its protocol versions (GetAttachment in 14.0)', async () => {
      assert.equal((await send(app.url, { path: plainQuery('GetAttachment', { AttachmentName: 'a' }), headers: v('12.1'), auth: ALICE })).status, 200);
      assert.equal((await send(app.url, { path: plainQuery('GetAttachment', { AttachmentName: 'a' }), headers: v('14.0'), auth: ALICE })).status, 400);
    });
    it('400 for a request line without DeviceId, or a broken base64 query', async () => {
      assert.equal((await send(app.url, { path: `${EAS}?Cmd=Sync&DeviceType=T`, headers: v('14.1'), auth: ALICE, body: '' })).status, 400);
      assert.equal((await send(app.url, { path: `${EAS}?jAAJ`, auth: ALICE, body: '' })).status, 400);
    });
    it('400 for a malformed WBXML body', async () => {
      const res = await send(app.url, { path: plainQuery('FolderSync'), headers: v('14.1'), auth: ALICE, body: Buffer.from([0x03, 0x01, 0x6a]) });
      assert.equal(res.status, 400);
    });
    it('413 for a declared Content-Length over the limit, without waiting for the body', async () => {
      const res = await send(app.url, { path: plainQuery('FolderSync'), headers: v('14.1'), auth: ALICE, declaredLength: 10_000_000 });
      assert.equal(res.status, 413);
      assert.equal(res.headers.connection, 'close');
    });
    it('413 for a chunked body that grows past the limit', async () => {
      let sent = 0;
      function* chunks() {
        for (let i = 0; i < 1000; i++) {
          sent += 1024;
          yield Buffer.alloc(1024, 0x41);
        }
      }
      const res = await send(app.url, { path: plainQuery('FolderSync'), headers: v('14.1'), auth: ALICE, chunks: chunks() });
      assert.equal(res.status, 413);
      assert.ok(sent < 1000 * 1024, `the server stopped the upload early (sent ${sent} bytes)`);
    });
    it('500 for a handler that throws, with the stack in the log and nothing in the response', async () => {
      const res = await send(app.url, { path: plainQuery('Settings'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 500);
      assert.equal(res.body.length, 0);
      const line = app.log.accessLines().find((l) => l.cmd === 'Settings' && l.status === 500);
      assert.ok(line);
      assert.equal(line.msg, 'request failed');
      assert.match(String((line.err as { stack?: string }).stack), /handler exploded on purpose/);
    });
    it('503 with Retry-After when a port reports its backend down', async () => {
      const res = await send(app.url, { path: plainQuery('Ping'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '17');
    });
    it('an EasStatusError becomes the command response with that Status', async () => {
      const res = await send(app.url, { path: plainQuery('MoveItems'), headers: v('14.1'), auth: ALICE, body: '' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
      assert.deepEqual(JSON.parse(res.body.subarray(4).toString()), el('Move', 'MoveItems', [el('Move', 'Status', 3)]));
      const lines = app.log.entries().filter((l) => l.cmd === 'MoveItems');
      assert.equal(lines.length, 1, 'one line for the request');
      assert.deepEqual([lines[0]!.msg, lines[0]!.status, lines[0]!.easStatus], ['request', 200, 3]);
    });
  });

  describe('cancellation', () => {
    it("aborts the handler's signal when the client goes away", async () => {
      const before = waits.started;
      const seen = waits.aborted.length;
      const req = http.request(new URL(plainQuery('GetItemEstimate'), app.url), {
        method: 'POST',
        agent: false,
        headers: { 'MS-ASProtocolVersion': '14.1', 'Content-Length': '0', Authorization: basicAuth(ALICE.user, ALICE.password) },
      });
      req.on('error', () => undefined);
      req.end();
      for (let i = 0; i < 100 && waits.started === before; i++) await new Promise((r) => setTimeout(r, 10));
      req.destroy();
      for (let i = 0; i < 100 && waits.aborted.length === seen; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(waits.aborted.slice(seen), ['client went away']);
    });
  });

  describe('access log', () => {
    it('writes exactly one line per request, with who, what and how it ended', async () => {
      const before = app.log.accessLines().length;
      await send(app.url, { path: plainQuery('FolderSync'), headers: v('14.1'), auth: ALICE, body: FOLDER_SYNC });
      await send(app.url, { path: plainQuery('Bogus'), headers: v('14.1'), auth: ALICE, body: '' });
      const lines = app.log.accessLines().slice(before);
      assert.equal(lines.length, 2);
      const [ok, refused] = lines;
      assert.equal(ok!.msg, 'request');
      assert.equal(ok!.level, 30);
      for (const key of ['user', 'deviceId', 'deviceType', 'cmd', 'version', 'status', 'durationMs']) assert.ok(key in ok!, `${key} in the line`);
      assert.deepEqual([ok!.user, ok!.deviceId, ok!.deviceType, ok!.cmd, ok!.version, ok!.status], ['alice@example.com', 'DEV0001', 'TestPhone', 'FolderSync', '14.1', 200]);
      assert.equal(refused!.msg, 'request refused');
      assert.equal(refused!.status, 501);
      assert.equal(refused!.reason, 'unknown-command');
      assert.equal(refused!.cmd, 'Bogus');
    });
    it('never contains a password', () => {
      const text = app.log.text();
      assert.ok(text.length > 0);
      assert.ok(!text.includes('alice-secret'));
      assert.ok(!text.includes(Buffer.from('alice@example.com:alice-secret').toString('base64')));
    });
  });
});

describe('HTTP edge: backends', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ config: { retryAfterSeconds: 9, auth: { failureBudget: 2, failureDelayMs: 100, failureMaxDelayMs: 300 } } });
  });
  after(() => app.close());

  it('503 with Retry-After, not 401, when the credential backend is down', async () => {
    app.verifier.down = true;
    try {
      const res = await send(app.url, { method: 'OPTIONS', path: EAS, auth: ALICE });
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '9');
      assert.equal(res.headers['www-authenticate'], undefined);
    } finally {
      app.verifier.down = false;
    }
  });

  it('slows down repeated failures from one client', async () => {
    for (let i = 0; i < 5; i++) await send(app.url, { method: 'OPTIONS', path: EAS, auth: { user: 'bob@example.com', password: `guess${i}` } });
    assert.deepEqual(app.sleeps, [100, 200, 300]);
  });

  it('GET /healthz reflects the health checks, without authentication', async () => {
    const up = await send(app.url, { method: 'GET', path: '/healthz' });
    assert.equal(up.status, 200);
    assert.deepEqual(JSON.parse(up.body.toString()), { status: 'ok', imap: 'ok' });
    app.health.status = { ok: false, detail: '127.0.0.1:1: ECONNREFUSED' };
    const down = await send(app.url, { method: 'GET', path: '/healthz' });
    assert.equal(down.status, 503);
    assert.deepEqual(JSON.parse(down.body.toString()), { status: 'unavailable', imap: 'down', details: { imap: '127.0.0.1:1: ECONNREFUSED' } });
  });
});
