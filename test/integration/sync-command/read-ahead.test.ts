/**
 * Sync's read-ahead against Dovecot: after an answer with MoreAvailable the next window is
 * fetched ahead; flags another IMAP client changes after that read-ahead arrive in the Adds that
 * it serves (never the flags it read), and every message arrives exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { syncReadAhead } from '../../../gateway/commands/sync/read-ahead.js';
import { memoryLog } from '../../support/memory-log.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { bodyPreference, cleanUp, collection, field, folderIds, imapAsAlice, RUN, sync, syncRequest, type Phone } from './support.js';

const BOX = `${RUN}-ahead`;

describe('Sync read-ahead over HTTP', { timeout: 120_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let uids: number[] = [];
  const phone: Phone = { deviceId: `AHEAD${RUN}`, version: '16.1' };

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }), { logger: memoryLog().logger });
    imap = await imapAsAlice();
    const seeded = await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: BOX, count: 12, seed: 5 });
    uids = seeded.messages.map((m) => m.uid!).sort((a, b) => b - a);
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsRemove(uids.join(','), ['\\Seen', '\\Flagged'], { uid: true });
  });

  after(async () => {
    await gw?.close();
    await imap?.logout().catch(() => undefined);
    await cleanUp();
    data?.remove();
  });

  it('flags changed on IMAP between the read-ahead and the Sync it serves arrive as they are now', async () => {
    const id = (await folderIds(gw.url, phone)).get(BOX)!;
    const options = [bodyPreference(2, 512)];
    const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id, options })]));
    let key = prime.collections[0]!.syncKey;
    const first = (await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, windowSize: 5, options })]))).collections[0]!;
    assert.ok(first.moreAvailable);
    assert.deepEqual(first.adds.map((a) => a.serverId), uids.slice(0, 5).map((u) => `${id}:${u}`));
    key = first.syncKey;

    // The next five were read ahead (flags unset then); another client now changes them.
    await syncReadAhead.settled();
    const [seen, flagged, both] = uids.slice(5, 8);
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsAdd(String(seen), ['\\Seen'], { uid: true });
    await imap.messageFlagsAdd(String(flagged), ['\\Flagged'], { uid: true });
    await imap.messageFlagsAdd(String(both), ['\\Seen', '\\Flagged'], { uid: true });

    const hits = syncReadAhead.hits;
    const second = (await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, windowSize: 5, options })]))).collections[0]!;
    assert.equal(syncReadAhead.hits, hits + 1, 'served from the read-ahead');
    assert.deepEqual(second.adds.map((a) => a.serverId), uids.slice(5, 10).map((u) => `${id}:${u}`));
    const byId = new Map(second.adds.map((a) => [a.serverId, a.data]));
    const read = (uid: number) => field(byId.get(`${id}:${uid}`)!, 'Read');
    const flag = (uid: number) => field(byId.get(`${id}:${uid}`)!, 'Flag', 'Status');
    assert.deepEqual([read(seen!), flag(seen!)], ['1', undefined]);
    assert.deepEqual([read(flagged!), flag(flagged!)], ['0', '2']);
    assert.deepEqual([read(both!), flag(both!)], ['1', '2']);
    assert.deepEqual([read(uids[8]!), flag(uids[8]!)], ['0', undefined]);
    assert.ok(field(byId.get(`${id}:${uids[9]}`)!, 'Body', 'Data'), 'bodies come from the read-ahead');
    key = second.syncKey;

    const third = (await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, windowSize: 5, options })]))).collections[0]!;
    assert.equal(third.moreAvailable, false);
    assert.deepEqual(third.adds.map((a) => a.serverId), uids.slice(10).map((u) => `${id}:${u}`));
    assert.deepEqual(third.changes, [], 'changes made before their Add are not sent again');
  });
});
