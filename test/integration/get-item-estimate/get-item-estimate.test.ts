/**
 * GetItemEstimate through the HTTP endpoint against Dovecot, beside the real Sync command: the
 * Estimate equals what the following Syncs then send (first sync, what is left after a window,
 * IMAP-side flag changes, expunges and new mail, a narrower FilterType's SoftDeletes), Status
 * 2/3/4 per collection, the 2.5 request shape, and the captured client requests. Every response
 * is checked against Microsoft's GetItemEstimateResponse.xsd.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';
import { validateEasResponse } from '../../support/xsd.js';
import { bodyPreference, collection, folderIds, imapAsAlice, post, sync, syncRequest, type Phone } from '../sync-command/support.js';

const RUN = `gie${process.pid.toString(36)}${Date.now().toString(36)}`;
const BOX = `${RUN}-box`;
const COUNT = 250;
const GIE = 'GetItemEstimate';
const AS = 'AirSync';

interface Answer {
  status: number;
  collectionId?: string;
  estimate?: number;
}

/** Sends a GetItemEstimate (tree or captured bytes); checks HTTP 200 and the XSD; the Responses as data. */
async function estimate(url: string, phone: Phone, body: WbxmlElement | Uint8Array): Promise<Answer[]> {
  const res = await post(url, phone, GIE, body instanceof Uint8Array ? body : encode(body));
  assert.equal(res.status, 200, `GetItemEstimate: HTTP ${res.status}`);
  const tree = decode(res.body);
  const xsd = validateEasResponse(tree, 'GetItemEstimateResponse');
  assert.ok(xsd.valid, `${xsd.errors.join('\n')}\n${xsd.xml}`);
  const text = (e: WbxmlElement | undefined, tag: string) => e?.children.find((c) => c.tag === tag)?.text;
  const top = text(tree, 'Status');
  if (top !== undefined) return [{ status: Number(top) }];
  return tree.children.filter((c) => c.tag === 'Response').map((r) => {
    const coll = r.children.find((c) => c.tag === 'Collection');
    const est = text(coll, 'Estimate');
    const id = text(coll, 'CollectionId');
    return { status: Number(text(r, 'Status')), ...(id !== undefined ? { collectionId: id } : {}), ...(est !== undefined ? { estimate: Number(est) } : {}) };
  });
}

/** 14.0+ shape. */
function request(collections: { id: string; key: string; filterType?: number; cls?: string }[]): WbxmlElement {
  return el(GIE, GIE, [el(GIE, 'Collections', collections.map((c) => el(GIE, 'Collection', [
    el(AS, 'SyncKey', c.key),
    el(GIE, 'CollectionId', c.id),
    el(AS, 'Options', [...(c.filterType !== undefined ? [el(AS, 'FilterType', c.filterType)] : []), el(AS, 'Class', c.cls ?? 'Email')]),
  ])))]);
}

interface Drained {
  key: string;
  ops: number;
  adds: number;
  changes: number;
  deletes: number;
  softDeletes: number;
}

/** Syncs until MoreAvailable is off, counting every operation sent. */
async function drain(url: string, phone: Phone, id: string, key: string, filterType = 0): Promise<Drained> {
  const out: Drained = { key, ops: 0, adds: 0, changes: 0, deletes: 0, softDeletes: 0 };
  for (;;) {
    const r = await sync(url, phone, syncRequest([collection({ syncKey: out.key, collectionId: id, windowSize: 100, filterType, options: [bodyPreference(1, 200)] })]));
    if (r.empty) return out;
    const c = r.collections[0]!;
    assert.equal(c.status, 1);
    out.key = c.syncKey;
    out.adds += c.adds.length;
    out.changes += c.changes.length;
    out.deletes += c.deletes.length;
    out.softDeletes += c.softDeletes.length;
    out.ops += c.adds.length + c.changes.length + c.deletes.length + c.softDeletes.length;
    if (!c.moreAvailable) return out;
  }
}

describe('GetItemEstimate over HTTP against Dovecot', { timeout: 300_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let ids: Map<string, string>;
  let id: string;
  let uids: number[];
  const phone: Phone = { deviceId: `${RUN}a`, version: '16.1' };
  /** The phone's key after the first test's Syncs. */
  let phoneKey = '';

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }));
    imap = await imapAsAlice();
    const seeded = await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: BOX, count: COUNT, seed: 5 });
    uids = seeded.messages.map((m) => m.uid!).sort((a, b) => a - b);
    ids = await folderIds(gw.url, phone);
    id = ids.get(BOX)!;
    assert.ok(id, 'FolderSync lists the test folder');
  });

  after(async () => {
    await gw?.close();
    await imap?.mailboxDelete(BOX).catch(() => undefined);
    await imap?.logout().catch(() => undefined);
    data?.remove();
  });

  it('equals what the next Syncs send: the first sync, then what is left after a window', async () => {
    assert.deepEqual(await estimate(gw.url, phone, request([{ id, key: '0' }])), [{ status: 3, collectionId: id }], 'SyncKey 0: not primed');
    const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id })]));
    const k0 = prime.collections[0]!.syncKey;
    assert.deepEqual(await estimate(gw.url, phone, request([{ id, key: k0 }])), [{ status: 1, collectionId: id, estimate: COUNT }]);
    const first = await sync(gw.url, phone, syncRequest([collection({ syncKey: k0, collectionId: id, windowSize: 100, options: [bodyPreference(1, 200)] })]));
    const k1 = first.collections[0]!.syncKey;
    assert.equal(first.collections[0]!.adds.length, 100);
    const [left] = await estimate(gw.url, phone, request([{ id, key: k1 }]));
    assert.equal(left!.estimate, COUNT - 100);
    // The estimate wrote nothing: the same key syncs on, and sends exactly that many.
    const rest = await drain(gw.url, phone, id, k1);
    assert.equal(rest.ops, COUNT - 100);
    assert.equal((await estimate(gw.url, phone, request([{ id, key: rest.key }])))[0]!.estimate, 0);

    // Changes made directly on IMAP: 3 flag changes, 2 expunges, 4 new messages.
    const lock = await imap.getMailboxLock(BOX);
    try {
      await imap.messageFlagsAdd(uids.slice(10, 13).join(','), ['\\Flagged'], { uid: true });
      await imap.messageDelete(uids.slice(20, 22).join(','), { uid: true });
    } finally {
      lock.release();
    }
    for (let i = 0; i < 4; i++) await imap.append(BOX, Buffer.from(`From: x@example.com\r\nTo: alice@example.com\r\nSubject: ${RUN} new ${i}\r\n\r\nhello\r\n`));
    const [e] = await estimate(gw.url, phone, request([{ id, key: rest.key }]));
    assert.equal(e!.estimate, 9);
    const next = await drain(gw.url, phone, id, rest.key);
    assert.deepEqual([next.changes, next.deletes, next.adds], [3, 2, 4]);
    assert.equal(next.ops, e!.estimate);

    // A narrower FilterType: the messages older than a week leave, as SoftDeletes.
    const [narrow] = await estimate(gw.url, phone, request([{ id, key: next.key, filterType: 3 }]));
    const soft = await drain(gw.url, phone, id, next.key, 3);
    assert.ok(soft.softDeletes > 0, 'the seeded year has mail older than a week');
    assert.equal(soft.ops, narrow!.estimate);
    assert.equal(soft.softDeletes, narrow!.estimate);
    phoneKey = soft.key;
  });

  it('answers each collection of a request with its own Status', async () => {
    const inbox = ids.get('Inbox')!;
    const res = await estimate(gw.url, phone, request([
      { id, key: phoneKey, filterType: 3 },
      { id: 'nosuchcollection', key: phoneKey },
      { id, key: '999999999' },
      { id: inbox, key: '17' },
      { id, key: phoneKey, cls: 'Calendar' },
    ]));
    assert.deepEqual(res.map((r) => [r.collectionId, r.status, r.estimate]), [
      [id, 1, 0],
      ['nosuchcollection', 2, undefined],
      [id, 4, undefined],
      [inbox, 3, undefined], // this device never synced its Inbox
      [id, 2, undefined],
    ]);
    assert.deepEqual(await estimate(gw.url, phone, el(GIE, GIE, [])), [{ status: 103 }]);
  });

  it('the 2.5 shape (Class and FilterType in Collection) counts a 2.5 device\'s first sync', async () => {
    const old: Phone = { deviceId: `${RUN}b`, version: '2.5' };
    const ids25 = await folderIds(gw.url, old);
    const id25 = ids25.get(BOX)!;
    const prime = await sync(gw.url, old, syncRequest([collection({ className: 'Email', syncKey: '0', collectionId: id25 })]));
    const key = prime.collections[0]!.syncKey;
    const st = await imap.status(BOX, { messages: true });
    const body = el(GIE, GIE, [el(GIE, 'Collections', [el(GIE, 'Collection', [
      el(GIE, 'Class', 'Email'), el(GIE, 'CollectionId', id25), el(AS, 'FilterType', 0), el(AS, 'SyncKey', key),
    ])])]);
    assert.deepEqual(await estimate(gw.url, old, body), [{ status: 1, collectionId: id25, estimate: st && st.messages }]);
    assert.deepEqual(await estimate(gw.url, old, el(GIE, GIE, [el(GIE, 'Collections', [])])), [{ status: 2 }], '2.5 has no 103');
  });

  it('answers the captured requests of pyactivesync (16.1) and TbSync (2.5, 14.0)', async () => {
    const dir = join(FIXTURES_DIR, 'captured_clients');
    const captured: [string, Phone][] = [
      ['pyactivesync_monperrus_eas16.1/006-GetItemEstimate.req.wbxml', { deviceId: `${RUN}py`, version: '16.1' }],
      ['eas4tbsync_eas2.5/006-GetItemEstimate.req.wbxml', { deviceId: `${RUN}tb25`, version: '2.5' }],
      ['eas4tbsync_eas14.0/007-GetItemEstimate.req.wbxml', { deviceId: `${RUN}tb14`, version: '14.0' }],
    ];
    const statuses: number[][] = [];
    for (const [file, p] of captured) statuses.push((await estimate(gw.url, p, readFileSync(join(dir, file)))).map((a) => a.status));
    // pyactivesync asks about collection 3 with key 1, never synced by that device: 3 when 3 is
    // one of alice's mail folders, else 2; TbSync asks about its Calendar: no such mail collection.
    const three = [...ids.values()].includes('3');
    assert.deepEqual(statuses, [[three ? 3 : 2], [2], [2]]);
  });
});
