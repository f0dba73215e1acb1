/**
 * Sync over HTTP against Dovecot, after the initial sync: changes made by another IMAP client
 * (\Seen, \Flagged, a keyword, expunge, new mail) arrive as Change/Delete/Add in the next Sync
 * and only once; a no-change Sync has no Commands (an empty body at 12.1+); a retried key gets
 * the same bytes again; the Status codes for unknown keys and collections, malformed requests,
 * empty/Partial requests and Wait/HeartbeatInterval bounds; a recreated folder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, encode } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { AS, cleanUp, collection, drain, field, folderIds, imapAsAlice, post, RUN, sync, syncRequest, type Phone } from './support.js';

const BOX = `${RUN}-chg`;

describe('Sync: server changes, retries and Status codes', { timeout: 300_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let uids: number[] = [];
  /** Seeded messages without \\Seen (setting it must be a change). */
  let unseen: number[] = [];
  const phone: Phone = { deviceId: `CHG${RUN}`, version: '14.1' };
  let id = '';
  let key = '0';
  const next = async (extra: Partial<Parameters<typeof collection>[0]> = {}) => {
    const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, ...extra })]));
    if (!r.empty) key = r.collections[0]!.syncKey;
    return r;
  };

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }));
    imap = await imapAsAlice();
    const seeded = await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: BOX, count: 20, seed: 11 });
    uids = seeded.messages.map((m) => m.uid!).sort((a, b) => a - b);
    unseen = uids.slice(0, 8);
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsRemove(unseen.join(','), ['\\Seen', '\\Flagged'], { uid: true });
    id = (await folderIds(gw.url, phone)).get(BOX)!;
    const prime = await next();
    assert.equal(prime.collections[0]!.status, 1);
    const all = await drain(gw.url, phone, id, key);
    assert.equal(all.adds.length, 20);
    key = all.key;
  });

  after(async () => {
    await gw?.close();
    await imap?.logout().catch(() => undefined);
    await cleanUp();
    data?.remove();
  });

  it('no change: an empty body at 12.1+, and the key stays; syncing bodies set no \\Seen', async () => {
    const before = key;
    await imap.mailboxOpen(BOX);
    const flags = new Map<number, Set<string>>();
    for await (const m of imap.fetch(unseen.join(','), { uid: true, flags: true }, { uid: true })) flags.set(m.uid, m.flags ?? new Set());
    assert.deepEqual(unseen.filter((u) => flags.get(u)?.has('\\Seen')), []);
    const r = await next();
    assert.ok(r.empty);
    assert.equal(key, before);
  });

  it('\\Seen, \\Flagged and a keyword set over IMAP arrive as Changes with Read, Flag, Categories only; once', async () => {
    const [a, b, c] = unseen;
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsAdd(String(a), ['\\Seen'], { uid: true });
    await imap.messageFlagsAdd(String(b), ['\\Flagged'], { uid: true });
    await imap.messageFlagsAdd(String(c), ['Work'], { uid: true });
    const r = await next();
    const col = r.collections[0]!;
    assert.deepEqual(col.changes.map((x) => x.serverId).sort(), [a, b, c].map((u) => `${id}:${u}`).sort());
    for (const ch of col.changes) {
      assert.deepEqual([...new Set(ch.data.map((d) => d.tag))].filter((t) => !['Read', 'Flag', 'Categories'].includes(t)), [], 'flags-only Change');
    }
    const byId = new Map(col.changes.map((x) => [x.serverId, x.data]));
    assert.equal(field(byId.get(`${id}:${a}`)!, 'Read'), '1');
    assert.equal(field(byId.get(`${id}:${b}`)!, 'Flag', 'Status'), '2');
    assert.equal(field(byId.get(`${id}:${c}`)!, 'Categories', 'Category'), 'Work');
    assert.deepEqual([col.adds, col.deletes], [[], []]);
    assert.ok((await next()).empty, 'reported once');
  });

  it('expunge is a Delete, new mail an Add', async () => {
    const gone = unseen[3]!;
    await imap.mailboxOpen(BOX);
    await imap.messageDelete(String(gone), { uid: true });
    await imap.append(BOX, `From: x@example.org\r\nTo: alice@example.com\r\nSubject: fresh ${RUN}\r\nMessage-ID: <fresh-${RUN}@example.org>\r\n\r\nhello\r\n`);
    const col = (await next()).collections[0]!;
    assert.deepEqual(col.deletes, [`${id}:${gone}`]);
    assert.equal(col.adds.length, 1);
    assert.equal(field(col.adds[0]!.data, 'Subject'), `fresh ${RUN}`);
  });

  it('a retry of the previous key (response lost) gets the same bytes again; the next key goes on', async () => {
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsAdd(String(uids[5]), ['\\Flagged'], { uid: true });
    await imap.append(BOX, `From: y@example.org\r\nSubject: retry ${RUN}\r\n\r\nbody\r\n`);
    const sent = key;
    const first = await sync(gw.url, phone, syncRequest([collection({ syncKey: sent, collectionId: id })]));
    const again = await sync(gw.url, phone, syncRequest([collection({ syncKey: sent, collectionId: id })]));
    assert.ok(!first.empty);
    assert.deepEqual(again.body, first.body, 'identical answer');
    key = first.collections[0]!.syncKey;
    assert.ok((await next()).empty, 'nothing twice');
  });

  it('Status 3 for a key never issued, 12 for an unknown CollectionId; both in the collection', async () => {
    const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: '987654321', collectionId: id }), collection({ syncKey: '1', collectionId: '99999' })]));
    assert.deepEqual(r.collections.map((c) => [c.collectionId, c.status]), [[id, 3], ['99999', 12]]);
  });

  it('Status 4 for a malformed request; FilterType 8 (tasks) is a protocol error for mail', async () => {
    const bad = await sync(gw.url, phone, el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'CollectionId', id)])])]));
    assert.equal(bad.status, 4);
    const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, filterType: 8 })]));
    assert.equal(r.collections[0]!.status, 4);
  });

  it('Wait and HeartbeatInterval out of range: Status 14 with the bound in Limit', async () => {
    const req = (extra: ReturnType<typeof el>) => syncRequest([collection({ syncKey: key, collectionId: id })], [extra]);
    assert.deepEqual(await sync(gw.url, phone, req(el(AS, 'Wait', 0))).then((r) => [r.status, r.limit]), [14, 1]);
    assert.deepEqual(await sync(gw.url, phone, req(el(AS, 'Wait', 60))).then((r) => [r.status, r.limit]), [14, 59]);
    assert.deepEqual(await sync(gw.url, phone, req(el(AS, 'HeartbeatInterval', 30))).then((r) => [r.status, r.limit]), [14, 60]);
    assert.deepEqual(await sync(gw.url, phone, req(el(AS, 'HeartbeatInterval', 4000))).then((r) => [r.status, r.limit]), [14, 3540]);
  });

  it('an empty request replays the last complete one with the current key; Partial too; without one: 13', async () => {
    assert.ok((await next()).empty);
    assert.ok((await sync(gw.url, phone, undefined)).empty, 'empty request, nothing new: empty response');
    await imap.mailboxOpen(BOX);
    await imap.messageFlagsRemove(String(uids[5]), ['\\Flagged'], { uid: true });
    const r = await sync(gw.url, phone, undefined);
    assert.equal(r.collections[0]?.changes[0]?.serverId, `${id}:${uids[5]}`);
    key = r.collections[0]!.syncKey;
    assert.ok((await sync(gw.url, phone, el(AS, 'Sync', [el(AS, 'Partial')]))).empty, 'Partial with nothing listed: the cached request');
    const stranger = await sync(gw.url, { deviceId: `NEW${RUN}`, version: '14.1' }, undefined);
    assert.equal(stranger.status, 13);
    const old = await post(gw.url, { deviceId: `OLD${RUN}`, version: '12.0' }, 'Sync', new Uint8Array(0));
    assert.equal(old.status, 200);
  });

  it('HeartbeatInterval holds a no-change Sync until IMAP changes', async () => {
    const started = Date.now();
    setTimeout(() => {
      void imap.mailboxOpen(BOX).then(() => imap.messageFlagsAdd(String(uids[6]), [`$Held${RUN}`], { uid: true }));
    }, 1500);
    const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id })], [el(AS, 'HeartbeatInterval', 60)]));
    const waited = Date.now() - started;
    assert.ok(!r.empty, 'answered with the change');
    assert.equal(r.collections[0]!.changes[0]?.serverId, `${id}:${uids[6]}`);
    assert.ok(waited >= 1500 && waited < 30_000, `held ${waited} ms`);
    key = r.collections[0]!.syncKey;
  });

  it('a new Sync of the device ends the one it left waiting: that one answers empty at once', async () => {
    const started = Date.now();
    const held = sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id })], [el(AS, 'HeartbeatInterval', 120)]));
    await new Promise((r) => setTimeout(r, 700));
    const fresh = await next();
    const old = await held;
    assert.ok(old.empty && fresh.empty);
    assert.ok(Date.now() - started < 5000, 'the held request did not run its interval out');
  });

  it('the folder deleted and recreated under the same name: Status 12 or 3, then FolderSync and a re-prime work', async () => {
    await imap.mailboxClose().catch(() => undefined);
    await imap.mailboxDelete(BOX);
    await imap.mailboxCreate(BOX);
    await imap.append(BOX, `From: z@example.org\r\nSubject: reborn ${RUN}\r\n\r\nbody\r\n`);
    // 12 once the gateway's folder list shows the new folder (another X-GUID); 3 while a pooled
    // session still lists the old one and only the UIDVALIDITY tells (Dovecot's list index).
    const r = await next();
    assert.ok([3, 12].includes(r.collections[0]!.status), `Status ${r.collections[0]!.status}`);
    const newId = (await folderIds(gw.url, phone)).get(BOX)!;
    assert.notEqual(newId, id);
    const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: newId })]));
    const all = await drain(gw.url, phone, newId, prime.collections[0]!.syncKey);
    assert.deepEqual(all.adds.map((a) => field(a.data, 'Subject')), [`reborn ${RUN}`]);
  });

  it('encodes a request the codec made (sanity of the helper)', () => {
    assert.ok(encode(syncRequest([collection({ syncKey: '0', collectionId: '1' })])).length > 4);
  });
});
