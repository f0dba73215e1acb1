import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { listMailFolders } from '../../../../../gateway/adapters/imap/imap-folders.js';
import { openImapSession, type ImapSession } from '../../../../../gateway/adapters/imap/imap-session.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import type { MailFolder } from '../../../../../gateway/ports/mail-store.js';
import { startScriptedImap, type ScriptedImap, type ScriptOptions } from './scripted-imap.js';

const DOVECOT = ['LIST-EXTENDED', 'LIST-STATUS', 'SPECIAL-USE', 'NAMESPACE', 'CHILDREN'];
const MAILBOXES = [
  { name: 'INBOX', flags: ['\\HasNoChildren'], id: 'g-inbox' },
  { name: 'Sent', flags: ['\\HasNoChildren', '\\Sent'], id: 'g-sent' },
  { name: 'Projects', flags: ['\\HasChildren'], id: 'g-projects' },
  { name: 'Projects/2026', flags: ['\\HasNoChildren'], id: 'g-2026' },
  { name: 'Entw&APw-rfe', flags: ['\\HasNoChildren', '\\Drafts'], id: 'g-drafts' },
];

let server: ScriptedImap | undefined;
let session: ImapSession | undefined;
afterEach(async () => {
  await session?.logout();
  await server?.close();
  session = undefined;
  server = undefined;
});

async function connect(opts: ScriptOptions): Promise<ImapSession> {
  server = await startScriptedImap(opts);
  session = await openImapSession({ host: '127.0.0.1', port: server.port, secure: false, rejectUnauthorized: true, connectTimeoutMs: 2000 }, new BackendCredentials('alice@example.com', 'pw'));
  return session;
}

const byPath = (folders: MailFolder[]) => new Map(folders.map((f) => [f.path, f]));

describe('listMailFolders', () => {
  it('Dovecot-like: paths, parents, special use, INBOX as "Inbox", X-GUIDs from one LIST-STATUS', async () => {
    const s = await connect({ capabilities: DOVECOT, mailboxes: MAILBOXES });
    const folders = byPath(await listMailFolders(s, { sharedNamespaces: false }));
    assert.deepEqual(folders.get('INBOX'), {
      backendId: 'imap:guid:g-inbox', path: 'INBOX', displayName: 'Inbox', parentPath: null, delimiter: '/', specialUse: '\\Inbox', selectable: true, namespace: 'personal',
    });
    assert.equal(folders.get('Sent')?.specialUse, '\\Sent');
    assert.deepEqual(folders.get('Projects/2026'), {
      backendId: 'imap:guid:g-2026', path: 'Projects/2026', displayName: '2026', parentPath: 'Projects', delimiter: '/', specialUse: null, selectable: true, namespace: 'personal',
    });
    // Modified UTF-7 on the wire, Unicode in the port; the id still matched by wire name.
    assert.equal(folders.get('Entwürfe')?.backendId, 'imap:guid:g-drafts');
    assert.equal(folders.get('Entwürfe')?.specialUse, '\\Drafts');
    assert.equal(server!.commands.filter((c) => /X-GUID/.test(c)).length, 1, server!.commands.join('\n'));
    assert.ok(server!.commands.some((c) => /^LIST .*RETURN \(STATUS \(X-GUID\)\)/.test(c)));
  });

  it('without LIST-STATUS: one STATUS per selectable folder; a \\Noselect parent keeps a path id', async () => {
    const s = await connect({
      capabilities: ['SPECIAL-USE', 'NAMESPACE'],
      mailboxes: [{ name: 'INBOX', id: 'g1' }, { name: 'Archive', flags: ['\\Noselect', '\\HasChildren'] }, { name: 'Archive/2019', id: 'g2' }],
    });
    const folders = byPath(await listMailFolders(s, { sharedNamespaces: false }));
    assert.equal(folders.get('INBOX')?.backendId, 'imap:guid:g1');
    assert.equal(folders.get('Archive/2019')?.backendId, 'imap:guid:g2');
    assert.deepEqual([folders.get('Archive')?.backendId, folders.get('Archive')?.selectable], ['imap:path:Archive', false]);
    assert.equal(server!.commands.filter((c) => c.startsWith('STATUS')).length, 2);
  });

  it('a server that does not know X-GUID: path ids, and it is not asked again on that connection', async () => {
    const s = await connect({ capabilities: DOVECOT, mailboxes: MAILBOXES, rejectXGuid: true });
    const first = await listMailFolders(s, { sharedNamespaces: false });
    assert.ok(first.every((f) => f.backendId === `imap:path:${f.path}`));
    await listMailFolders(s, { sharedNamespaces: false });
    assert.equal(server!.commands.filter((c) => /X-GUID/.test(c)).length, 1);
  });

  it('RFC 8474 OBJECTID: MAILBOXID is the id', async () => {
    const s = await connect({ capabilities: [...DOVECOT, 'OBJECTID'], mailboxes: [{ name: 'INBOX', id: 'F2212ea87' }] });
    const [inbox] = await listMailFolders(s, { sharedNamespaces: false });
    assert.equal(inbox?.backendId, 'imap:mailboxid:F2212ea87');
    assert.ok(!server!.commands.some((c) => /X-GUID/.test(c)));
  });

  it('other users\' and shared namespaces: left out by default, listed (without default types) when configured', async () => {
    const opts: ScriptOptions = {
      capabilities: DOVECOT,
      namespace: '(("" "/")) (("Other Users/" "/")) (("Shared/" "/"))',
      mailboxes: [
        { name: 'INBOX', id: 'g1' },
        { name: 'Other Users', flags: ['\\Noselect', '\\HasChildren'] },
        { name: 'Other Users/bob/Sent', flags: ['\\Sent'], id: 'g2' },
        { name: 'Shared', flags: ['\\Noselect', '\\HasChildren'] },
        { name: 'Shared/team', id: 'g3' },
      ],
    };
    const s = await connect(opts);
    assert.deepEqual((await listMailFolders(s, { sharedNamespaces: false })).map((f) => f.path), ['INBOX']);
    const all = byPath(await listMailFolders(s, { sharedNamespaces: true }));
    assert.deepEqual([...all.keys()].sort(), ['INBOX', 'Other Users', 'Other Users/bob/Sent', 'Shared', 'Shared/team']);
    assert.deepEqual([all.get('Other Users/bob/Sent')?.namespace, all.get('Other Users/bob/Sent')?.specialUse], ['other', null]);
    assert.equal(all.get('Shared/team')?.namespace, 'shared');
  });

  it('special use from names only when the server has no SPECIAL-USE', async () => {
    const mailboxes = [{ name: 'INBOX', id: 'g1' }, { name: 'Sent', id: 'g2' }, { name: 'Archive', id: 'g3' }];
    let s = await connect({ capabilities: DOVECOT, mailboxes });
    let folders = byPath(await listMailFolders(s, { sharedNamespaces: false }));
    assert.deepEqual([folders.get('INBOX')?.specialUse, folders.get('Sent')?.specialUse, folders.get('Archive')?.specialUse], ['\\Inbox', null, null]);
    await session?.logout();
    await server?.close();
    s = await connect({ capabilities: ['LIST-STATUS', 'NAMESPACE'], mailboxes });
    folders = byPath(await listMailFolders(s, { sharedNamespaces: false }));
    assert.deepEqual([folders.get('Sent')?.specialUse, folders.get('Archive')?.specialUse], ['\\Sent', '\\Archive']);
  });
});
