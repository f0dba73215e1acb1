/**
 * A gateway whose IMAP server is gone: the phone must hear "come back later" (503 with
 * Retry-After), never "wrong password" (401), and /healthz must say what is down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { closedPort, integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { send } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import { testRegistry } from '../../support/test-commands.js';

const EAS = '/Microsoft-Server-ActiveSync';

describe('IMAP unreachable', () => {
  const log = memoryLog('debug');
  let down: RunningGateway;
  let up: RunningGateway;
  let data: TestDataDir;
  let deadPort: number;

  before(async () => {
    await requireImap();
    data = testDataDir();
    deadPort = await closedPort();
    down = await startGateway(integrationConfig(`${data.path}/down`, { imap: { port: deadPort }, retryAfterSeconds: 45, auth: { failureBudget: 1, failureDelayMs: 3000 } }), { logger: log.logger, registry: testRegistry() });
    up = await startGateway(integrationConfig(`${data.path}/up`), { logger: log.logger, registry: testRegistry() });
  });
  after(async () => {
    await down?.close();
    await up?.close();
    data?.remove();
  });

  it('OPTIONS: 503 with Retry-After from config, not 401', async () => {
    const res = await send(down.url, { method: 'OPTIONS', path: EAS, auth: USERS.alice });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '45');
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  it('POST: 503 with Retry-After, for right and wrong passwords alike', async () => {
    for (const password of [USERS.alice.password, 'not-the-password']) {
      const res = await send(down.url, {
        path: `${EAS}?Cmd=FolderSync&User=alice%40example.com&DeviceId=D1&DeviceType=T`,
        headers: { 'MS-ASProtocolVersion': '14.1' },
        auth: { user: USERS.alice.user, password },
        body: Buffer.from('03016a00000756520330000101', 'hex'),
      });
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '45');
    }
  });

  it('the outage does not eat into the failure budget', async () => {
    const lines = log.accessLines().filter((l) => l.status === 503);
    assert.ok(lines.length >= 3);
    assert.ok(lines.every((l) => l.reason === 'backend-unavailable'));
    // With a budget of 1 and 3 s per failure, counting outages as failures would show here.
    assert.ok(lines.every((l) => (l.durationMs as number) < 2000), JSON.stringify(lines.map((l) => l.durationMs)));
  });

  it('GET /healthz: 503 naming IMAP when it is down, 200 when it is up', async () => {
    const bad = await send(down.url, { method: 'GET', path: '/healthz' });
    assert.equal(bad.status, 503);
    const body = JSON.parse(bad.body.toString()) as { status: string; imap: string; details: { imap: string } };
    assert.equal(body.status, 'unavailable');
    assert.equal(body.imap, 'down');
    assert.match(body.details.imap, new RegExp(`${deadPort}.*ECONNREFUSED`));
    const good = await send(up.url, { method: 'GET', path: '/healthz' });
    assert.equal(good.status, 200);
  });

  it('no password in the log', () => {
    const text = log.text();
    assert.ok(!text.includes('alice-secret') && !text.includes('not-the-password'));
    assert.ok(!data.contents().includes('alice-secret'));
  });
});
