import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { el, type WbxmlElement } from '../../../../../codec/index.js';
import { applyClientCommands, type ClientChangeInput, type ClientCommand } from '../../../../../gateway/commands/sync/client-changes.js';
import { storedFlagsFor } from '../../../../../gateway/commands/sync/flag-details.js';
import type { ProtocolVersion } from '../../../../../gateway/commands/types.js';
import { clientHarness, type ClientHarness } from './client-fakes.js';

const E = 'Email';
const AS = 'AirSync';
const BOX = { path: 'Work', uidValidity: 7 };

function input(h: ClientHarness, over: Partial<ClientChangeInput> & { version?: ProtocolVersion } = {}): ClientChangeInput {
  const { version, ...rest } = over;
  return {
    ctx: h.ctx(version),
    collectionId: '9',
    box: BOX,
    folderType: 12,
    deletesAsMoves: true,
    conflict: 1,
    serverChanged: new Set(),
    knownClientIds: new Map(),
    ...rest,
  };
}

const text = (e: WbxmlElement, tag: string) => e.children.find((c) => c.tag === tag)?.text;
const summary = (responses: readonly WbxmlElement[]) => responses.map((r) => `${r.tag} ${text(r, 'ServerId') ?? text(r, 'ClientId')} ${text(r, 'Status')}`);
const change = (serverId: string, ...data: WbxmlElement[]): ClientCommand => ({ kind: 'change', serverId, data });

function setup(t: TestContext) {
  const h = clientHarness(t);
  h.messages.box('Work');
  const uids = [h.messages.put('Work'), h.messages.put('Work', ['$Forwarded', 'Home']), h.messages.put('Work', ['\\Seen'])];
  return { h, uids };
}

test('Read on several messages is one STORE; a successful Change gets no Response', async (t) => {
  const { h, uids } = setup(t);
  const out = await applyClientCommands(input(h), uids.map((u) => change(`9:${u}`, el(E, 'Read', '1'))));
  assert.deepEqual(out.responses, []);
  assert.deepEqual(h.messages.calls, [`STORE ${uids.join(',')} +\\Seen -`]);
  for (const u of uids) assert.ok(h.messages.flagsOf('Work', u)!.includes('\\Seen'));
  assert.deepEqual(out.applied.changed, uids.map(String));
});

test('Categories replace the category keywords and leave $ keywords and system flags alone', async (t) => {
  const { h, uids } = setup(t);
  await applyClientCommands(input(h), [change(`9:${uids[1]}`, el(E, 'Categories', [el(E, 'Category', 'Blue Category')]))]);
  assert.deepEqual(h.messages.flagsOf('Work', uids[1]!), ['$Forwarded', 'Blue&ACA-Category']);
  await applyClientCommands(input(h), [change(`9:${uids[1]}`, el(E, 'Categories'))]);
  assert.deepEqual(h.messages.flagsOf('Work', uids[1]!), ['$Forwarded']);
});

test('flag details are stored after the STORE and come back; clearing the flag forgets them', async (t) => {
  const { h, uids } = setup(t);
  const ctx = h.ctx();
  const flag = el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Call back'), el('Tasks', 'DueDate', '2026-12-01T00:00:00.000Z'), el('Tasks', 'ReminderSet', '1'), el('Tasks', 'ReminderTime', '2026-11-30T09:00:00.000Z')]);
  await applyClientCommands(input(h), [change(`9:${uids[0]}`, flag)]);
  assert.ok(h.messages.flagsOf('Work', uids[0]!)!.includes('\\Flagged'));
  const stored = (await storedFlagsFor(ctx, BOX, [uids[0]!, uids[1]!]));
  assert.deepEqual([...stored.keys()], [uids[0]]);
  assert.equal(stored.get(uids[0]!)!.flagType, 'Call back');
  assert.equal(stored.get(uids[0]!)!.reminderSet, true);
  assert.equal(stored.get(uids[0]!)!.dueDate?.toISOString(), '2026-12-01T00:00:00.000Z');
  // Another UIDVALIDITY never sees them.
  assert.equal((await storedFlagsFor(ctx, { ...BOX, uidValidity: 8 }, [uids[0]!])).size, 0);

  await applyClientCommands(input(h), [change(`9:${uids[0]}`, el(E, 'Flag', [el(E, 'Status', '1'), el(E, 'CompleteTime', '2026-11-25T11:00:00.000Z'), el('Tasks', 'DateCompleted', '2026-11-25T11:00:00.000Z')]))]);
  assert.ok(!h.messages.flagsOf('Work', uids[0]!)!.includes('\\Flagged'));
  assert.equal((await storedFlagsFor(ctx, BOX, [uids[0]!])).get(uids[0]!)!.status, 1);

  await applyClientCommands(input(h), [change(`9:${uids[0]}`, el(E, 'Flag'))]);
  assert.equal((await storedFlagsFor(ctx, BOX, [uids[0]!])).size, 0);
});

test('unknown, foreign and gone ServerIds get Status 8, bad values Status 6, each alone; Responses keep request order', async (t) => {
  const { h, uids } = setup(t);
  const out = await applyClientCommands(input(h), [
    change('9:999', el(E, 'Read', '1')),
    change(`9:${uids[0]}`, el(E, 'Read', '1')),
    change(`8:${uids[1]}`, el(E, 'Read', '1')),
    change('junk', el(E, 'Read', '1')),
    change(`9:${uids[1]}`, el(E, 'Flag', [el(E, 'Status', '7')])),
    change(`9:${uids[2]}`, el('Email2', 'ConversationId', new Uint8Array([1]))),
    change(`9:${uids[2]}`, el(E, 'Importance', 'high')),
  ]);
  assert.deepEqual(summary(out.responses), ['Change 9:999 8', 'Change 8:2 8', 'Change junk 8', 'Change 9:2 6', 'Change 9:3 6', 'Change 9:3 6']);
  assert.ok(h.messages.flagsOf('Work', uids[0]!)!.includes('\\Seen'));
  assert.deepEqual(out.applied.changed, [String(uids[0])]);
});

test('Conflict: server wins (default) answers 7 and stores nothing; client wins applies', async (t) => {
  const { h, uids } = setup(t);
  const serverChanged = new Set([String(uids[0])]);
  const lost = await applyClientCommands(input(h, { serverChanged }), [change(`9:${uids[0]}`, el(E, 'Read', '1'))]);
  assert.deepEqual(summary(lost.responses), [`Change 9:${uids[0]} 7`]);
  assert.deepEqual(h.messages.calls, []);
  assert.deepEqual(lost.applied.changed, []);
  const won = await applyClientCommands(input(h, { serverChanged, conflict: 0 }), [change(`9:${uids[0]}`, el(E, 'Read', '1'))]);
  assert.deepEqual(won.responses, []);
  assert.ok(h.messages.flagsOf('Work', uids[0]!)!.includes('\\Seen'));
});

test('Delete moves to Trash in one MOVE; a gone message is success; DeletesAsMoves 0 and Trash itself expunge', async (t) => {
  const { h, uids } = setup(t);
  const del = (serverId: string): ClientCommand => ({ kind: 'delete', serverId });
  const out = await applyClientCommands(input(h), [del(`9:${uids[0]}`), del(`9:${uids[1]}`), del('9:999'), del('x:1')]);
  assert.deepEqual(summary(out.responses), ['Delete x:1 8']);
  assert.deepEqual(h.messages.calls, [`MOVE ${uids[0]},${uids[1]},999 Trash`]);
  assert.equal(h.messages.boxes.get('Trash')!.msgs.size, 2);
  assert.deepEqual(out.applied.deleted, [String(uids[0]), String(uids[1]), '999']);

  h.messages.calls.length = 0;
  await applyClientCommands(input(h, { deletesAsMoves: false }), [del(`9:${uids[2]}`)]);
  assert.deepEqual(h.messages.calls, [`EXPUNGE ${uids[2]}`]);
  assert.equal(h.messages.boxes.get('Work')!.msgs.size, 0);

  h.messages.calls.length = 0;
  const inTrash = { path: 'Trash', uidValidity: 7 };
  await applyClientCommands(input(h, { box: inTrash, folderType: 4 }), [del('9:1')]);
  assert.deepEqual(h.messages.calls, ['EXPUNGE 1']);
});

test('Add: refused (6) below 16.0 and outside Drafts; in Drafts a \\Draft \\Seen APPEND answered with its ServerId', async (t) => {
  const h = clientHarness(t);
  h.messages.box('Drafts');
  const add = (clientId: string): ClientCommand => ({
    kind: 'add', clientId,
    data: [el(E, 'To', '"Bob" <bob@example.com>'), el(E, 'Subject', 'Plans'), el(E, 'Importance', '2'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'See you at 5')]), el(E, 'Categories', [el(E, 'Category', 'Team A')])],
  });
  const drafts = { box: { path: 'Drafts', uidValidity: 7 }, folderType: 3, collectionId: '4' };
  const old = await applyClientCommands(input(h, { ...drafts, version: '14.1' }), [add('c1')]);
  assert.deepEqual(summary(old.responses), ['Add c1 6']);
  const elsewhere = await applyClientCommands(input(h), [add('c1')]);
  assert.deepEqual(summary(elsewhere.responses), ['Add c1 6']);
  assert.deepEqual(h.messages.calls, []);

  const out = await applyClientCommands(input(h, drafts), [add('c1')]);
  assert.equal(out.responses.length, 1);
  const r = out.responses[0]!;
  assert.deepEqual(r.children.map((c) => `${c.ns}:${c.tag}`), [`${AS}:ClientId`, `${AS}:ServerId`, `${AS}:Status`]);
  assert.equal(text(r, 'ServerId'), '4:1');
  assert.equal(text(r, 'Status'), '1');
  assert.deepEqual(h.messages.calls, ['SEARCH X-Easgate-Draft', 'APPEND Drafts \\Draft \\Seen Team&ACA-A']);
  assert.deepEqual(out.applied.added, ['1']);
  assert.deepEqual([...out.clientIds], [['c1', '4:1']]);
  const mime = h.messages.mimeOf('Drafts', 1);
  assert.match(mime, /^To: Bob <bob@example\.com>\r$/m);
  assert.match(mime, /^Subject: Plans\r$/m);
  assert.match(mime, /^Importance: high\r$/m);
  assert.match(mime, /^From: alice@example\.com\r$/m);
  assert.match(mime, /See you at 5/);

  // The retried request: same answer, nothing appended.
  h.messages.calls.length = 0;
  const again = await applyClientCommands(input(h, { ...drafts, knownClientIds: out.clientIds }), [add('c1')]);
  assert.deepEqual(summary(again.responses), summary(out.responses));
  assert.deepEqual(h.messages.calls, []);
  assert.deepEqual([...again.clientIds], [['c1', '4:1']]);
  assert.deepEqual(again.applied.added, ['1']);
});

test('a draft with a bad body type is Status 6 and appends nothing', async (t) => {
  const h = clientHarness(t);
  const out = await applyClientCommands(input(h, { box: { path: 'Drafts', uidValidity: 7 }, folderType: 3 }), [
    { kind: 'add', clientId: 'c9', data: [el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '3'), el('AirSyncBase', 'Data', 'x')])] },
  ]);
  assert.deepEqual(summary(out.responses), ['Add c9 6']);
  assert.deepEqual(h.messages.calls, []);
});

test('a flagged message moved to Trash keeps its flag details under its new UID', async (t) => {
  const { h, uids } = setup(t);
  await applyClientCommands(input(h), [change(`9:${uids[1]}`, el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Reply')]))]);
  await applyClientCommands(input(h), [{ kind: 'delete', serverId: `9:${uids[1]}` }]);
  const ctx = h.ctx();
  assert.equal((await storedFlagsFor(ctx, BOX, [uids[1]!])).size, 0);
  // Kept by the Trash folder's stable id, as the Sync of Trash asks for them.
  const trashId = (await h.mail.listFolders()).find((f) => f.path === 'Trash')!.backendId;
  const inTrash = await storedFlagsFor(ctx, { path: 'Trash', uidValidity: 7, folderId: trashId }, [1]);
  assert.equal(inTrash.get(1)?.flagType, 'Reply');
});

test('a category too long for an IMAP keyword is Status 6 and nothing of that Change is applied', async (t) => {
  const { h, uids } = setup(t);
  const long = 'Ärger mit dem Vermieter wegen der Nebenkostenabrechnung';
  const out = await applyClientCommands(input(h), [
    change(`9:${uids[0]}`, el(E, 'Read', '1'), el(E, 'Categories', [el(E, 'Category', long)])),
    change(`9:${uids[1]}`, el(E, 'Read', '1')),
  ]);
  assert.deepEqual(summary(out.responses), [`Change 9:${uids[0]} 6`]);
  assert.deepEqual(h.messages.flagsOf('Work', uids[0]!), []);
  assert.ok(h.messages.flagsOf('Work', uids[1]!)!.includes('\\Seen'));
});

test('a draft appended by a request whose state was never saved is found by its marker, not appended again', async (t) => {
  const h = clientHarness(t);
  const drafts = { box: { path: 'Drafts', uidValidity: 7 }, folderType: 3, collectionId: '4' };
  const add: ClientCommand = { kind: 'add', clientId: 'c7', data: [el(E, 'Subject', 'Lost answer')] };
  const first = await applyClientCommands(input(h, drafts), [add]);
  // The gateway stopped before saving the state: the retry comes without the ClientId map.
  h.messages.calls.length = 0;
  const again = await applyClientCommands(input(h, drafts), [add]);
  assert.deepEqual(summary(again.responses), summary(first.responses));
  assert.deepEqual(h.messages.calls, ['SEARCH X-Easgate-Draft']);
  assert.deepEqual([...again.clientIds], [['c7', '4:1']]);
  assert.equal(h.messages.boxes.get('Drafts')!.msgs.size, 1);
  // Another device's draft with the same ClientId is its own.
  const other = await applyClientCommands({ ...input(h, drafts), ctx: { ...h.ctx(), device: { id: 'OTHER', type: 'x' } } }, [add]);
  assert.equal(text(other.responses[0]!, 'ServerId'), '4:2');
});
