import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el } from '../../../../codec/index.js';
import { folderSync, folderSyncCommand } from '../../../../gateway/commands/folder-sync.js';
import { BackendUnavailableError } from '../../../../gateway/errors.js';
import { MailBackendError } from '../../../../gateway/ports/mail-store.js';
import { FakeMailStore, folderSyncReq, harness, parse } from './folder-fakes.js';

describe('FolderSync', () => {
  it('SyncKey 0: every folder as an Add, with EAS types, parents, the virtual Outbox, key 1 and Count', async (t) => {
    const h = harness(t);
    h.mail.add('Projects');
    h.mail.add('Projects/2026');
    const r = parse(await h.run(folderSync, folderSyncReq('0')));
    assert.equal(r.status, 1);
    assert.equal(r.syncKey, '1');
    assert.equal(r.count, 9);
    const by = new Map(r.adds.map((a) => [a.displayName, a]));
    assert.deepEqual(
      [...by.entries()].map(([name, a]) => [name, a.type]).sort(),
      [['2026', 12], ['Archive', 12], ['Drafts', 3], ['Inbox', 2], ['Junk', 12], ['Outbox', 6], ['Projects', 12], ['Sent', 5], ['Trash', 4]],
    );
    for (const name of ['Inbox', 'Projects', 'Outbox', 'Junk']) assert.equal(by.get(name)!.parentId, '0', name);
    assert.equal(by.get('2026')!.parentId, by.get('Projects')!.serverId);
    assert.ok(r.adds.findIndex((a) => a.displayName === 'Projects') < r.adds.findIndex((a) => a.displayName === '2026'), 'parent first');
    assert.equal(new Set(r.adds.map((a) => a.serverId)).size, 9);
  });

  it('no change since the key: Count 0 and the same key, nothing stored', async (t) => {
    const h = harness(t);
    await h.run(folderSync, folderSyncReq('0'));
    const r = parse(await h.run(folderSync, folderSyncReq('1')));
    assert.deepEqual([r.status, r.syncKey, r.count, r.adds.length], [1, '1', 0, 0]);
  });

  it('changes made directly on IMAP: rename -> Update (same ServerId), delete -> Delete, create -> Add', async (t) => {
    const h = harness(t);
    h.mail.add('Projects');
    h.mail.add('Projects/2026');
    h.mail.add('Old');
    const first = parse(await h.run(folderSync, folderSyncReq('0')));
    const id = (name: string) => first.adds.find((a) => a.displayName === name)!.serverId;
    h.mail.rename('Projects', 'Work');
    h.mail.remove('Old');
    h.mail.add('Work/2027');
    const r = parse(await h.run(folderSync, folderSyncReq('1')));
    assert.equal(r.syncKey, '2');
    assert.deepEqual(r.updates, [{ serverId: id('Projects'), parentId: '0', displayName: 'Work', type: 12 }]);
    assert.deepEqual(r.deletes, [id('Old')]);
    assert.deepEqual(r.adds.map((a) => [a.displayName, a.parentId]), [['2027', id('Projects')]]);
    assert.equal(r.count, 3);
    // The child moved with its parent: same ServerId, same ParentId, so not reported.
    assert.ok(!r.updates.some((u) => u.serverId === id('2026')));
    assert.equal(parse(await h.run(folderSync, folderSyncReq('2'))).count, 0);
  });

  it('a retry of the previous key gets the same answer again, and either key goes on working', async (t) => {
    const h = harness(t);
    await h.run(folderSync, folderSyncReq('0'));
    h.mail.add('New');
    const answer = await h.run(folderSync, folderSyncReq('1'));
    const again = await h.run(folderSync, folderSyncReq('1'));
    assert.deepEqual(parse(again), parse(answer));
    assert.equal(parse(again).syncKey, '2');
    assert.equal(parse(await h.run(folderSync, folderSyncReq('2'))).count, 0);
    // A change after the lost answer: the retry gets everything since its key, under a new key.
    h.mail.add('Newer');
    const late = parse(await h.run(folderSync, folderSyncReq('1')));
    assert.deepEqual(late.adds.map((a) => a.displayName).sort(), ['New', 'Newer']);
    assert.equal(late.syncKey, '3');
  });

  it('unknown, malformed or outdated keys: Status 9', async (t) => {
    const h = harness(t);
    assert.equal(await h.run(folderSync, folderSyncReq('1')), 9, 'nothing issued yet');
    await h.run(folderSync, folderSyncReq('0'));
    for (const key of ['2', 'abc', '01', '-1', '']) assert.equal(await h.run(folderSync, folderSyncReq(key)), 9, key);
    h.mail.add('A');
    await h.run(folderSync, folderSyncReq('1'));
    h.mail.add('B');
    await h.run(folderSync, folderSyncReq('2'));
    assert.equal(await h.run(folderSync, folderSyncReq('1')), 9, 'only the newest key and the one before are kept');
  });

  it('SyncKey 0 again starts over: key 1, everything as Add, old keys gone', async (t) => {
    const h = harness(t);
    await h.run(folderSync, folderSyncReq('0'));
    h.mail.add('A');
    await h.run(folderSync, folderSyncReq('1'));
    const again = parse(await h.run(folderSync, folderSyncReq('0')));
    assert.deepEqual([again.syncKey, again.count], ['1', 8]);
    assert.equal(await h.run(folderSync, folderSyncReq('2')), 9);
  });

  it('ServerIds are per user, not per device: a second phone sees the same ids', async (t) => {
    const h = harness(t);
    const a = parse(await h.run(folderSync, folderSyncReq('0'), { deviceId: 'PHONE-A' }));
    const b = parse(await h.run(folderSync, folderSyncReq('0'), { deviceId: 'PHONE-B' }));
    assert.deepEqual(b.adds, a.adds);
  });

  it('a badly formed request: Status 10', async (t) => {
    const h = harness(t);
    assert.equal(await h.run(folderSync, undefined), 10);
    assert.equal(await h.run(folderSync, el('FolderHierarchy', 'FolderSync', [])), 10);
    assert.equal(await h.run(folderSync, el('AirSync', 'Sync', [el('AirSync', 'SyncKey', '0')])), 10);
    assert.equal(await h.run(folderSync, el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', [el('FolderHierarchy', 'X', '1')])])), 10);
  });

  it('the backend answering with a failure is Status 6; the backend not answering is 503 (thrown on)', async (t) => {
    const h = harness(t);
    h.mail.failWith = new MailBackendError('LIST failed: NO');
    assert.equal(await h.run(folderSync, folderSyncReq('0')), 6);
    h.mail.failWith = new BackendUnavailableError('imap', 'down');
    await assert.rejects(h.run(folderSync, folderSyncReq('0')), BackendUnavailableError);
  });

  it('without stable ids (paths), a rename on IMAP is Delete+Add: the best such a server allows', async (t) => {
    const h = harness(t, new FakeMailStore(false));
    h.mail.add('P');
    await h.run(folderSync, folderSyncReq('0'));
    h.mail.rename('P', 'Q');
    const r = parse(await h.run(folderSync, folderSyncReq('1')));
    assert.deepEqual([r.deletes.length, r.adds.map((a) => a.displayName)], [1, ['Q']]);
  });

  it('the registry row: provisioning needed, WBXML body, a Status-only answer for failures', () => {
    const row = folderSyncCommand();
    assert.deepEqual([row.name, row.needsProvisioning, row.body], ['FolderSync', true, 'wbxml']);
    assert.deepEqual(row.statusResponse!(9, '14.1'), el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'Status', 9)]));
  });
});
