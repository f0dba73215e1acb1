/**
 * Changes a phone sends in Sync land on Dovecot: Read, Flag (details kept and sent back),
 * Categories as keywords, Delete as a move to Trash or a real expunge, a 16.1 draft Add in
 * Drafts (and its retry, which appends nothing), all through the HTTP endpoint with WBXML.
 * Messages in the shared Drafts and Trash folders carry this run's token and are removed after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { memoryLog } from '../../support/memory-log.js';
import { DRAFT_MARKER, draftMarkerValue } from '../../../gateway/commands/sync/client/adds.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { AS, bodyPreference, cleanUp, drain, field, folderIds, imapAsAlice, RUN, sync, syncRequest, type Phone } from './support.js';

const BOX = `${RUN}-client`;
const TOKEN = `tok${RUN}`;
const E = 'Email';
const ASB = 'AirSyncBase';
const phone: Phone = { deviceId: `client${RUN}`.slice(0, 32), version: '16.1' };

/** A Sync Collection with commands, in AirSync's element order (DeletesAsMoves before GetChanges). */
function coll(syncKey: string, collectionId: string, commands: WbxmlElement[], extra: { deletesAsMoves?: boolean; conflict?: 0 | 1; v25?: boolean } = {}): WbxmlElement {
  const kids = [...(extra.v25 ? [el(AS, 'Class', 'Email')] : []), el(AS, 'SyncKey', syncKey), el(AS, 'CollectionId', collectionId)];
  if (extra.deletesAsMoves !== undefined) kids.push(el(AS, 'DeletesAsMoves', extra.deletesAsMoves ? '1' : '0'));
  kids.push(el(AS, 'GetChanges', '1'));
  const opts = extra.v25 ? [el(AS, 'Truncation', '9')] : [bodyPreference(2, 20000)];
  if (extra.conflict !== undefined) opts.unshift(el(AS, 'Conflict', extra.conflict));
  kids.push(el(AS, 'Options', opts));
  if (commands.length) kids.push(el(AS, 'Commands', commands));
  return el(AS, 'Collection', kids);
}

const change = (serverId: string, ...data: WbxmlElement[]) => el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', data)]);
const del = (serverId: string) => el(AS, 'Delete', [el(AS, 'ServerId', serverId)]);
const text = (e: WbxmlElement, tag: string) => e.children.find((c) => c.tag === tag)?.text;

async function flagsBySubject(imap: ImapFlow, path: string): Promise<Map<string, { uid: number; flags: Set<string> }>> {
  const out = new Map<string, { uid: number; flags: Set<string> }>();
  const lock = await imap.getMailboxLock(path, { readOnly: true });
  try {
    // A mailbox already selected learns of other sessions' appends and expunges only with a NOOP.
    await imap.noop();
    const uids = (await imap.search({ header: { subject: TOKEN } }, { uid: true })) || [];
    if (uids.length === 0) return out;
    for await (const m of imap.fetch(uids, { uid: true, envelope: true, flags: true }, { uid: true })) out.set(m.envelope?.subject ?? '', { uid: m.uid, flags: m.flags ?? new Set() });
  } finally {
    lock.release();
  }
  return out;
}

async function removeTokenMessages(imap: ImapFlow, path: string): Promise<void> {
  const lock = await imap.getMailboxLock(path);
  try {
    const uids = (await imap.search({ header: { subject: TOKEN } }, { uid: true })) || [];
    if (uids.length) await imap.messageDelete(uids, { uid: true });
  } finally {
    lock.release();
  }
}

describe('Sync client changes over HTTP land on Dovecot', { timeout: 120_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let url: string;
  let ids: Map<string, string>;
  let cid: string;
  let key: string;
  const sid = new Map<string, string>();
  /** The Drafts collection, its key and the draft the phone added. */
  let drafts: string;
  let draftKey: string;
  let draftId: string;
  let draftAttachmentRef: string;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }), { logger: memoryLog().logger });
    url = gw.url;
    imap = await imapAsAlice();
    await imap.mailboxCreate(BOX);
    for (const name of ['A', 'B', 'C', 'D']) {
      const mime = `From: Carol <carol@example.com>\r\nTo: alice@example.com\r\nSubject: ${name} ${TOKEN}\r\nMessage-ID: <${name}.${RUN}@example.com>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nbody ${name}\r\n`;
      await imap.append(BOX, mime, name === 'D' ? ['Home'] : []);
    }
    ids = await folderIds(url, phone);
    cid = ids.get(BOX)!;
    assert.ok(cid, 'the test folder is listed');
    const first = await sync(url, phone, syncRequest([coll('0', cid, [])]));
    const got = await drain(url, phone, cid, first.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] });
    key = got.key;
    for (const a of got.adds) sid.set(field(a.data, 'Subject')!.split(' ')[0]!, a.serverId);
    assert.deepEqual([...sid.keys()].sort(), ['A', 'B', 'C', 'D']);
  });

  after(async () => {
    await gw?.close();
    if (imap) {
      for (const path of ['Trash', 'Drafts']) await removeTokenMessages(imap, path).catch(() => undefined);
      await imap.logout().catch(() => undefined);
    }
    await cleanUp();
    data?.remove();
  });

  it('Read, Flag and Categories become \\Seen, \\Flagged and keywords, with no echo and no Responses', async () => {
    const r = await sync(url, phone, syncRequest([coll(key, cid, [
      change(sid.get('A')!, el(E, 'Read', '1')),
      change(sid.get('B')!, el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Call back'), el('Tasks', 'StartDate', '2026-11-25T00:00:00.000Z'), el('Tasks', 'UtcStartDate', '2026-11-25T00:00:00.000Z'), el('Tasks', 'DueDate', '2026-11-27T00:00:00.000Z'), el('Tasks', 'UtcDueDate', '2026-11-27T00:00:00.000Z'), el('Tasks', 'ReminderSet', '1'), el('Tasks', 'ReminderTime', '2026-11-26T09:00:00.000Z')])),
      change(sid.get('D')!, el(E, 'Categories', [el(E, 'Category', 'Blue Category'), el(E, 'Category', 'Work')])),
    ])]));
    const c = r.collections[0]!;
    assert.equal(c.status, 1);
    assert.deepEqual(c.responses, []);
    assert.deepEqual(c.changes, [], 'the client\'s own changes are not echoed');
    key = c.syncKey;
    const now = await flagsBySubject(imap, BOX);
    assert.ok(now.get(`A ${TOKEN}`)!.flags.has('\\Seen'));
    assert.ok(now.get(`B ${TOKEN}`)!.flags.has('\\Flagged'));
    assert.deepEqual([...now.get(`D ${TOKEN}`)!.flags].sort(), ['Blue&ACA-Category', 'Work'], 'Home went, the two categories came');
  });

  it('the flag details and categories come back (Fetch and the next server Change)', async () => {
    const r = await sync(url, phone, syncRequest([coll(key, cid, [el(AS, 'Fetch', [el(AS, 'ServerId', sid.get('B')!)]), el(AS, 'Fetch', [el(AS, 'ServerId', sid.get('D')!)])])]));
    const c = r.collections[0]!;
    key = c.syncKey;
    const fetched = new Map(c.responses.filter((x) => x.tag === 'Fetch').map((x) => [text(x, 'ServerId')!, x.children.find((y) => y.tag === 'ApplicationData')!.children]));
    const b = fetched.get(sid.get('B')!)!;
    assert.equal(field(b, 'Flag', 'Status'), '2');
    assert.equal(field(b, 'Flag', 'FlagType'), 'Call back');
    assert.equal(field(b, 'Flag', 'DueDate'), '2026-11-27T00:00:00.000Z');
    assert.equal(field(b, 'Flag', 'ReminderSet'), '1');
    assert.equal(field(b, 'Flag', 'ReminderTime'), '2026-11-26T09:00:00.000Z');
    const d = fetched.get(sid.get('D')!)!;
    assert.deepEqual(d.find((x) => x.tag === 'Categories')!.children.map((x) => x.text).sort(), ['Blue Category', 'Work']);

    // Another program marks B read: the Change the phone gets still carries the details.
    await imapFlags(`B ${TOKEN}`, '\\Seen');
    const next = await sync(url, phone, syncRequest([coll(key, cid, [])]));
    const nc = next.collections[0]!;
    key = nc.syncKey;
    assert.deepEqual(nc.changes.map((x) => x.serverId), [sid.get('B')], 'only B: the client\'s own changes of the round before are not echoed');
    const bc = nc.changes[0]!;
    assert.equal(field(bc.data, 'Read'), '1');
    assert.equal(field(bc.data, 'Flag', 'FlagType'), 'Call back');
  });

  it('a Change of an unknown item is Status 8; a malformed one Status 6; the others still apply', async () => {
    const r = await sync(url, phone, syncRequest([coll(key, cid, [
      change(`${cid}:999999`, el(E, 'Read', '1')),
      change(sid.get('C')!, el(E, 'Flag', [el(E, 'Status', '9')])),
      change(sid.get('C')!, el(E, 'Read', '1')),
    ])]));
    const c = r.collections[0]!;
    key = c.syncKey;
    assert.deepEqual(c.responses.map((x) => `${x.tag} ${text(x, 'ServerId')} ${text(x, 'Status')}`), [`Change ${cid}:999999 8`, `Change ${sid.get('C')} 6`]);
    assert.ok((await flagsBySubject(imap, BOX)).get(`C ${TOKEN}`)!.flags.has('\\Seen'));
  });

  it('Delete moves to Trash by default and expunges with DeletesAsMoves 0', async () => {
    const moved = await sync(url, phone, syncRequest([coll(key, cid, [del(sid.get('A')!)])]));
    key = moved.collections[0]!.syncKey;
    assert.deepEqual(moved.collections[0]!.responses, []);
    assert.deepEqual(moved.collections[0]!.deletes, [], 'no echo of the Delete');
    const gone = await sync(url, phone, syncRequest([coll(key, cid, [del(sid.get('C')!)], { deletesAsMoves: false })]));
    key = gone.collections[0]!.syncKey;
    const left = await flagsBySubject(imap, BOX);
    assert.deepEqual([...left.keys()].sort(), [`B ${TOKEN}`, `D ${TOKEN}`]);
    const trash = await flagsBySubject(imap, 'Trash');
    assert.ok(trash.has(`A ${TOKEN}`), 'A is in Trash');
    assert.ok(!trash.has(`C ${TOKEN}`), 'C was expunged, not moved');
  });

  it('Conflict: server wins by default (Status 7, the server\'s version is sent); client wins with Conflict 0', async () => {
    await imapFlags(`D ${TOKEN}`, '\\Seen');
    const r = await sync(url, phone, syncRequest([coll(key, cid, [change(sid.get('D')!, el(E, 'Read', '0'))])]));
    const c = r.collections[0]!;
    key = c.syncKey;
    assert.deepEqual(c.responses.map((x) => `${x.tag} ${text(x, 'ServerId')} ${text(x, 'Status')}`), [`Change ${sid.get('D')} 7`]);
    assert.equal(field(c.changes.find((x) => x.serverId === sid.get('D'))!.data, 'Read'), '1', 'the server\'s version goes to the phone');
    assert.ok((await flagsBySubject(imap, BOX)).get(`D ${TOKEN}`)!.flags.has('\\Seen'), 'IMAP keeps the server\'s state');

    await imapFlags(`D ${TOKEN}`, '\\Answered');
    const won = await sync(url, phone, syncRequest([coll(key, cid, [change(sid.get('D')!, el(E, 'Read', '0'))], { conflict: 0 })]));
    key = won.collections[0]!.syncKey;
    assert.deepEqual(won.collections[0]!.responses, []);
    assert.ok(!(await flagsBySubject(imap, BOX)).get(`D ${TOKEN}`)!.flags.has('\\Seen'), 'the client\'s change applied');
  });

  for (const version of ['2.5', '12.1', '14.1'] as const) {
    it(`at ${version}: Read${version === '2.5' ? '' : ' and Flag'}${version === '14.1' ? ' and Categories' : ''} land on IMAP; a draft Add is refused with Status 6`, async () => {
      const old: Phone = { deviceId: `c${version.replace('.', '')}${RUN}`.slice(0, 32), version };
      const v25 = version === '2.5';
      const oldIds = await folderIds(url, old);
      const box = oldIds.get(BOX)!;
      const first = await sync(url, old, syncRequest([coll('0', box, [], { v25 })]));
      const primed = await drain(url, old, box, first.collections[0]!.syncKey, v25 ? { className: 'Email', options: [el(AS, 'Truncation', '9')] } : { options: [bodyPreference(2, 20000)] });
      const bId = primed.adds.find((a) => field(a.data, 'Subject') === `B ${TOKEN}`)!.serverId;
      const data = [el(E, 'Read', '0')];
      if (!v25) data.push(el(E, 'Flag', [el(E, 'Status', '1'), el(E, 'CompleteTime', '2026-11-25T12:00:00.000Z'), el('Tasks', 'DateCompleted', '2026-11-25T12:00:00.000Z')]));
      if (version === '14.1') data.push(el(E, 'Categories', [el(E, 'Category', 'Old phone')]));
      const r = await sync(url, old, syncRequest([coll(primed.key, box, [change(bId, ...data)], { v25 })]));
      assert.equal(r.collections[0]!.status, 1);
      assert.deepEqual(r.collections[0]!.responses, []);
      const b = (await flagsBySubject(imap, BOX)).get(`B ${TOKEN}`)!.flags;
      assert.ok(!b.has('\\Seen'));
      if (!v25) assert.ok(!b.has('\\Flagged'), 'a completed flag clears \\Flagged');
      if (version === '14.1') assert.ok(b.has('Old&ACA-phone'));
      // Put B back as the later tests expect it.
      await imapFlags(`B ${TOKEN}`, '\\Seen');

      const draftsId = oldIds.get('Drafts')!;
      const d0 = await sync(url, old, syncRequest([coll('0', draftsId, [], { v25 })]));
      const d1 = await drain(url, old, draftsId, d0.collections[0]!.syncKey, v25 ? { className: 'Email', options: [el(AS, 'Truncation', '9')] } : { options: [bodyPreference(2, 20000)] });
      const add = el(AS, 'Add', [el(AS, 'ClientId', `old-${version}`), el(AS, 'ApplicationData', [el(E, 'Subject', `Old ${TOKEN}`)])]);
      const refused = await sync(url, old, syncRequest([coll(d1.key, draftsId, [add], { v25 })]));
      assert.deepEqual(refused.collections[0]!.responses.map((x) => `${x.tag} ${text(x, 'ClientId')} ${text(x, 'Status')}`), [`Add old-${version} 6`]);
      assert.equal((await flagsBySubject(imap, 'Drafts')).has(`Old ${TOKEN}`), false);
    });
  }

  async function imapFlags(subject: string, flag: string): Promise<void> {
    const lock = await imap.getMailboxLock(BOX);
    try {
      await imap.noop();
      await imap.messageFlagsAdd({ header: { subject } }, [flag]);
    } finally {
      lock.release();
    }
  }

  it('a 16.1 draft Add lands in Drafts with \\Draft; the retried request answers the same and appends nothing', async () => {
    drafts = ids.get('Drafts')!;
    const first = await sync(url, phone, syncRequest([coll('0', drafts, [])]));
    const primed = await drain(url, phone, drafts, first.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] });
    const subject = `Draft ${TOKEN}`;
    const add = el(AS, 'Add', [el(AS, 'ClientId', `c-${RUN}`), el(AS, 'ApplicationData', [
      el(E, 'To', '"Bob Example" <bob@example.com>'),
      el('Email2', 'Bcc', 'secret@example.com'),
      el(E, 'Subject', subject),
      el(E, 'Importance', '2'),
      el(ASB, 'Body', [el(ASB, 'Type', '2'), el(ASB, 'Data', '<p>Grüße, <b>Bob</b></p>')]),
      el(ASB, 'Attachments', [el(ASB, 'Add', [el(ASB, 'ClientId', 'att-1'), el(ASB, 'Content', new TextEncoder().encode('hello attachment')), el(ASB, 'DisplayName', 'notes.txt'), el(ASB, 'Method', '1'), el(ASB, 'ContentType', 'text/plain')])]),
    ])]);
    const req = syncRequest([coll(primed.key, drafts, [add])]);
    const r1 = await sync(url, phone, req);
    const a1 = r1.collections[0]!.responses.find((x) => x.tag === 'Add')!;
    assert.equal(text(a1, 'Status'), '1');
    const serverId = text(a1, 'ServerId')!;
    assert.match(serverId, new RegExp(`^${drafts}:\\d+$`));
    const att = a1.children.find((x) => x.tag === 'ApplicationData')!.children[0]!.children[0]!;
    assert.equal(text(att, 'ClientId'), 'att-1');
    assert.match(text(att, 'FileReference')!, new RegExp(`^${drafts}:\\d+:2$`));
    draftAttachmentRef = text(att, 'FileReference')!;
    draftId = serverId;
    draftKey = r1.collections[0]!.syncKey;
    assert.ok(!r1.collections[0]!.adds.some((x) => x.serverId === serverId), 'the new draft is not echoed as an Add');

    // The phone never saw that answer and sends the same request again with the same key.
    const r2 = await sync(url, phone, req);
    assert.deepEqual(r2.collections[0]!.responses, r1.collections[0]!.responses);
    assert.equal(r2.collections[0]!.syncKey, r1.collections[0]!.syncKey);

    const mine = await flagsBySubject(imap, 'Drafts');
    assert.equal(mine.size, 1, 'exactly one draft');
    const draft = mine.get(subject)!;
    assert.equal(`${drafts}:${draft.uid}`, serverId);
    assert.ok(draft.flags.has('\\Draft') && draft.flags.has('\\Seen'));
    const lock = await imap.getMailboxLock('Drafts', { readOnly: true });
    let raw: string;
    try {
      const msg = await imap.fetchOne(String(draft.uid), { source: true }, { uid: true });
      raw = msg ? msg.source!.toString('utf8') : '';
    } finally {
      lock.release();
    }
    assert.match(raw, /^To: Bob Example <bob@example\.com>\r$/m);
    assert.match(raw, /^Bcc: secret@example\.com\r$/m);
    assert.match(raw, /^Importance: high\r$/m);
    assert.match(raw, /^From: alice@example\.com\r$/m);
    assert.match(raw, /Content-Type: text\/html; charset=utf-8/);
    assert.match(raw, /filename=notes\.txt/);

    // Another 16.1 device syncs Drafts: the draft comes back through the converter as it was written.
    const tablet: Phone = { deviceId: `tab${RUN}`.slice(0, 32), version: '16.1' };
    const tabIds = await folderIds(url, tablet);
    const t0 = await sync(url, tablet, syncRequest([coll('0', tabIds.get('Drafts')!, [])]));
    const seen = await drain(url, tablet, drafts, t0.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] });
    const item = seen.adds.find((x) => x.serverId === serverId)!;
    assert.ok(item, 'the draft is listed');
    assert.equal(field(item.data, 'Subject'), subject);
    assert.equal(field(item.data, 'To'), '"Bob Example" <bob@example.com>');
    assert.equal(field(item.data, 'Bcc'), 'secret@example.com');
    assert.equal(field(item.data, 'Importance'), '2');
    assert.equal(field(item.data, 'IsDraft'), '1');
    assert.equal(field(item.data, 'Read'), '1');
    assert.equal(field(item.data, 'Body', 'Type'), '2');
    assert.match(field(item.data, 'Body', 'Data')!, /Grüße, <b>Bob<\/b>/);
    assert.equal(field(item.data, 'Attachments', 'Attachment', 'DisplayName'), 'notes.txt');
    assert.equal(field(item.data, 'Attachments', 'Attachment', 'FileReference'), text(att, 'FileReference'));
  });

  it('a draft Change recomposes the message: new subject and body, one attachment dropped and one added, same Message-ID', async () => {
    const before = await flagsBySubject(imap, 'Drafts');
    const oldUid = before.get(`Draft ${TOKEN}`)!.uid;
    const oldId = await messageIdOf('Drafts', oldUid);
    const r = await sync(url, phone, syncRequest([coll(draftKey, drafts, [change(draftId,
      el(E, 'Subject', `Draft v2 ${TOKEN}`),
      el(ASB, 'Body', [el(ASB, 'Type', '1'), el(ASB, 'Data', 'Plain now')]),
      el(ASB, 'Attachments', [
        el(ASB, 'Delete', [el(ASB, 'FileReference', draftAttachmentRef)]),
        el(ASB, 'Add', [el(ASB, 'ClientId', 'att-2'), el(ASB, 'Content', new TextEncoder().encode('second')), el(ASB, 'DisplayName', 'second.txt'), el(ASB, 'Method', '1'), el(ASB, 'ContentType', 'text/plain')]),
      ]),
    )])]));
    const c = r.collections[0]!;
    assert.equal(c.status, 1);
    assert.deepEqual(c.responses.filter((x) => text(x, 'Status') !== '1'), []);
    draftKey = c.syncKey;
    const after = await flagsBySubject(imap, 'Drafts');
    assert.deepEqual([...after.keys()], [`Draft v2 ${TOKEN}`], 'the old version is gone, one new one');
    const now = after.get(`Draft v2 ${TOKEN}`)!;
    assert.ok(now.flags.has('\\Draft'));
    assert.equal(await messageIdOf('Drafts', now.uid), oldId);
    const raw = await sourceOf('Drafts', now.uid);
    assert.match(raw, /^To: Bob Example <bob@example\.com>\r$/m, 'To kept from the old version');
    assert.match(raw, /Plain now/);
    assert.match(raw, /filename=second\.txt/);
    assert.doesNotMatch(raw, /notes\.txt/);

    // The next Sync tells the phone: the old ServerId is gone, the new draft is there.
    const next = await sync(url, phone, syncRequest([coll(draftKey, drafts, [])]));
    const n = next.collections[0]!;
    assert.ok(n.deletes.includes(draftId), 'old draft deleted');
    assert.ok(n.adds.some((a) => a.serverId === `${drafts}:${now.uid}` && field(a.data, 'Subject') === `Draft v2 ${TOKEN}`), 'new draft added');
  });

  it('a draft the gateway appended but never recorded (it stopped in between) is found on retry, not appended twice', async () => {
    const clientId = `crash-${RUN}`;
    const marker = draftMarkerValue('alice@example.com', phone.deviceId, drafts, clientId);
    const subject = `Crash ${TOKEN}`;
    await imap.append('Drafts', `From: alice@example.com\r\nSubject: ${subject}\r\n${DRAFT_MARKER}: ${marker}\r\n\r\nhalf-saved\r\n`, ['\\Draft', '\\Seen']);
    const uid = (await flagsBySubject(imap, 'Drafts')).get(subject)!.uid;
    const add = el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [el(E, 'Subject', subject)])]);
    const r = await sync(url, phone, syncRequest([coll(draftKey, drafts, [add])]));
    draftKey = r.collections[0]!.syncKey;
    const a = r.collections[0]!.responses.find((x) => x.tag === 'Add')!;
    assert.equal(text(a, 'Status'), '1');
    assert.equal(text(a, 'ServerId'), `${drafts}:${uid}`);
    const mine = [...(await flagsBySubject(imap, 'Drafts')).keys()].filter((k) => k === subject);
    assert.equal(mine.length, 1, 'still one copy');
  });

  it('500 Read changes and then 500 Deletes in one request each (times printed, not asserted)', async () => {
    const bulk = `${RUN}-client-bulk`;
    await seedMailbox({ user: 'alice@example.com', password: 'alice-secret', mailbox: bulk, count: 500, seed: 11 });
    const bulkIds = await folderIds(url, phone);
    const bid = bulkIds.get(bulk)!;
    const first = await sync(url, phone, syncRequest([coll('0', bid, [])]));
    const primed = await drain(url, phone, bid, first.collections[0]!.syncKey, { windowSize: 512, options: [bodyPreference(2, 512)] });
    assert.equal(primed.adds.length, 500);
    const t0 = performance.now();
    const read = await sync(url, phone, syncRequest([coll(primed.key, bid, primed.adds.map((a) => change(a.serverId, el(E, 'Read', '1'))))]));
    const readMs = performance.now() - t0;
    assert.equal(read.collections[0]!.status, 1, `status ${read.collections[0]!.status}`);
    assert.deepEqual(read.collections[0]!.responses, []);
    const lock = await imap.getMailboxLock(bulk, { readOnly: true });
    try {
      const rows = await imap.fetchAll('1:*', { uid: true, flags: true });
      assert.equal(rows.length, 500);
      assert.deepEqual(rows.filter((m) => !m.flags?.has('\\Seen')).map((m) => m.uid), []);
    } finally {
      lock.release();
    }
    const t1 = performance.now();
    const gone = await sync(url, phone, syncRequest([coll(read.collections[0]!.syncKey, bid, primed.adds.map((a) => del(a.serverId)), { deletesAsMoves: false })]));
    const deleteMs = performance.now() - t1;
    assert.deepEqual(gone.collections[0]!.responses, []);
    const lock2 = await imap.getMailboxLock(bulk, { readOnly: true });
    try {
      await imap.noop();
      assert.equal((await imap.fetchAll('1:*', { uid: true })).length, 0);
    } finally {
      lock2.release();
    }
    console.log(`client changes: 500 Read in one Sync ${readMs.toFixed(0)} ms; 500 Delete (expunge) ${deleteMs.toFixed(0)} ms`);
  });

  it('flag details outlive a rename of the folder on the server (kept by the folder id, not its path)', async () => {
    const before = `${RUN}-flagren`;
    const after = `${RUN}-flagren-renamed`;
    await imap.mailboxCreate(before);
    await imap.append(before, `From: carol@example.com\r\nTo: alice@example.com\r\nSubject: R ${TOKEN}\r\nMessage-ID: <R.${RUN}@example.com>\r\n\r\nbody\r\n`);
    const fid = (await folderIds(url, phone)).get(before)!;
    const primed = await sync(url, phone, syncRequest([coll('0', fid, [])]));
    const got = await drain(url, phone, fid, primed.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] });
    const flagged = await sync(url, phone, syncRequest([coll(got.key, fid, [change(got.adds[0]!.serverId, el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Follow up'), el('Tasks', 'StartDate', '2026-12-01T00:00:00.000Z'), el('Tasks', 'UtcStartDate', '2026-12-01T00:00:00.000Z'), el('Tasks', 'DueDate', '2026-12-03T00:00:00.000Z'), el('Tasks', 'UtcDueDate', '2026-12-03T00:00:00.000Z')]))])]));
    assert.deepEqual(flagged.collections[0]!.responses, []);
    await imap.mailboxRename(before, after);
    // Another device finds the folder under its new name with the same CollectionId, and the item with its dates.
    const tablet: Phone = { deviceId: `ren${RUN}`.slice(0, 32), version: '16.1' };
    const tabIds = await folderIds(url, tablet);
    assert.equal(tabIds.get(after), fid, 'the CollectionId follows the rename');
    const t0 = await sync(url, tablet, syncRequest([coll('0', fid, [])]));
    const seen = await drain(url, tablet, fid, t0.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] });
    assert.equal(seen.adds.length, 1);
    assert.equal(field(seen.adds[0]!.data, 'Flag', 'Status'), '2');
    assert.equal(field(seen.adds[0]!.data, 'Flag', 'FlagType'), 'Follow up');
    assert.equal(field(seen.adds[0]!.data, 'Flag', 'DueDate'), '2026-12-03T00:00:00.000Z');
  });

  async function sourceOf(path: string, uid: number): Promise<string> {
    const lock = await imap.getMailboxLock(path, { readOnly: true });
    try {
      const msg = await imap.fetchOne(String(uid), { source: true }, { uid: true });
      return msg ? msg.source!.toString('utf8') : '';
    } finally {
      lock.release();
    }
  }

  async function messageIdOf(path: string, uid: number): Promise<string | undefined> {
    const lock = await imap.getMailboxLock(path, { readOnly: true });
    try {
      const msg = await imap.fetchOne(String(uid), { envelope: true }, { uid: true });
      return msg ? msg.envelope?.messageId : undefined;
    } finally {
      lock.release();
    }
  }
});
