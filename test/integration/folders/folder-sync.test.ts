/**
 * FolderSync through the HTTP endpoint against the loopback Dovecot, at 2.5, 12.1, 14.1 and
 * 16.1: the whole hierarchy for key 0, exactly as IMAP lists it; changes made directly on
 * IMAP by another client as Update (same ServerId), Delete and Add; Status 9 for keys we
 * never issued; a retried key answered again. Every response is checked against
 * Microsoft's XSD. Other suites use alice at the same time, so assertions about changes look
 * only at this run's folders.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { encode } from '../../../codec/index.js';
import { productionGatewaySuite } from '../../support/gateway-suite.js';
import { imapSuite } from '../../support/imap.js';
import { send } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import { ALICE, eas, folderSync, median, newSessionLists, RUN, type Answer, type Folder, type Phone } from './support.js';

const VERSIONS = ['2.5', '12.1', '14.1', '16.1'] as const;
const SPECIAL_TYPES: Record<string, number> = { '\\Drafts': 3, '\\Trash': 4, '\\Sent': 5 };

/** ServerId -> full IMAP path, rebuilt from ParentId chains and display names. */
function paths(folders: Folder[]): Map<string, string> {
  const by = new Map(folders.map((f) => [f.serverId, f]));
  const pathOf = (f: Folder): string => {
    const own = f.type === 2 ? 'INBOX' : f.displayName;
    const parent = by.get(f.parentId);
    return parent ? `${pathOf(parent)}/${own}` : own;
  };
  return new Map(folders.map((f) => [f.serverId, pathOf(f)]));
}

async function imapFolders(imap: ImapFlow): Promise<Map<string, number>> {
  const listed = (await imap.list()).filter((m) => !m.flags.has('\\NonExistent'));
  const types = new Map<string, number>();
  for (const m of listed) {
    const use = [...m.flags].find((f) => f in SPECIAL_TYPES);
    types.set(m.path, m.path === 'INBOX' ? 2 : use ? SPECIAL_TYPES[use]! : 12);
  }
  return types;
}

describe('FolderSync against Dovecot, over HTTP with WBXML', () => {
  const log = memoryLog('debug');
  // Provisioning is another suite's subject: these phones need no policy key.
  const suite = productionGatewaySuite(log, { policy: { enforce: false } });
  const direct = imapSuite(RUN);

  for (const version of VERSIONS) {
    describe(`protocol ${version}`, () => {
      const v = version.replace('.', '');
      const phone: Phone = { deviceId: `FS${v}${RUN}`, version };
      const projects = `Projects-${RUN}-${v}`;
      let first: Answer;
      let ids: Map<string, string>;
      let key = '';
      const idOf = (path: string): string => {
        const hit = [...ids].find(([, p]) => p === path);
        assert.ok(hit, `no ServerId for ${path}`);
        return hit[0];
      };

      it('SyncKey 0: exactly the IMAP folders (nested Projects/2026 included) with their types and parents, plus the Outbox', async () => {
        await direct.imap.mailboxCreate(projects);
        await direct.imap.mailboxCreate(`${projects}/2026`);
        await direct.imap.mailboxCreate(`${RUN}-${v}-doomed`);
        const listedBefore = await imapFolders(direct.imap);
        first = await eas(suite.gw.url, phone, 'FolderSync', folderSync('0'));
        const listedAfter = await imapFolders(direct.imap);
        assert.deepEqual([first.status, first.syncKey, first.count], [1, '1', first.adds.length]);
        ids = paths(first.adds);
        const answered = new Map(first.adds.map((f) => [ids.get(f.serverId)!, f]));
        const outbox = first.adds.filter((f) => f.type === 6);
        assert.deepEqual(outbox.map((f) => [f.displayName, f.parentId]), [['Outbox', '0']]);
        // Folders other suites create or delete meanwhile may or may not be in the answer.
        for (const [path, type] of listedBefore) {
          if (!listedAfter.has(path)) continue;
          assert.ok(answered.has(path), `IMAP folder ${path} is missing from FolderSync`);
          assert.equal(answered.get(path)!.type, type, `type of ${path}`);
        }
        for (const path of answered.keys()) {
          if (path === 'Outbox') continue;
          assert.ok(listedBefore.has(path) || listedAfter.has(path), `FolderSync reports ${path}, which IMAP does not list`);
        }
        assert.equal(answered.get(`${projects}/2026`)!.parentId, idOf(projects));
        assert.equal(answered.get(projects)!.parentId, '0');
        assert.equal(answered.get('INBOX')!.displayName, 'Inbox');
        assert.equal(new Set(first.adds.map((f) => f.serverId)).size, first.adds.length, 'ServerIds are unique');
        key = first.syncKey!;
      });

      it('a rename on IMAP is an Update with the same ServerId; the subfolder is not touched', async () => {
        await direct.imap.mailboxRename(projects, `${projects}-renamed`);
        await newSessionLists();
        const r = await eas(suite.gw.url, phone, 'FolderSync', folderSync(key));
        assert.equal(r.status, 1);
        assert.ok(Number(r.syncKey) > Number(key), 'a new, larger key');
        assert.deepEqual(r.updates.filter((f) => f.displayName.includes(RUN)), [{ serverId: idOf(projects), parentId: '0', displayName: `${projects}-renamed`, type: 12 }]);
        assert.ok(!r.deletes.includes(idOf(projects)) && !r.deletes.includes(idOf(`${projects}/2026`)));
        assert.ok(!r.adds.some((f) => f.displayName.includes(RUN)));
        key = r.syncKey!;
      });

      it('a delete and a create on IMAP are a Delete and an Add', async () => {
        await direct.imap.mailboxDelete(`${RUN}-${v}-doomed`);
        await direct.imap.mailboxCreate(`${projects}-renamed/2027`);
        await newSessionLists();
        const r = await eas(suite.gw.url, phone, 'FolderSync', folderSync(key));
        assert.ok(r.deletes.includes(idOf(`${RUN}-${v}-doomed`)), JSON.stringify(r.deletes));
        const added = r.adds.filter((f) => f.displayName.includes('2027'));
        assert.deepEqual(added.map((f) => [f.displayName, f.parentId, f.type]), [['2027', idOf(projects), 12]]);
        key = r.syncKey!;
      });

      it('nothing changed: Count 0 and the same key', async () => {
        const r = await eas(suite.gw.url, phone, 'FolderSync', folderSync(key));
        // Another suite may have changed alice's folders in between: then there is news.
        if (r.count === 0) assert.equal(r.syncKey, key);
        else key = r.syncKey!;
      });

      it('a key never issued, or not a key at all: Status 9', async () => {
        for (const bad of ['999999', 'abc', '-1']) {
          const r = await eas(suite.gw.url, phone, 'FolderSync', folderSync(bad));
          assert.deepEqual([r.status, r.syncKey, r.count], [9, undefined, undefined], bad);
        }
      });

      it('the client retries its previous key (our answer lost): the same answer again, then either key works on', async () => {
        await direct.imap.mailboxCreate(`${RUN}-${v}-retry`);
        await newSessionLists();
        const answer = await eas(suite.gw.url, phone, 'FolderSync', folderSync(key));
        const again = await eas(suite.gw.url, phone, 'FolderSync', folderSync(key));
        const ours = (a: Answer) => a.adds.filter((f) => f.displayName.includes(RUN));
        assert.deepEqual(ours(again), ours(answer));
        assert.equal(ours(answer).length, 1);
        if (again.body.equals(answer.body)) assert.equal(again.syncKey, answer.syncKey);
        const next = await eas(suite.gw.url, phone, 'FolderSync', folderSync(again.syncKey!));
        assert.ok(!next.adds.some((f) => f.displayName.includes(`${RUN}-${v}-retry`)));
      });
    });
  }

  it('latency against Dovecot: SyncKey 0 and a no-change FolderSync (median of 15, warm pool)', async (t: TestContext) => {
    const phone: Phone = { deviceId: `LAT${RUN}`, version: '14.1' };
    const primed = await eas(suite.gw.url, phone, 'FolderSync', folderSync('0'));
    const path = `/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=${encodeURIComponent(ALICE.user)}&DeviceId=${phone.deviceId}&DeviceType=FolderTest`;
    // The round trip alone: eas() would add the XSD check (an xmllint process) to every sample.
    const time = async (key: string): Promise<number> => {
      const start = performance.now();
      const res = await send(suite.gw.url, { path, headers: { 'MS-ASProtocolVersion': phone.version }, auth: ALICE, body: encode(folderSync(key)) });
      const took = performance.now() - start;
      assert.equal(res.status, 200);
      return took;
    };
    const served = () => log.accessLines().filter((l) => l.deviceId === phone.deviceId).slice(-15).map((l) => l.durationMs as number);
    const zero: number[] = [];
    for (let i = 0; i < 15; i++) zero.push(await time('0'));
    const zeroServed = served();
    const same: number[] = [];
    for (let i = 0; i < 15; i++) same.push(await time('1'));
    const sameServed = served();
    t.diagnostic(`FolderSync of ${primed.adds.length} folders, median over HTTP (in the gateway): key 0 ${median(zero)} ms (${median(zeroServed)} ms), no change ${median(same)} ms (${median(sameServed)} ms)`);
    assert.ok(median(same) < 1000 && median(zero) < 1000);
  });

});
