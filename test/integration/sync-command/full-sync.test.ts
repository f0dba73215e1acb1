/**
 * A 2,000-message folder synced whole through the HTTP endpoint against Dovecot: in windows of
 * 100 (14.1) and 512 (16.1, another device), every message arrives exactly once, and subject,
 * sender, date and read flag match what IMAP says. Prints the time of the initial sync and of
 * a no-change Sync (measurements, not assertions).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { cleanUp, collection, drain, field, folderIds, imapAsAlice, RUN, sync, syncRequest, type Phone } from './support.js';

const BOX = `${RUN}-big`;
const COUNT = 2000;

interface Truth {
  subject: string;
  from: string;
  date: string;
  seen: boolean;
}

describe('Sync of a 2,000-message folder over HTTP', { timeout: 600_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  const truth = new Map<number, Truth>();

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }));
    imap = await imapAsAlice();
    await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: BOX, count: COUNT, seed: 7 });
    const lock = await imap.getMailboxLock(BOX, { readOnly: true });
    try {
      for await (const m of imap.fetch('1:*', { uid: true, envelope: true, flags: true, internalDate: true })) {
        truth.set(m.uid, {
          subject: m.envelope?.subject ?? '',
          from: m.envelope?.from?.[0]?.address ?? '',
          date: new Date(m.internalDate as Date).toISOString(),
          seen: m.flags?.has('\\Seen') ?? false,
        });
      }
    } finally {
      lock.release();
    }
    assert.equal(truth.size, COUNT);
  });

  after(async () => {
    await gw?.close();
    await imap?.logout().catch(() => undefined);
    await cleanUp();
    data?.remove();
  });

  for (const [version, windowSize] of [['14.1', 100], ['16.1', 512]] as const) {
    it(`${version}, WindowSize ${windowSize}: every message exactly once, fields as IMAP has them`, async () => {
      const phone: Phone = { deviceId: `FULL${windowSize}${RUN}`, version };
      const id = (await folderIds(gw.url, phone)).get(BOX);
      assert.ok(id, 'FolderSync lists the folder');
      const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id })]));
      const p = prime.collections[0]!;
      assert.deepEqual([p.status, p.adds.length, p.collectionId], [1, 0, id], 'SyncKey 0 only primes');

      const started = performance.now();
      const all = await drain(gw.url, phone, id, p.syncKey, { windowSize });
      const elapsed = performance.now() - started;
      assert.equal(all.rounds, Math.ceil(COUNT / windowSize));
      for (const a of all.answers) assert.ok(a.adds.length <= windowSize);
      const seen = new Set<number>();
      for (const add of all.adds) {
        const [cid, uidText] = add.serverId.split(':');
        assert.equal(cid, id);
        const uid = Number(uidText);
        assert.ok(!seen.has(uid), `UID ${uid} arrived twice`);
        seen.add(uid);
        const t = truth.get(uid);
        assert.ok(t, `UID ${uid} is not in the folder`);
        assert.equal(field(add.data, 'Subject'), t.subject);
        assert.ok(field(add.data, 'From')?.includes(t.from), `From of ${uid}: ${field(add.data, 'From')} vs ${t.from}`);
        assert.equal(field(add.data, 'DateReceived'), t.date);
        assert.equal(field(add.data, 'Read'), t.seen ? '1' : '0');
      }
      assert.equal(seen.size, COUNT);

      const times: number[] = [];
      let key = all.key;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, windowSize })]));
        times.push(performance.now() - t0);
        assert.ok(r.empty, 'nothing changed: an empty response');
      }
      times.sort((a, b) => a - b);
      console.log(`# ${version}: initial sync of ${COUNT} in windows of ${windowSize}: ${elapsed.toFixed(0)} ms (${all.rounds} requests); no-change Sync median ${times[2]!.toFixed(1)} ms`);
      key = all.key;
    });
  }
});
