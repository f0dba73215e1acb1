/**
 * GetItemEstimate over in-memory ports (FakeFeed, FakeMailStore, a real SQLite state store):
 * the Estimate equals what the following Sync turns (prepareCollectionSync, committed) send in
 * total, the spec's Status per collection, the request shapes of 2.5/12.x and 14.0+, the
 * captured client requests, and no state written. Every response is checked against the XSD.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { decode, el, type WbxmlElement } from '../../../../codec/index.js';
import { getItemEstimate } from '../../../../gateway/commands/get-item-estimate.js';
import { makeAuthenticatedUser, type CommandContext, type ProtocolVersion } from '../../../../gateway/commands/types.js';
import { EasStatusError } from '../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import type { CommandPorts } from '../../../../gateway/ports/index.js';
import type { StateStore } from '../../../../gateway/ports/state-store.js';
import { prepareCollectionSync, type CollectionSyncRequest } from '../../../../gateway/sync/collection-sync.js';
import { FIXTURES_DIR } from '../../../support/fixtures.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { tempStore } from '../state/helpers.js';
import { FakeFeed } from '../sync/fake-feed.js';
import { FakeMailStore } from './folder-fakes.js';

const USER = 'alice@example.com';
const DEVICE = 'GIEDEVICE1';
const NOW = new Date('2026-11-25T12:00:00Z');
const GIE = 'GetItemEstimate';
const AS = 'AirSync';

interface Harness {
  feed: FakeFeed;
  store: StateStore;
  mail: FakeMailStore;
  /** CollectionId of INBOX (the feed's collection). */
  inbox: string;
  /** One committed Sync turn, as the Sync command would run it; returns its ops count and key. */
  sync(key: string, more?: Partial<CollectionSyncRequest>): Promise<{ key: string; count: number; more: boolean }>;
  estimate(body: WbxmlElement | undefined, version?: ProtocolVersion): Promise<WbxmlElement | number>;
}

async function harness(t: TestContext): Promise<Harness> {
  const { store } = tempStore(t);
  const mail = new FakeMailStore();
  const feed = new FakeFeed();
  const folders = await mail.listFolders();
  const ids = new Map<string, string>();
  for (const f of folders) ids.set(f.path, await store.folderServerId(USER, f.backendId));
  const inbox = ids.get('INBOX')!;
  const device = { user: USER, deviceId: DEVICE };
  await store.touchDevice({ ...device, at: NOW });
  const user = makeAuthenticatedUser(USER, USER, new BackendCredentials(USER, 'pw'));
  return {
    feed,
    store,
    mail,
    inbox,
    async sync(key, more = {}) {
      const r = await prepareCollectionSync(feed, store, { device, collectionId: inbox, collection: 'INBOX', syncKey: key, filterType: 0, now: NOW, ...more });
      if (r.status !== 'ok') throw new Error(`sync ${key}: ${r.status}`);
      await store.transaction((tx) => r.commit(tx));
      return { key: r.syncKey, count: r.ops.length, more: r.moreAvailable };
    },
    async estimate(body, version = '16.1') {
      const ctx: CommandContext = {
        command: 'GetItemEstimate',
        user,
        device: { id: DEVICE, type: 'TestPhone' },
        protocolVersion: version,
        params: { saveInSent: false, acceptMultiPart: false },
        log: pino({ level: 'silent' }),
        signal: new AbortController().signal,
        ports: { state: store, clock: { now: () => NOW }, mail, mailFeed: feed } as Partial<CommandPorts> as CommandPorts,
      };
      try {
        const r = await getItemEstimate(ctx, { kind: 'wbxml', root: body });
        assert.equal(r.kind, 'wbxml');
        if (r.kind !== 'wbxml') throw new Error('unreachable');
        const xsd = validateEasResponse(r.root, 'GetItemEstimateResponse');
        assert.ok(xsd.valid, `${xsd.errors.join('\n')}\n${xsd.xml}`);
        return r.root;
      } catch (err) {
        if (err instanceof EasStatusError) return err.easStatus;
        throw err;
      }
    },
  };
}

/** 14.0+ shape: Options with Class and FilterType. */
function request14(collections: { id: string; key: string; filterType?: number; cls?: string }[]): WbxmlElement {
  return el(GIE, GIE, [el(GIE, 'Collections', collections.map((c) => el(GIE, 'Collection', [
    el(AS, 'SyncKey', c.key),
    el(GIE, 'CollectionId', c.id),
    el(AS, 'Options', [...(c.filterType !== undefined ? [el(AS, 'FilterType', c.filterType)] : []), el(AS, 'Class', c.cls ?? 'Email')]),
  ])))]);
}

/** 2.5/12.x shape: Class and FilterType directly in Collection. */
function request25(c: { id: string; key: string; filterType?: number; cls?: string }): WbxmlElement {
  return el(GIE, GIE, [el(GIE, 'Collections', [el(GIE, 'Collection', [
    el(GIE, 'Class', c.cls ?? 'Email'),
    el(GIE, 'CollectionId', c.id),
    ...(c.filterType !== undefined ? [el(AS, 'FilterType', c.filterType)] : []),
    el(AS, 'SyncKey', c.key),
  ])])]);
}

function answers(res: WbxmlElement | number): { status: number; id?: string; estimate?: number }[] {
  assert.notEqual(typeof res, 'number', `top-level status ${String(res)}`);
  const root = res as WbxmlElement;
  return root.children.filter((c) => c.tag === 'Response').map((r) => {
    const coll = r.children.find((c) => c.tag === 'Collection');
    const text = (e: WbxmlElement | undefined, tag: string) => e?.children.find((c) => c.tag === tag)?.text;
    const est = text(coll, 'Estimate');
    return { status: Number(text(r, 'Status')), id: text(coll, 'CollectionId'), ...(est !== undefined ? { estimate: Number(est) } : {}) };
  });
}

/** Runs Sync turns until MoreAvailable is off; the total number of operations sent. */
async function drain(h: Harness, key: string, windowSize = 100): Promise<{ key: string; total: number }> {
  let total = 0;
  for (;;) {
    const r = await h.sync(key, { windowSize });
    total += r.count;
    key = r.key;
    if (!r.more) return { key, total };
  }
}

describe('GetItemEstimate', () => {
  it('counts what the next Syncs send: the whole first sync, then what is left after each window', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-20', 250);
    const k0 = (await h.sync('0')).key;
    assert.deepEqual(answers(await h.estimate(request14([{ id: h.inbox, key: k0 }]))), [{ status: 1, id: h.inbox, estimate: 250 }]);
    const k1 = (await h.sync(k0, { windowSize: 100 })).key;
    assert.deepEqual(answers(await h.estimate(request14([{ id: h.inbox, key: k1 }])))[0]?.estimate, 150);
    // Estimates write nothing: the same key still syncs, and sends exactly the estimate.
    const rest = await drain(h, k1);
    assert.equal(rest.total, 150);
    assert.deepEqual(answers(await h.estimate(request14([{ id: h.inbox, key: rest.key }])))[0]?.estimate, 0);
  });

  it('counts server changes, expunges and new items, and equals what the next Sync sends', async (t) => {
    const h = await harness(t);
    const ids = h.feed.append('2026-11-20', 30);
    const { key } = await drain(h, (await h.sync('0')).key);
    h.feed.touch(ids[0]!);
    h.feed.touch(ids[1]!);
    h.feed.expunge(ids[2]!);
    h.feed.append('2026-11-24', 3);
    const before = h.feed.calls.changesSince;
    assert.equal(answers(await h.estimate(request14([{ id: h.inbox, key }])))[0]?.estimate, 6);
    assert.equal(h.feed.calls.changesSince, before + 1);
    assert.equal((await drain(h, key)).total, 6);
  });

  it('counts the replay of a lost response when the client retries the previous key', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-20', 120);
    const k0 = (await h.sync('0')).key;
    await h.sync(k0, { windowSize: 100 });
    // The client never got that answer: its next Sync with k0 gets the 100 again, then 20 more.
    assert.equal(answers(await h.estimate(request14([{ id: h.inbox, key: k0 }])))[0]?.estimate, 120);
  });

  it('narrowing the FilterType counts the SoftDeletes the next Sync sends', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-01-01', 5);
    h.feed.append('2026-11-24', 2);
    const { key } = await drain(h, (await h.sync('0')).key);
    // FilterType 3 (1 week): the five January messages leave the window.
    assert.equal(answers(await h.estimate(request25({ id: h.inbox, key, filterType: 3 }), '2.5'))[0]?.estimate, 5);
    assert.equal(answers(await h.estimate(request14([{ id: h.inbox, key, filterType: 3 }])))[0]?.estimate, 5);
    // Without a FilterType the client's last one (0, all) holds: nothing to do.
    assert.equal(answers(await h.estimate(request14([{ id: h.inbox, key }])))[0]?.estimate, 0);
    let total = 0;
    for (let k = key, more = true; more; ) {
      const r = await h.sync(k, { filterType: 3 });
      total += r.count;
      k = r.key;
      more = r.more;
    }
    assert.equal(total, 5);
  });

  it('answers each collection with its own Status: 2 unknown or not mail, 3 not primed, 4 unknown key', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-20', 3);
    const k0 = (await h.sync('0')).key;
    const drafts = await h.store.folderServerId(USER, (await h.mail.listFolders()).find((f) => f.path === 'Drafts')!.backendId);
    const res = answers(await h.estimate(request14([
      { id: h.inbox, key: k0 },
      { id: '999', key: k0 },
      { id: h.inbox, key: '0' },
      { id: drafts, key: '5' },
      { id: h.inbox, key: String(Number(k0) + 7) },
      { id: h.inbox, key: 'garbage' },
      { id: h.inbox, key: k0, cls: 'Calendar' },
      { id: h.inbox, key: k0, filterType: 9 },
    ])));
    assert.deepEqual(res.map((r) => [r.id, r.status, r.estimate]), [
      [h.inbox, 1, 3],
      ['999', 2, undefined],
      [h.inbox, 3, undefined],
      [drafts, 3, undefined],
      [h.inbox, 4, undefined],
      [h.inbox, 4, undefined],
      [h.inbox, 2, undefined],
      [h.inbox, 2, undefined],
    ]);
  });

  it('a key whose folder was renumbered (UIDVALIDITY) is Status 4, as the next Sync re-primes', async (t) => {
    const h = await harness(t);
    h.feed.append('2026-11-20', 3);
    const k0 = (await h.sync('0')).key;
    h.feed.recreate();
    assert.equal(answers(await h.estimate(request14([{ id: h.inbox, key: k0 }])))[0]?.status, 4);
  });

  it('an unreadable request gets a top-level Status: 103 from 14.0, 2 before', async (t) => {
    const h = await harness(t);
    assert.equal(await h.estimate(undefined), 103);
    assert.equal(await h.estimate(el(GIE, GIE, [el(GIE, 'Collections', [])]), '14.1'), 103);
    assert.equal(await h.estimate(el(GIE, GIE, [el(GIE, 'Collections', [el(GIE, 'Collection', [el(GIE, 'CollectionId', '1')])])]), '12.1'), 2);
    assert.equal(await h.estimate(el('FolderHierarchy', 'FolderSync', []), '2.5'), 2);
  });

  it('answers the captured requests of pyactivesync 16.1 and TbSync 2.5/14.0 sensibly', async (t) => {
    const h = await harness(t);
    const dir = join(FIXTURES_DIR, 'captured_clients');
    const cases: [string, ProtocolVersion][] = [
      ['pyactivesync_monperrus_eas16.1/006-GetItemEstimate.req.wbxml', '16.1'],
      ['eas4tbsync_eas2.5/006-GetItemEstimate.req.wbxml', '2.5'],
      ['eas4tbsync_eas14.0/007-GetItemEstimate.req.wbxml', '14.0'],
    ];
    const got: number[][] = [];
    for (const [file, version] of cases) {
      const res = answers(await h.estimate(decode(readFileSync(join(dir, file))), version));
      got.push(res.map((r) => r.status));
    }
    // pyactivesync asks about collection 3 with key 1 before this device ever synced it: 3 when
    // 3 is one of alice's mail folders, 2 when it names nothing. TbSync (2.5 and 14.0) asks
    // about its Calendar (a class no mail collection has): 2.
    const three = await h.store.folderBackendId(USER, '3');
    assert.deepEqual(got, [[three ? 3 : 2], [2], [2]]);
  });
});
