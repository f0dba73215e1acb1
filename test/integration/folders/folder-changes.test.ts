/**
 * FolderCreate, FolderUpdate and FolderDelete through the HTTP endpoint against the loopback
 * Dovecot, at 2.5, 12.1, 14.1 and 16.1: the IMAP folder really changes, the answer carries a
 * new SyncKey the next FolderSync accepts without reporting the phone's own change back, and
 * every refusal has the Status MS-ASCMD gives it. Then pyactivesync's captured requests
 * (16.1) are replayed, with this run's names and ids put in where the capture had its own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { productionGatewaySuite } from '../../support/gateway-suite.js';
import { imapSuite } from '../../support/imap.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';
import { memoryLog } from '../../support/memory-log.js';
import { eas, FH, folderCreate, folderDelete, folderSync, folderUpdate, RUN, type Answer, type Phone } from './support.js';

const VERSIONS = ['2.5', '12.1', '14.1', '16.1'] as const;

describe('FolderCreate, FolderUpdate, FolderDelete against Dovecot, over HTTP with WBXML', () => {
  const log = memoryLog('debug');
  // Provisioning is another suite's subject: these phones need no policy key.
  const suite = productionGatewaySuite(log, { policy: { enforce: false } });
  const direct = imapSuite(RUN);
  const imapPaths = async (): Promise<string[]> => (await direct.imap.list()).map((m) => m.path).filter((p) => p.includes(RUN)).sort();

  for (const version of VERSIONS) {
    describe(`protocol ${version}`, () => {
      const v = version.replace('.', '');
      const phone: Phone = { deviceId: `FC${v}${RUN}`, version };
      const top = `Top-${RUN}-${v}`;
      let key = '';
      let ids: Map<string, string>;
      let topId = '';
      let childId = '';
      const send = (command: Parameters<typeof eas>[2], root: WbxmlElement): Promise<Answer> => eas(suite.gw.url, phone, command, root);
      const noEcho = async (answer: Answer) => {
        const next = await send('FolderSync', folderSync(answer.syncKey!));
        assert.equal(next.status, 1);
        const ours = [...next.adds, ...next.updates].filter((f) => f.displayName.includes(RUN) || f.displayName === 'Kind');
        assert.deepEqual([ours, next.deletes.filter((id) => id === topId || id === childId)], [[], []], 'the phone\'s own change is not reported back');
        key = next.syncKey!;
      };

      it('primes with FolderSync 0', async () => {
        const r = await send('FolderSync', folderSync('0'));
        ids = new Map(r.adds.map((f) => [f.displayName, f.serverId]));
        key = r.syncKey!;
      });

      it('FolderCreate at top level and below it (non-ASCII name): IMAP folders, ServerIds, a new key', async () => {
        const a = await send('FolderCreate', folderCreate(key, '0', top));
        assert.deepEqual([a.status, Number(a.syncKey) > Number(key)], [1, true]);
        topId = a.serverId!;
        const b = await send('FolderCreate', folderCreate(a.syncKey!, topId, 'Entwürfe'));
        assert.equal(b.status, 1);
        childId = b.serverId!;
        assert.notEqual(childId, topId);
        assert.deepEqual(await imapPaths(), [top, `${top}/Entwürfe`]);
        await noEcho(b);
      });

      it('FolderCreate refusals: 2 exists, 3 below the Outbox, 5 no parent, 6 calendar type, 9 bad key, 10 default type or malformed', async () => {
        const status = async (root: WbxmlElement) => (await send('FolderCreate', root)).status;
        assert.equal(await status(folderCreate(key, topId, 'Entwürfe')), 2);
        assert.equal(await status(folderCreate(key, ids.get('Outbox')!, 'X')), 3);
        assert.equal(await status(folderCreate(key, '999999', 'X')), 5);
        assert.equal(await status(folderCreate(key, topId, 'Kalender', 13)), 6);
        assert.equal(await status(folderCreate('999999', topId, 'X')), 9);
        assert.equal(await status(folderCreate(key, topId, 'Inbox2', 2)), 10);
        assert.equal(await status(el(FH, 'FolderCreate', [el(FH, 'SyncKey', key), el(FH, 'ParentId', '0')])), 10);
        assert.deepEqual(await imapPaths(), [top, `${top}/Entwürfe`], 'nothing was created');
      });

      it('FolderUpdate renames and moves; the ServerId stays', async () => {
        const a = await send('FolderUpdate', folderUpdate(key, childId, topId, 'Kind'));
        assert.equal(a.status, 1);
        assert.deepEqual(await imapPaths(), [top, `${top}/Kind`]);
        const b = await send('FolderUpdate', folderUpdate(a.syncKey!, childId, '0', `${top}-moved`));
        assert.equal(b.status, 1);
        assert.deepEqual(await imapPaths(), [top, `${top}-moved`]);
        await noEcho(b);
        const fresh = await eas(suite.gw.url, { deviceId: `FX${v}${RUN}`, version }, 'FolderSync', folderSync('0'));
        assert.deepEqual(fresh.adds.find((f) => f.serverId === childId), { serverId: childId, parentId: '0', displayName: `${top}-moved`, type: 12 });
      });

      it('FolderUpdate refusals: 2 special folder or name taken, 4 no folder, 5 no parent, 9 bad key, 10 below itself', async () => {
        await send('FolderUpdate', folderUpdate(key, childId, topId, 'Kind')).then((r) => (key = r.syncKey!));
        const status = async (root: WbxmlElement) => (await send('FolderUpdate', root)).status;
        assert.equal(await status(folderUpdate(key, ids.get('Inbox')!, '0', 'Posteingang')), 2);
        assert.equal(await status(folderUpdate(key, ids.get('Outbox')!, '0', 'Postausgang')), 2);
        assert.equal(await status(folderUpdate(key, childId, topId, 'Kind')), 1, 'no change is no error');
        await direct.imap.mailboxCreate(`${top}/Taken`);
        const latest = (await send('FolderSync', folderSync(key))).syncKey!;
        assert.equal(await status(folderUpdate(latest, childId, topId, 'Taken')), 2);
        assert.equal(await status(folderUpdate(latest, '999999', '0', 'X')), 4);
        assert.equal(await status(folderUpdate(latest, childId, '999999', 'X')), 5);
        assert.equal(await status(folderUpdate('999999', childId, '0', 'X')), 9);
        assert.equal(await status(folderUpdate(latest, topId, childId, 'Loop')), 10);
        key = latest;
      });

      it('FolderDelete removes the folder with its subfolders; refusals: 3 special, 4 no folder, 9 bad key', async () => {
        const status = async (root: WbxmlElement) => (await send('FolderDelete', root)).status;
        assert.equal(await status(folderDelete(key, ids.get('Inbox')!)), 3);
        assert.equal(await status(folderDelete(key, ids.get('Outbox')!)), 3);
        assert.equal(await status(folderDelete(key, ids.get('Sent')!)), 3);
        assert.equal(await status(folderDelete(key, '999999')), 4);
        assert.equal(await status(folderDelete('999999', topId)), 9);
        const r = await send('FolderDelete', folderDelete(key, topId));
        assert.equal(r.status, 1);
        assert.deepEqual(await imapPaths(), []);
        const next = await send('FolderSync', folderSync(r.syncKey!));
        assert.ok(!next.deletes.includes(topId) && !next.deletes.includes(childId), 'not reported back');
        assert.ok(!next.adds.some((f) => f.displayName.includes(RUN)));
      });
    });
  }

  describe('replay of pyactivesync 16.1 (captured requests 003, 018-023)', () => {
    const phone: Phone = { deviceId: `PY${RUN}`, version: '16.1' };
    const dir = join(FIXTURES_DIR, 'captured_clients', 'pyactivesync_monperrus_eas16.1');
    const captured = (file: string): Buffer => readFileSync(join(dir, file));
    /** The captured request with some element texts replaced (the capture's names and ids were its fake server's). */
    const patched = (file: string, texts: Record<string, string>): Uint8Array => {
      const root = decode(captured(file));
      for (const [tag, text] of Object.entries(texts)) {
        const e = root.children.find((c) => c.tag === tag);
        assert.ok(e, `${file} has ${tag}`);
        e.text = text;
      }
      return encode(root);
    };
    const name = `NewFolder-${RUN}`;
    let created = '';

    it('003 FolderSync 0, byte for byte', async () => {
      const r = await eas(suite.gw.url, phone, 'FolderSync', captured('003-FolderSync.req.wbxml'));
      assert.deepEqual([r.status, r.syncKey], [1, '1']);
    });

    it('018 FolderSync 0 then 019 FolderCreate with key 1 (its DisplayName made unique)', async () => {
      assert.equal((await eas(suite.gw.url, phone, 'FolderSync', captured('018-FolderSync.req.wbxml'))).syncKey, '1');
      const r = await eas(suite.gw.url, phone, 'FolderCreate', patched('019-FolderCreate.req.wbxml', { DisplayName: name }));
      assert.deepEqual([r.status, r.syncKey], [1, '2']);
      created = r.serverId!;
      assert.ok((await direct.imap.list()).some((m) => m.path === name));
    });

    it('020 FolderSync 0 then 021 FolderUpdate with key 1 (its ServerId 12 is our new folder)', async () => {
      const r0 = await eas(suite.gw.url, phone, 'FolderSync', captured('020-FolderSync.req.wbxml'));
      assert.deepEqual(r0.adds.find((f) => f.serverId === created)?.displayName, name);
      const r = await eas(suite.gw.url, phone, 'FolderUpdate', patched('021-FolderUpdate.req.wbxml', { ServerId: created, DisplayName: `Renamed-${RUN}` }));
      assert.deepEqual([r.status, r.syncKey], [1, '2']);
      assert.ok((await direct.imap.list()).some((m) => m.path === `Renamed-${RUN}`));
    });

    it('022 FolderSync 0 then 023 FolderDelete with key 1', async () => {
      const r0 = await eas(suite.gw.url, phone, 'FolderSync', captured('022-FolderSync.req.wbxml'));
      assert.deepEqual(r0.adds.find((f) => f.serverId === created)?.displayName, `Renamed-${RUN}`, 'same ServerId after the rename');
      const r = await eas(suite.gw.url, phone, 'FolderDelete', patched('023-FolderDelete.req.wbxml', { ServerId: created }));
      assert.deepEqual([r.status, r.syncKey], [1, '2']);
      assert.ok(!(await direct.imap.list()).some((m) => m.path.includes(RUN) && m.path.startsWith('Renamed')));
    });
  });
});
