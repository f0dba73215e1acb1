import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { creatableKind, FolderType, mailFolderType } from '../../../../gateway/commands/folder/folder-types.js';
import { mailSource, OUTBOX_BACKEND_ID } from '../../../../gateway/commands/folder/hierarchy.js';
import type { SpecialUse } from '../../../../gateway/ports/mail-store.js';
import { FakeMailStore } from './folder-fakes.js';

describe('folder types', () => {
  it('maps IMAP special use to the EAS default folder types (MS-ASCMD 2.2.3.186.3)', () => {
    const cases: [SpecialUse | null, number][] = [
      ['\\Inbox', 2], ['\\Drafts', 3], ['\\Trash', 4], ['\\Sent', 5],
      // No junk, archive or "all mail" type exists: Exchange lists Junk E-Mail as 12.
      ['\\Junk', 12], ['\\Archive', 12], ['\\All', 12], ['\\Flagged', 12], [null, 12],
    ];
    for (const [use, type] of cases) assert.equal(mailFolderType({ specialUse: use }), type, String(use));
  });

  it('what FolderCreate accepts: mail (1, 12), later via DAV (13-17), never (default types 2-11, 19, unknown)', () => {
    assert.deepEqual([1, 12].map(creatableKind), ['mail', 'mail']);
    assert.deepEqual([13, 14, 15, 16, 17].map(creatableKind), Array(5).fill('unsupported'));
    for (const t of [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18, 19, 20, -1]) assert.equal(creatableKind(t), 'invalid', String(t));
    assert.equal(FolderType.Outbox, 6);
  });

  it('the mail source: parents by backend id, top level as null, plus the virtual Outbox', async () => {
    const mail = new FakeMailStore();
    mail.add('A');
    mail.add('A/B');
    const folders = await mailSource(mail).list();
    const a = folders.find((f) => f.displayName === 'A')!;
    assert.equal(a.parentBackendId, null);
    assert.equal(folders.find((f) => f.displayName === 'B')!.parentBackendId, a.backendId);
    const outbox = folders.find((f) => f.backendId === OUTBOX_BACKEND_ID)!;
    assert.deepEqual([outbox.displayName, outbox.type, outbox.parentBackendId, outbox.origin], ['Outbox', 6, null, { kind: 'virtual', name: 'outbox' }]);
  });
});
