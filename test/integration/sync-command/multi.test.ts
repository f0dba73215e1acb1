/**
 * Several collections in one Sync request: each answered in its own Collection, and a
 * request-wide WindowSize bounding the operations of the whole response (MoreAvailable on the
 * collections that had to wait), at 16.1 and 12.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { el } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { AS, cleanUp, collection, folderIds, RUN, sync, syncRequest, type Phone } from './support.js';

const A = `${RUN}-multiA`;
const B = `${RUN}-multiB`;

describe('Sync of several collections in one request', { timeout: 120_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }));
    for (const [box, seed] of [[A, 31], [B, 32]] as const) await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: box, count: 20, seed });
  });

  after(async () => {
    await gw?.close();
    await cleanUp();
    data?.remove();
  });

  for (const version of ['12.1', '16.1'] as const) {
    it(`${version}: a request WindowSize of 25 over two 20-message folders: 25 operations, then the other 15`, async () => {
      const phone: Phone = { deviceId: `MU${version.replace('.', '')}${RUN}`, version };
      const ids = await folderIds(gw.url, phone);
      const [a, b] = [ids.get(A)!, ids.get(B)!];
      const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: a }), collection({ syncKey: '0', collectionId: b })]));
      assert.deepEqual(prime.collections.map((c) => [c.collectionId, c.status, c.adds.length]), [[a, 1, 0], [b, 1, 0]]);
      const keys = new Map(prime.collections.map((c) => [c.collectionId, c.syncKey]));
      const round = async () => {
        const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: keys.get(a)!, collectionId: a }), collection({ syncKey: keys.get(b)!, collectionId: b })], [el(AS, 'WindowSize', 25)]));
        for (const c of r.collections) keys.set(c.collectionId, c.syncKey);
        return r;
      };
      const first = await round();
      assert.deepEqual(first.collections.map((c) => [c.adds.length, c.moreAvailable]), [[20, false], [5, true]]);
      const second = await round();
      assert.deepEqual(second.collections.map((c) => c.adds.length), [0, 15]);
      const ids2 = new Set([...first.collections, ...second.collections].flatMap((c) => c.adds.map((x) => x.serverId)));
      assert.equal(ids2.size, 40);
    });
  }
});
