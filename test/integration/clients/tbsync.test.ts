/**
 * EAS-4-TbSync (Thunderbird's EAS provider, its own unmodified code: see test/support/tbsync)
 * sets up an account against easgate as `easgate serve` runs it (production registry, loopback
 * Dovecot): OPTIONS, Provision in two phases, Settings DeviceInformation (14.0 only), FolderSync.
 * It stops there (item Sync is issue 5).
 *
 * What TbSync keeps: its folder database holds only contacts, calendar, tasks and trash folders
 * (FolderSync types 9/14, 8/13, 7/15 and 4; sync.js folderList), so mail folders never reach it.
 * The whole hierarchy is therefore checked on TbSync's own parse of the FolderSync response
 * (wbxmltools.convert2xml + xmltools), against what IMAP LIST returns for alice; and the database
 * is checked to hold exactly the folders of those types, the trash among them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ImapFlow } from 'imapflow';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { createProductionRegistry } from '../../../gateway/commands/production.js';
import { IMAP_HOST, IMAP_PORT, integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { memoryLog } from '../../support/memory-log.js';
import { loadTbSync, type TbSync, type TbSyncExchange } from '../../support/tbsync/index.js';
import { commandOf, formatExchange, formatFailure } from '../../support/tbsync/report.js';

const ALICE = USERS.alice;
/** The folder types TbSync's folderList keeps in its database. */
const TBSYNC_DB_TYPES = ['9', '14', '8', '13', '7', '15', '4'];
/** MS-ASCMD 2.2.3.186.3 Type values of mail folders: the only ones an IMAP mailbox can become. */
const MAIL_TYPES = ['2', '3', '4', '5', '6', '12'];

interface ExpectedFolder {
  readonly path: string;
  readonly parentPath: string | undefined;
  readonly displayName: string;
  readonly type: string;
}

/** alice's mailboxes as IMAP LIST reports them, with the EAS type each should get. */
async function imapFolders(): Promise<ExpectedFolder[]> {
  const client = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: ALICE.user, pass: ALICE.password }, logger: false });
  await client.connect();
  try {
    const list = await client.list();
    return list
      .filter((m) => !m.flags.has('\\Noselect') && !m.flags.has('\\NonExistent'))
      .map((m) => {
        const type = m.path.toUpperCase() === 'INBOX' ? '2' : m.specialUse === '\\Drafts' ? '3' : m.specialUse === '\\Trash' ? '4' : m.specialUse === '\\Sent' ? '5' : '12';
        const cut = m.delimiter ? m.path.lastIndexOf(m.delimiter) : -1;
        return { path: m.path, parentPath: cut > 0 ? m.path.slice(0, cut) : undefined, displayName: cut > 0 ? m.path.slice(cut + 1) : m.name, type };
      });
  } finally {
    await client.logout();
  }
}

interface FolderAdd {
  readonly ServerId: string;
  readonly ParentId: string;
  readonly DisplayName: string;
  readonly Type: string;
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('EAS-4-TbSync against easgate and the loopback Dovecot', () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let tb: TbSync;
  let registered: string[];
  const log = memoryLog('debug');

  before(async () => {
    await requireImap();
    tb = loadTbSync();
    data = testDataDir();
    const config = integrationConfig(data.path);
    registered = createProductionRegistry(config).names();
    gw = await startGateway(config, { logger: log.logger });
  });
  after(async () => {
    tb?.close();
    await gw?.close();
    data?.remove();
  });

  /**
   * One account setup by TbSync. `imap` is alice's IMAP LIST taken just before; the caller retries
   * when the mailbox was changed meanwhile by someone else (other test files share alice).
   */
  async function scenario(version: '14.0' | '2.5', attempt: number, imap: ExpectedFolder[]): Promise<void> {
    const from = tb.exchanges.length;
    const statesFrom = tb.states.length;
    const account = tb.createAccount({
      host: new URL(gw.url).host,
      user: ALICE.user,
      password: ALICE.password,
      asversion: version,
      provision: true,
      deviceId: `MZTBeasgate${version.replace('.', '')}a${attempt}0123456789abcd`.slice(0, 32),
    });
    const { status } = await tb.syncFolderList(account);
    const ex = tb.exchanges.slice(from);
    const context = `EAS ${version} (commands in the production registry: ${registered.join(',') || 'none'})`;
    assert.equal(status.type, 'success', formatFailure(context, status, ex, tb.states.slice(statesFrom), tb.log));

    // The conversation TbSync had.
    const offered = String(account.property('allowedEasCommands')).split(',');
    for (const cmd of ['Provision', 'FolderSync', ...(version === '14.0' ? ['Settings'] : [])]) {
      assert.ok(offered.includes(cmd), `OPTIONS did not offer ${cmd}: MS-ASProtocolCommands was "${offered.join(',')}"`);
    }
    assert.ok(String(account.property('allowedEasVersions')).split(',').includes(version));
    assert.deepEqual(ex.map(commandOf), ['OPTIONS', 'Provision', 'Provision', ...(version === '14.0' ? ['Settings'] : []), 'FolderSync']);
    for (const e of ex) assert.equal(e.status, 200, formatExchange(e));
    const [, phase1, phase2, ...rest] = ex as [TbSyncExchange, TbSyncExchange, TbSyncExchange, ...TbSyncExchange[]];
    assert.equal(phase1.requestHeaders['X-MS-PolicyKey'], '0');
    const temporaryKey = phase2.requestHeaders['X-MS-PolicyKey'];
    assert.ok(temporaryKey && temporaryKey !== '0', 'phase 2 carries the temporary policy key from phase 1');
    const finalKey = String(account.property('policykey'));
    assert.match(finalKey, /^[1-9]\d*$/, 'the policy key after phase 2');
    for (const e of rest) assert.equal(e.requestHeaders['X-MS-PolicyKey'], finalKey, `${commandOf(e)} carries the final policy key`);
    assert.notEqual(account.property('foldersynckey'), '0');

    // TbSync's reading of the hierarchy against IMAP LIST.
    const folderSync = ex[ex.length - 1]!;
    const parsed = tb.parseWbxml(folderSync.responseBody!) as { FolderSync?: { Changes?: { Add?: FolderAdd | FolderAdd[] } } };
    const adds = asArray(parsed.FolderSync?.Changes?.Add);
    const byServerId = new Map(adds.map((a) => [a.ServerId, a]));
    const pathOf = (a: FolderAdd): string => {
      const parent = a.ParentId === '0' ? undefined : byServerId.get(a.ParentId);
      return parent ? `${pathOf(parent)}/${a.DisplayName}` : a.DisplayName;
    };
    const report = `FolderSync response:\n${formatExchange(folderSync)}\nIMAP LIST: ${imap.map((f) => `${f.path}(${f.type})`).join(', ')}`;
    for (const f of imap) {
      const matches = adds.filter((a) => MAIL_TYPES.includes(a.Type) && pathOf(a).toLowerCase() === f.path.toLowerCase());
      assert.equal(matches.length, 1, `IMAP ${f.path}: ${matches.length} FolderSync Adds with that path\n${report}`);
      const add = matches[0]!;
      assert.equal(add.Type, f.type, `IMAP ${f.path}: FolderSync Type\n${report}`);
      // INBOX is case-insensitive in IMAP (RFC 3501 5.1), so "Inbox" is its name too.
      if (f.path.toUpperCase() === 'INBOX') assert.equal(add.DisplayName.toUpperCase(), 'INBOX', `IMAP ${f.path}: DisplayName`);
      else assert.equal(add.DisplayName, f.displayName, `IMAP ${f.path}: DisplayName`);
      if (f.parentPath === undefined) assert.equal(add.ParentId, '0', `IMAP ${f.path} is top level`);
      else assert.equal(pathOf(byServerId.get(add.ParentId)!), f.parentPath, `IMAP ${f.path}: parent`);
    }
    const extraMail = adds.filter((a) => ['2', '3', '4', '5', '12'].includes(a.Type) && !imap.some((f) => f.path.toLowerCase() === pathOf(a).toLowerCase()));
    assert.deepEqual(extraMail, [], `mail folders in FolderSync that IMAP LIST does not have\n${report}`);
    assert.equal(new Set(adds.map((a) => a.ServerId)).size, adds.length, 'ServerIds are unique');

    // TbSync's own folder database.
    const db = account.folders();
    assert.deepEqual(
      db.map(({ serverID, parentID, foldername, type }) => ({ serverID, parentID, foldername, type })).sort((a, b) => a.serverID.localeCompare(b.serverID)),
      adds
        .filter((a) => TBSYNC_DB_TYPES.includes(a.Type))
        .map((a) => ({ serverID: a.ServerId, parentID: a.ParentId, foldername: a.DisplayName, type: a.Type }))
        .sort((a, b) => a.serverID.localeCompare(b.serverID)),
    );
    const trash = imap.find((f) => f.type === '4');
    if (trash) assert.ok(db.some((f) => f.type === '4' && f.foldername === trash.displayName), `TbSync's folder DB has the trash ${trash.path}`);

    // TbSync's next sync: the folder list again, with the SyncKey it got; nothing changed.
    const again = tb.exchanges.length;
    const second = await tb.syncFolderList(account);
    const ex2 = tb.exchanges.slice(again);
    assert.equal(second.status.type, 'success', formatFailure(`${context}, second folder-list sync`, second.status, ex2, tb.states, tb.log));
    assert.deepEqual(ex2.map(commandOf), [...(version === '14.0' ? ['Settings'] : []), 'FolderSync']);
    const next = tb.parseWbxml(ex2[ex2.length - 1]!.responseBody!) as { FolderSync?: { Changes?: { Add?: unknown; Update?: unknown; Delete?: unknown } } };
    const changes = next.FolderSync?.Changes;
    assert.deepEqual([asArray(changes?.Add).length, asArray(changes?.Update).length, asArray(changes?.Delete).length], [0, 0, 0], formatExchange(ex2[ex2.length - 1]!));
    assert.deepEqual(account.folders(), db);
  }

  for (const version of ['14.0', '2.5'] as const) {
    it(`EAS ${version}: OPTIONS, Provision (both phases)${version === '14.0' ? ', Settings' : ''}, FolderSync; the folders match IMAP LIST`, async (t: TestContext) => {
      const listing = (folders: ExpectedFolder[]): string => folders.map((f) => `${f.path}(${f.type})`).sort().join(', ');
      for (let attempt = 1; attempt <= 3; attempt++) {
        const imap = await imapFolders();
        try {
          await scenario(version, attempt, imap);
          return;
        } catch (err) {
          const now = await imapFolders();
          if (listing(now) === listing(imap)) throw err;
          t.diagnostic(`attempt ${attempt}: alice's mailboxes changed during the test (${listing(imap)} -> ${listing(now)}); retrying. The failure was: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      assert.fail("alice's mailboxes kept changing during three attempts: other tests are creating folders concurrently");
    });
  }

  // TbSync's own default is provisioning off: it provisions only when the server asks, with
  // HTTP 449 (before 14.0) or Status 142 in the response (14.0 on, MS-ASPROV 3.2.5.1.1).
  for (const version of ['14.0', '2.5'] as const) {
    const first = version === '14.0' ? 'Settings' : 'FolderSync';
    it(`EAS ${version}, TbSync's defaults (provisioning off): ${first} is refused with ${version === '14.0' ? 'Status 142' : 'HTTP 449'}, TbSync provisions and reruns`, async () => {
      const from = tb.exchanges.length;
      const account = tb.createAccount({ host: new URL(gw.url).host, user: ALICE.user, password: ALICE.password, asversion: version, deviceId: `MZTBeasgatedefault${version.replace('.', '')}0123456789`.slice(0, 32) });
      const { status, runs } = await tb.syncFolderList(account);
      const ex = tb.exchanges.slice(from);
      assert.equal(status.type, 'success', formatFailure(`EAS ${version}, provisioning off`, status, ex, tb.states, tb.log));
      assert.deepEqual(runs.map((r) => r.type), ['account_rerun', 'success'], formatFailure(`EAS ${version}, provisioning off`, runs[0]!, ex, tb.states, tb.log));
      const after449 = version === '14.0' ? ['Provision', 'Provision', 'Settings', 'FolderSync'] : ['Provision', 'Provision', 'FolderSync'];
      assert.deepEqual(ex.map(commandOf), ['OPTIONS', first, ...after449]);
      const refused = ex[1]!;
      assert.equal(refused.requestHeaders['X-MS-PolicyKey'], undefined, 'no policy key while provisioning is off');
      if (version === '14.0') {
        assert.equal(refused.status, 200, formatExchange(refused));
        assert.equal((tb.parseWbxml(refused.responseBody!) as { Settings?: { Status?: string } }).Settings?.Status, '142', formatExchange(refused));
      } else {
        assert.equal(refused.status, 449, formatExchange(refused));
      }
      assert.equal(account.property('provision'), true);
      assert.match(String(account.property('policykey')), /^[1-9]\d*$/);
    });
  }
});
