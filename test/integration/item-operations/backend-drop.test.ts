/**
 * A backend that drops mid-download, against the loopback Dovecot: the gateway reaches Dovecot
 * through a TCP relay that cuts any connection once it has carried 4 MB from the server (only a
 * large part's own connection gets there). GetAttachment of a 20 MB attachment then ends with
 * the connection cut short of its Content-Length (never a body passed off as whole), the gateway
 * logs it and goes on serving: the small attachment still comes back. Without the cut, the log
 * shows the large part went the direct route (no fallback to the pooled session).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { IMAP_HOST, IMAP_PORT, integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { memoryLog } from '../../support/memory-log.js';
import { ALICE, cleanUp, collectionIdOf, imapAsAlice, messageWith, RUN, type Phone } from './support.js';

const CUT_AFTER = 4 * 1024 * 1024;

/** Relays to Dovecot; while `cut` is set, a connection is destroyed after CUT_AFTER bytes from the server. */
async function relay(): Promise<{ port: number; cut: boolean; close(): void }> {
  const sockets = new Set<net.Socket>();
  const state = { port: 0, cut: false, close: () => undefined as void };
  const server = net.createServer((client) => {
    const upstream = net.connect(IMAP_PORT, IMAP_HOST);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    let carried = 0;
    upstream.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (state.cut && carried > CUT_AFTER) client.destroy();
      else if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return state;
}

/** GetAttachment, counting the bytes that arrive and whether the body came whole. */
function getAttachment(url: string, name: string): Promise<{ status: number; bytes: number; complete: boolean; length: number }> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: 'GetAttachment', AttachmentName: name, User: ALICE.user, DeviceId: `IODROP${RUN}`, DeviceType: 'ItemOpsTest' })}`;
  return new Promise((resolve) => {
    let bytes = 0;
    let status = 0;
    let length = 0;
    const done = (complete: boolean): void => resolve({ status, bytes, complete, length });
    const req = http.request(new URL(path, url), { method: 'POST', agent: false, headers: { Authorization: `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`, 'MS-ASProtocolVersion': '12.1', 'Content-Length': '0' } }, (res) => {
      status = res.statusCode ?? 0;
      length = Number(res.headers['content-length']);
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => done(res.complete));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
    });
    req.on('error', () => done(false));
    req.end();
  });
}

describe('a backend dropping mid-download, over HTTP', () => {
  const log = memoryLog('info');
  const folder = `${RUN}-drop`;
  const phone: Phone = { deviceId: `IODROP${RUN}`, version: '12.1' };
  const big = randomBytes(20 * 1024 * 1024);
  const small = randomBytes(3000);
  let proxy: Awaited<ReturnType<typeof relay>>;
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let bigRef: string;
  let smallRef: string;

  before(async () => {
    await requireImap();
    proxy = await relay();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false }, imap: { host: '127.0.0.1', port: proxy.port } }), { logger: log.logger });
    imap = await imapAsAlice();
    await imap.mailboxCreate(folder);
    const appended = await imap.append(folder, messageWith(`${RUN}-drop`, big, small), ['\\Seen']);
    assert.ok(appended && appended.uid);
    const collectionId = await collectionIdOf(gw.url, phone, folder);
    bigRef = `${collectionId}:${appended.uid}:2`;
    smallRef = `${collectionId}:${appended.uid}:3`;
  });
  after(async () => {
    await gw?.close();
    proxy?.close();
    await imap?.logout();
    await cleanUp();
    data?.remove();
  });

  it('whole, the large attachment goes the direct route', async () => {
    const got = await getAttachment(gw.url, bigRef);
    assert.deepEqual(got, { status: 200, bytes: big.length, complete: true, length: big.length });
    assert.ok(!log.text().includes('through the pooled IMAP session'), 'no fallback to the pooled session');
  });

  it('cut midway: the response ends short of its Content-Length, is logged, and the gateway serves on', async () => {
    proxy.cut = true;
    const got = await getAttachment(gw.url, bigRef);
    proxy.cut = false;
    assert.equal(got.status, 200);
    assert.equal(got.length, big.length);
    assert.equal(got.complete, false);
    assert.ok(got.bytes < big.length);
    for (let i = 0; i < 50 && !log.text().includes('response failed after it started'); i++) await new Promise((r) => setTimeout(r, 20));
    const failed = log.entries().find((e) => e.msg === 'response failed after it started');
    assert.match(String((failed?.err as { message?: string } | undefined)?.message), /IMAP connection lost while streaming a part/);
    assert.deepEqual(await getAttachment(gw.url, smallRef), { status: 200, bytes: small.length, complete: true, length: small.length });
  });
});
