/**
 * Search (Store Mailbox) through the HTTP endpoint against Dovecot, over a folder of this run's own
 * seeded with 2,000 known messages and a subfolder: a subject word (Total and order checked against
 * an independent imapflow search and the seeder's dates), Range paging, a date range (exactly the
 * seeded messages between two instants), DeepTraversal, BodyPreference, and the refusals. Every
 * response validates against Microsoft's SearchResponse.xsd.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { formatEmailDate } from '../../../gateway/items/values.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox, type SeedMailboxResult } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { memoryLog } from '../../support/memory-log.js';
import { cleanUp, eas, timing, folderIds, imapAsAlice, kid, kids, mime, RUN, text, type Phone } from './support.js';

const S = 'Search';
const BIG = `${RUN}-big`;
const CHILD = `${BIG}/child`;
const TOKEN = `tok${RUN}`;

interface Answer { status: number; store: number; total?: number; range?: string; results: { longId: string; collectionId: string; subject?: string; props: WbxmlElement }[] }

function parse(r: WbxmlElement): Answer {
  const store = kid(kid(r, 'Response'), 'Store');
  return {
    status: Number(text(r, 'Status')),
    store: Number(text(store, 'Status')),
    ...(text(store, 'Total') !== undefined ? { total: Number(text(store, 'Total')) } : {}),
    ...(text(store, 'Range') !== undefined ? { range: text(store, 'Range')! } : {}),
    results: kids(store, 'Result').filter((x) => x.children.length > 0).map((x) => ({
      longId: text(x, 'LongId')!,
      collectionId: text(x, 'CollectionId')!,
      subject: text(kid(x, 'Properties'), 'Subject'),
      props: kid(x, 'Properties')!,
    })),
  };
}

function searchReq(query: WbxmlElement[], options: WbxmlElement[] = [], store = 'Mailbox'): WbxmlElement {
  return el(S, 'Search', [el(S, 'Store', [el(S, 'Name', store), el(S, 'Query', query), el(S, 'Options', options)])]);
}
const and = (...c: WbxmlElement[]) => el(S, 'And', c);
const coll = (id: string) => el('AirSync', 'CollectionId', id);
const free = (t: string) => el(S, 'FreeText', t);
const cmp = (tag: 'GreaterThan' | 'LessThan', d: Date) => el(S, tag, [el('Email', 'DateReceived', []), el(S, 'Value', formatEmailDate(d))]);
const range = (r: string) => el(S, 'Range', r);

describe('Search of the mailbox over HTTP with WBXML, on Dovecot', { timeout: 240_000 }, () => {
  const log = memoryLog('debug');
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let seeded: SeedMailboxResult;
  let bigId = '';
  let childId = '';
  const phone: Phone = { deviceId: `SR${RUN}`, version: '14.1' };
  const run = async (root: WbxmlElement, p: Phone = phone) => parse(await eas(gw.url, p, 'Search', root));
  const uidOf = (longId: string) => Number(longId.split(':')[1]);

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }), { logger: log.logger });
    imap = await imapAsAlice();
    seeded = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BIG, count: 2000, seed: 5 });
    await imap.mailboxCreate(CHILD);
    // The token message in the parent is older than the one in the child.
    await imap.append(BIG, mime(`${TOKEN} parent`), [], new Date('2026-01-01T10:00:00Z'));
    await imap.append(CHILD, mime(`${TOKEN} child`), [], new Date('2026-02-01T10:00:00Z'));
    await imap.append(CHILD, mime(`other ${RUN}`, `the body mentions ${TOKEN} too`), [], new Date('2025-06-01T10:00:00Z'));
    const ids = await folderIds(gw.url, phone);
    bigId = ids.get(BIG)!;
    childId = ids.get(CHILD)!;
    assert.ok(bigId && childId);
  });
  after(async () => {
    await gw?.close();
    await imap?.logout();
    await cleanUp();
    await cleanUp(USERS.bob);
    data?.remove();
  });

  it('a subject word: Total as an independent IMAP search counts, newest first, paged by Range', async () => {
    const counts = new Map<string, number>();
    for (const m of seeded.messages) for (const w of new Set(m.subject.toLowerCase().match(/[a-z]{5,}/g) ?? [])) counts.set(w, (counts.get(w) ?? 0) + 1);
    const word = [...counts].filter(([, n]) => n > 100 && n < 1000).sort((a, b) => b[1] - a[1])[0]![0];
    const lock = await imap.getMailboxLock(BIG, { readOnly: true });
    let expected: number[];
    try {
      const r = await imap.search({ or: [{ subject: word }, { from: word }, { to: word }, { cc: word }, { body: word }] }, { uid: true });
      expected = (Array.isArray(r) ? r : []).sort((a, b) => b - a);
    } finally {
      lock.release();
    }
    assert.ok(expected.length >= counts.get(word)!);
    const first = await run(searchReq([and(coll(bigId), free(word))], [range('0-9')]));
    const ms = timing.lastHttpMs;
    assert.deepEqual([first.status, first.store, first.total, first.range], [1, 1, expected.length, '0-9']);
    assert.deepEqual(first.results.map((r) => uidOf(r.longId)), expected.slice(0, 10));
    assert.ok(first.results.every((r) => r.collectionId === bigId && r.longId.startsWith(`${bigId}:`)));
    const second = await run(searchReq([and(coll(bigId), free(word))], [range('10-19')]));
    assert.deepEqual([second.total, second.range], [expected.length, '10-19']);
    assert.deepEqual(second.results.map((r) => uidOf(r.longId)), expected.slice(10, 20));
    const past = await run(searchReq([and(coll(bigId), free(word))], [range('990-999')]));
    assert.deepEqual([past.store, past.total, past.results.length, past.range], [1, expected.length, Math.max(0, Math.min(10, expected.length - 990)), past.range]);
    console.log(`# Search of a ${word} (${expected.length} hits) over 2,000 messages, first 10: ${ms.toFixed(0)} ms`);
  });

  it('a date range: exactly the seeded messages received between the two instants, newest first', async () => {
    const sorted = seeded.messages.map((m) => m.internalDate.getTime()).sort((a, b) => a - b);
    const from = new Date((sorted[1000]! + sorted[1001]!) / 2);
    const to = new Date((sorted[1040]! + sorted[1041]!) / 2);
    const r = await run(searchReq([and(coll(bigId), cmp('GreaterThan', from), cmp('LessThan', to))], [range('0-99')]));
    const expected = seeded.messages.filter((m) => m.internalDate > from && m.internalDate < to).sort((a, b) => b.internalDate.getTime() - a.internalDate.getTime()).map((m) => m.uid!);
    console.log(`# Search by a DateReceived range over 2,000 messages (40 hits, all returned with properties): ${timing.lastHttpMs.toFixed(0)} ms`);
    assert.equal(expected.length, 40);
    assert.deepEqual([r.store, r.total, r.range], [1, 40, '0-39']);
    assert.deepEqual(r.results.map((x) => uidOf(x.longId)), expected);
    const subjects = new Map(seeded.messages.map((m) => [m.uid!, m.subject]));
    assert.deepEqual(r.results.map((x) => x.subject), expected.map((u) => subjects.get(u)));
  });

  it('DeepTraversal searches the subfolders too, merged newest first; without it only the folder itself', async () => {
    const flat = await run(searchReq([and(coll(bigId), free(TOKEN))]));
    assert.deepEqual([flat.total, flat.results.map((r) => r.subject)], [1, [`${TOKEN} parent`]]);
    const deep = await run(searchReq([and(coll(bigId), free(TOKEN))], [el(S, 'DeepTraversal', [])]));
    assert.deepEqual([deep.total, deep.results.map((r) => [r.subject, r.collectionId])], [3, [[`${TOKEN} child`, childId], [`${TOKEN} parent`, bigId], [`other ${RUN}`, childId]]]);
  });

  it('no CollectionId: every mail folder of the user (bob, whose mailbox other suites leave small)', async () => {
    const bobImap = await imapAsAlice(USERS.bob);
    try {
      await bobImap.mailboxCreate(`${RUN}-b`);
      await bobImap.mailboxCreate(`${RUN}-b/deep`);
      await bobImap.append(`${RUN}-b`, mime(`${TOKEN} bob one`), [], new Date('2026-03-01T10:00:00Z'));
      await bobImap.append(`${RUN}-b/deep`, mime(`${TOKEN} bob two`), [], new Date('2026-04-01T10:00:00Z'));
    } finally {
      await bobImap.logout();
    }
    const bobPhone: Phone = { deviceId: `SRB${RUN}`, version: '14.1' };
    const ids = await folderIds(gw.url, bobPhone, USERS.bob);
    const r = parse(await eas(gw.url, bobPhone, 'Search', searchReq([free(TOKEN)]), USERS.bob));
    console.log(`# Search of a word in every folder of bob's mailbox: ${timing.lastHttpMs.toFixed(0)} ms`);
    assert.deepEqual([r.store, r.total, r.results.map((x) => [x.subject, x.collectionId])], [1, 2, [[`${TOKEN} bob two`, ids.get(`${RUN}-b/deep`)], [`${TOKEN} bob one`, ids.get(`${RUN}-b`)]]]);
  });

  it('12.0, 12.1 and 16.1 answer the same hits, each valid per the XSD with its version\'s properties', async () => {
    const want = (await run(searchReq([and(coll(childId), free(TOKEN))]))).results.map((x) => x.longId);
    for (const version of ['12.0', '12.1', '16.1']) {
      const p: Phone = { deviceId: `SR${version.replace('.', '')}${RUN}`, version };
      await folderIds(gw.url, p);
      const r = await run(searchReq([and(coll(childId), free(TOKEN))], [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '2')])]), p);
      assert.deepEqual(r.results.map((x) => x.longId), want, version);
      assert.equal(kid(r.results[0]!.props, 'ConversationId') !== undefined, version !== '12.0' && version !== '12.1', `${version}: ConversationId is 14.0+`);
    }
  });

  it('BodyPreference: the results carry a truncated plain-text body', async () => {
    const r = await run(searchReq([and(coll(childId), free(TOKEN))], [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'TruncationSize', '10')])]));
    assert.equal(r.total, 2);
    for (const x of r.results) {
      const body = kid(x.props, 'Body');
      assert.deepEqual([text(body, 'Type'), text(body, 'Truncated'), (text(body, 'Data') ?? '').length <= 10], ['1', '1', true]);
    }
  });

  it('ConversationId: every message of the thread, found from the id a result carried', async () => {
    const roots = new Map<string, number[]>();
    for (const m of seeded.messages) roots.set(m.threadRoot, [...(roots.get(m.threadRoot) ?? []), m.uid!]);
    const [root, members] = [...roots].sort((a, b) => b[1].length - a[1].length)[0]!;
    assert.ok(members.length >= 3, `the seeder made a thread of ${members.length}`);
    const subject = seeded.messages.find((m) => m.messageId === root)!.subject;
    // The thread root's own result tells the ConversationId, as a phone would learn it.
    const date = seeded.messages.find((m) => m.messageId === root)!.internalDate;
    const around = await run(searchReq([and(coll(bigId), cmp('GreaterThan', new Date(date.getTime() - 1000)), cmp('LessThan', new Date(date.getTime() + 1000)))]));
    const hit = around.results.find((x) => x.subject === subject)!;
    const conversation = kid(hit.props, 'ConversationId')!;
    assert.ok(conversation.opaque && conversation.opaque.length === 16);
    const r = await run(searchReq([and(coll(bigId), el(S, 'ConversationId', conversation.opaque))]));
    const ms = timing.lastHttpMs;
    assert.deepEqual([r.store, r.total], [1, members.length]);
    assert.deepEqual(r.results.map((x) => uidOf(x.longId)).sort((a, b) => a - b), [...members].sort((a, b) => a - b));
    console.log(`# Search by ConversationId over 2,000 messages (${members.length} in the thread): ${ms.toFixed(0)} ms`);
  });

  it('refusals: GAL and DocumentLibrary stores, an unknown CollectionId, a bad Range are Store Status 2; a CollectionId inside an Or is 8', async () => {
    assert.deepEqual(await run(searchReq([free('x')], [], 'GAL')), { status: 1, store: 2, results: [] });
    assert.equal((await run(searchReq([free('x')], [], 'DocumentLibrary'))).store, 2);
    assert.equal((await run(searchReq([and(coll('no-such'), free('x'))]))).store, 2);
    assert.equal((await run(searchReq([and(coll(bigId), free('x'))], [range('9-2')]))).store, 2);
    assert.equal((await run(searchReq([el(S, 'Or', [coll(bigId), free('x')])]))).store, 8);
    const none = await run(searchReq([and(coll(bigId), free(`nothing${RUN}`))]));
    assert.deepEqual([none.store, none.total, none.results.length, none.range], [1, 0, 0, undefined]);
  });
});
