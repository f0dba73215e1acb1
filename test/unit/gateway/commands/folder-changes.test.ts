import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { el } from '../../../../codec/index.js';
import { folderCreate } from '../../../../gateway/commands/folder-create.js';
import { folderDelete } from '../../../../gateway/commands/folder-delete.js';
import { folderSync } from '../../../../gateway/commands/folder-sync.js';
import { folderUpdate } from '../../../../gateway/commands/folder-update.js';
import { BackendUnavailableError } from '../../../../gateway/errors.js';
import { MailBackendError } from '../../../../gateway/ports/mail-store.js';
import { FakeMailStore, folderCreateReq, folderDeleteReq, folderSyncReq, folderUpdateReq, harness, parse, type Harness } from './folder-fakes.js';

/** A primed device: FolderSync 0 done, key '1'; ids by display name. */
async function primed(t: TestContext, mail?: FakeMailStore): Promise<{ h: Harness; id: (name: string) => string }> {
  const h = harness(t, mail);
  h.mail.add('Projects');
  h.mail.add('Projects/2026');
  h.mail.add('Other');
  const r = parse(await h.run(folderSync, folderSyncReq('0')));
  return { h, id: (name) => r.adds.find((a) => a.displayName === name)!.serverId };
}

const nothingNew = async (h: Harness, key: string) => assert.equal(parse(await h.run(folderSync, folderSyncReq(key))).count, 0, `FolderSync ${key} reports nothing`);

describe('FolderCreate', () => {
  it('creates the IMAP folder, answers its ServerId and a new key; the next FolderSync does not report it back', async (t) => {
    const { h, id } = await primed(t);
    const r = parse(await h.run(folderCreate, folderCreateReq('1', id('Projects'), 'Drafts 2027')));
    assert.deepEqual([r.status, r.syncKey], [1, '2']);
    assert.ok(h.mail.has('Projects/Drafts 2027'));
    assert.match(r.serverId!, /^[1-9]\d*$/);
    await nothingNew(h, '2');
    // Another device learns about it as an Add with that ServerId and parent.
    const other = parse(await h.run(folderSync, folderSyncReq('0'), { deviceId: 'OTHER' }));
    assert.deepEqual(other.adds.find((a) => a.serverId === r.serverId), { serverId: r.serverId, parentId: id('Projects'), displayName: 'Drafts 2027', type: 12 });
  });

  it('at top level (ParentId 0), and for Type 1 (generic) as a mail folder', async (t) => {
    const { h } = await primed(t);
    assert.equal(parse(await h.run(folderCreate, folderCreateReq('1', '0', 'Top', 1))).status, 1);
    assert.ok(h.mail.has('Top'));
  });

  it('a server that files top-level folders below INBOX (namespace prefix "INBOX."): the next FolderSync tells the device where it went', async (t) => {
    class PrefixedStore extends FakeMailStore {
      override createFolder(parentPath: string | null, name: string) {
        return super.createFolder(parentPath ?? 'INBOX', name);
      }
    }
    const { h, id } = await primed(t, new PrefixedStore());
    const r = parse(await h.run(folderCreate, folderCreateReq('1', '0', 'Top')));
    assert.ok(h.mail.has('INBOX/Top'));
    // The state holds what the device believes (top level); the listing corrects it.
    const next = parse(await h.run(folderSync, folderSyncReq(r.syncKey!)));
    assert.deepEqual(next.updates, [{ serverId: r.serverId, parentId: id('Inbox'), displayName: 'Top', type: 12 }]);
  });

  it('changes made elsewhere meanwhile still reach the device', async (t) => {
    const { h } = await primed(t);
    h.mail.add('ByWebmail');
    const r = parse(await h.run(folderCreate, folderCreateReq('1', '0', 'ByPhone')));
    const next = parse(await h.run(folderSync, folderSyncReq(r.syncKey!)));
    assert.deepEqual(next.adds.map((a) => a.displayName), ['ByWebmail']);
  });

  it('a retried FolderCreate (answer lost) is answered again, not "already exists"', async (t) => {
    const { h, id } = await primed(t);
    const first = parse(await h.run(folderCreate, folderCreateReq('1', id('Projects'), 'X')));
    const retry = parse(await h.run(folderCreate, folderCreateReq('1', id('Projects'), 'X')));
    assert.deepEqual(retry, first);
    // The same name from the state that already has it is a real conflict.
    assert.equal(parse(await h.run(folderCreate, folderCreateReq(first.syncKey!, id('Projects'), 'X'))).status, 2);
  });

  it('Status codes: 2 exists, 3 below the Outbox, 5 no parent, 6 unsupported type, 9 bad key, 10 malformed', async (t) => {
    const { h, id } = await primed(t);
    const status = async (root: Parameters<Harness['run']>[1]) => parse(await h.run(folderCreate, root)).status;
    assert.equal(await status(folderCreateReq('1', id('Projects'), '2026')), 2);
    assert.equal(await status(folderCreateReq('1', id('Outbox'), 'X')), 3);
    assert.equal(await status(folderCreateReq('1', '999', 'X')), 5);
    assert.equal(await status(folderCreateReq('1', id('Projects'), 'Calendar 2', 13)), 6);
    assert.equal(await status(folderCreateReq('1', id('Projects'), 'Contacts 2', 14)), 6);
    assert.equal(await status(folderCreateReq('7', id('Projects'), 'X')), 9);
    assert.equal(await status(folderCreateReq('0', id('Projects'), 'X')), 9);
    for (const type of [2, 3, 6, 9, 19, 0, 99]) assert.equal(await status(folderCreateReq('1', '0', 'X', type)), 10, `type ${type}`);
    assert.equal(await status(folderCreateReq('1', '0', 'a/b')), 10);
    assert.equal(await status(el('FolderHierarchy', 'FolderCreate', [el('FolderHierarchy', 'SyncKey', '1')])), 10);
    // Only '2026' (exists) and 'a/b' (bad name) are refused by the store; the rest never reach it.
    assert.deepEqual(h.mail.calls.filter((c) => c.startsWith('create')), ['create Projects|2026', 'create null|a/b']);
  });

  it('the parent deleted on IMAP since the device last synced: Status 5', async (t) => {
    const { h, id } = await primed(t);
    h.mail.remove('Other');
    assert.equal(parse(await h.run(folderCreate, folderCreateReq('1', id('Other'), 'X'))).status, 5);
  });

  it('backend failure: 6; backend down: 503', async (t) => {
    const { h } = await primed(t);
    h.mail.failWith = new MailBackendError('NO [OVERQUOTA]');
    assert.equal(parse(await h.run(folderCreate, folderCreateReq('1', '0', 'X'))).status, 6);
    h.mail.failWith = new BackendUnavailableError('imap', 'down');
    await assert.rejects(h.run(folderCreate, folderCreateReq('1', '0', 'X')), BackendUnavailableError);
  });
});

describe('FolderUpdate', () => {
  it('rename keeps the ServerId; the next FolderSync reports nothing; other devices see an Update', async (t) => {
    const { h, id } = await primed(t);
    await h.run(folderSync, folderSyncReq('0'), { deviceId: 'OTHER' });
    const r = parse(await h.run(folderUpdate, folderUpdateReq('1', id('Projects'), '0', 'Work')));
    assert.deepEqual([r.status, r.syncKey], [1, '2']);
    assert.ok(h.mail.has('Work/2026') && !h.mail.has('Projects'));
    await nothingNew(h, '2');
    const other = parse(await h.run(folderSync, folderSyncReq('1'), { deviceId: 'OTHER' }));
    assert.deepEqual(other.updates, [{ serverId: id('Projects'), parentId: '0', displayName: 'Work', type: 12 }]);
  });

  it('move to another parent (and back to the top level)', async (t) => {
    const { h, id } = await primed(t);
    let r = parse(await h.run(folderUpdate, folderUpdateReq('1', id('2026'), id('Other'), '2026')));
    assert.equal(r.status, 1);
    assert.ok(h.mail.has('Other/2026'));
    r = parse(await h.run(folderUpdate, folderUpdateReq(r.syncKey!, id('2026'), '0', 'Y2026')));
    assert.ok(h.mail.has('Y2026'));
    await nothingNew(h, r.syncKey!);
  });

  it('Status codes: 2 special folder or name taken, 4 no folder, 5 no parent, 9 bad key, 10 malformed or below itself', async (t) => {
    const { h, id } = await primed(t);
    const status = async (root: Parameters<Harness['run']>[1]) => parse(await h.run(folderUpdate, root)).status;
    assert.equal(await status(folderUpdateReq('1', id('Inbox'), '0', 'Posteingang')), 2);
    assert.equal(await status(folderUpdateReq('1', id('Sent'), '0', 'Gesendet')), 2);
    assert.equal(await status(folderUpdateReq('1', id('Outbox'), '0', 'Out')), 2);
    assert.equal(await status(folderUpdateReq('1', id('Other'), '0', 'Projects')), 2);
    assert.equal(await status(folderUpdateReq('1', id('Other'), id('Outbox'), 'Other')), 2);
    assert.equal(await status(folderUpdateReq('1', '999', '0', 'X')), 4);
    assert.equal(await status(folderUpdateReq('1', id('Other'), '999', 'X')), 5);
    assert.equal(await status(folderUpdateReq('9', id('Other'), '0', 'X')), 9);
    assert.equal(await status(folderUpdateReq('1', id('Projects'), id('2026'), 'P')), 10);
    assert.equal(await status(folderUpdateReq('1', id('Other'), '0', 'a/b')), 10);
    assert.equal(await status(el('FolderHierarchy', 'FolderUpdate', [el('FolderHierarchy', 'SyncKey', '1'), el('FolderHierarchy', 'ServerId', id('Other'))])), 10);
  });

  it('a retried rename (answer lost) succeeds again under the same key', async (t) => {
    const { h, id } = await primed(t);
    const first = parse(await h.run(folderUpdate, folderUpdateReq('1', id('Other'), '0', 'Renamed')));
    const retry = parse(await h.run(folderUpdate, folderUpdateReq('1', id('Other'), '0', 'Renamed')));
    assert.deepEqual(retry, first);
  });

  it('without stable ids (paths), the id map follows the rename: same ServerId, nothing reported', async (t) => {
    const { h, id } = await primed(t, new FakeMailStore(false));
    const r = parse(await h.run(folderUpdate, folderUpdateReq('1', id('Projects'), '0', 'Work')));
    assert.equal(r.status, 1);
    await nothingNew(h, r.syncKey!);
    const fresh = parse(await h.run(folderSync, folderSyncReq('0'), { deviceId: 'OTHER' }));
    assert.equal(fresh.adds.find((a) => a.displayName === 'Work')!.serverId, id('Projects'));
    assert.equal(fresh.adds.find((a) => a.displayName === '2026')!.serverId, id('2026'), 'the child keeps its id too');
  });
});

describe('FolderDelete', () => {
  it('deletes the folder with its subfolders; the next FolderSync reports nothing; others see Deletes', async (t) => {
    const { h, id } = await primed(t);
    await h.run(folderSync, folderSyncReq('0'), { deviceId: 'OTHER' });
    const r = parse(await h.run(folderDelete, folderDeleteReq('1', id('Projects'))));
    assert.deepEqual([r.status, r.syncKey], [1, '2']);
    assert.ok(!h.mail.has('Projects') && !h.mail.has('Projects/2026'));
    await nothingNew(h, '2');
    const other = parse(await h.run(folderSync, folderSyncReq('1'), { deviceId: 'OTHER' }));
    assert.deepEqual(other.deletes, [id('2026'), id('Projects')]);
  });

  it('Status codes: 3 special folder (Inbox, Outbox, Trash), 4 no folder, 9 bad key, 10 malformed', async (t) => {
    const { h, id } = await primed(t);
    const status = async (root: Parameters<Harness['run']>[1]) => parse(await h.run(folderDelete, root)).status;
    for (const name of ['Inbox', 'Outbox', 'Trash', 'Junk']) assert.equal(await status(folderDeleteReq('1', id(name))), 3, name);
    assert.equal(await status(folderDeleteReq('1', '999')), 4);
    assert.equal(await status(folderDeleteReq('5', id('Other'))), 9);
    assert.equal(await status(el('FolderHierarchy', 'FolderDelete', [el('FolderHierarchy', 'SyncKey', '1')])), 10);
    assert.ok(h.mail.has('INBOX') && h.mail.has('Trash'));
  });

  it('a folder that holds a special folder is not deleted: 3', async (t) => {
    const { h, id } = await primed(t);
    h.mail.boxes.push({ path: 'Projects/Sent', guid: 'g', specialUse: '\\Sent' });
    assert.equal(parse(await h.run(folderDelete, folderDeleteReq('1', id('Projects')))).status, 3);
  });

  it('already gone on IMAP (or a retry whose answer was lost): success, as the device wanted', async (t) => {
    const { h, id } = await primed(t);
    const first = parse(await h.run(folderDelete, folderDeleteReq('1', id('Other'))));
    assert.deepEqual(parse(await h.run(folderDelete, folderDeleteReq('1', id('Other')))), first);
    h.mail.remove('Projects');
    const gone = parse(await h.run(folderDelete, folderDeleteReq(first.syncKey!, id('Projects'))));
    assert.equal(gone.status, 1);
    await nothingNew(h, gone.syncKey!);
  });
});
