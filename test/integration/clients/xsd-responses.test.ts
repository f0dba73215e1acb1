/**
 * Every command in the production registry answers real client requests with responses that
 * Microsoft's XSDs accept (test/support/xsd.ts). The requests are the captured ones of
 * EAS-4-TbSync at 14.0 and pyactivesync at 16.1 (shared/fixtures/captured_clients), with the
 * live policy key, SyncKeys and ServerIds put in where the capture had the fake server's.
 *
 * A command that is not registered yet is not validated: its step passes with a diagnostic that
 * says so (visible in the test output), so nothing is skipped silently; once registered, its
 * response must validate. Steps run in order and carry state (policy key, SyncKey, ServerId).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ImapFlow } from 'imapflow';
import { decode, encode, type WbxmlElement } from '../../../codec/index.js';
import { createProductionRegistry } from '../../../gateway/commands/production.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { IMAP_HOST, IMAP_PORT, integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';
import { send, type TestResponse } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import { formatExchange } from '../../support/tbsync/report.js';
import { validateEasResponse, type EasSchemaName } from '../../support/xsd.js';

const ALICE = USERS.alice;
const EAS = '/Microsoft-Server-ActiveSync';
const RUN = `xsd${process.pid}x${Date.now().toString(36)}`;
const NEW_FOLDER = `${RUN}-created`;
const RENAMED_FOLDER = `${RUN}-renamed`;

interface Device {
  readonly id: string;
  readonly type: string;
  readonly version: string;
  readonly captured: string;
  policyKey?: string;
}

const TBSYNC: Device = { id: `TBSYNC${RUN}`.slice(0, 32), type: 'TbSync', version: '14.0', captured: 'eas4tbsync_eas14.0' };
const PYAS: Device = { id: `PYAS${RUN}`.slice(0, 32), type: 'pyactivesync', version: '16.1', captured: 'pyactivesync_monperrus_eas16.1' };

const capturedTree = (device: Device, file: string): WbxmlElement => decode(readFileSync(join(FIXTURES_DIR, 'captured_clients', device.captured, file)));

/** Sets the text of the element at `path` (below the root), which must exist in the captured request. */
function withText(root: WbxmlElement, path: string[], text: string): WbxmlElement {
  let cur: WbxmlElement | undefined = root;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  assert.ok(cur, `captured ${root.tag} request has no ${path.join('/')}`);
  cur.text = text;
  return root;
}

const textAt = (root: WbxmlElement, ...path: string[]): string | undefined => {
  let cur: WbxmlElement | undefined = root;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  return cur?.text;
};

interface Step {
  readonly title: string;
  readonly command: string;
  readonly device: Device;
  readonly schema: EasSchemaName;
  /** Commands whose earlier steps this one depends on (SyncKey, ServerId). */
  readonly needs?: readonly string[];
  request(): WbxmlElement;
  /** Reads what later steps need from a valid response. */
  after?(root: WbxmlElement): void;
}

const state: { folderSyncKey?: string; createdId?: string } = {};

function provisionSteps(device: Device, phase1File: string, phase2File: string): Step[] {
  let temporaryKey: string | undefined;
  return [
    {
      title: `Provision phase 1 (${device.type} ${device.version})`,
      command: 'Provision',
      device,
      schema: 'ProvisionResponse',
      request: () => capturedTree(device, phase1File),
      after: (root) => {
        temporaryKey = textAt(root, 'Policies', 'Policy', 'PolicyKey');
        assert.ok(temporaryKey, 'phase 1 response has a PolicyKey');
        device.policyKey = temporaryKey;
      },
    },
    {
      title: `Provision phase 2, acknowledgement (${device.type} ${device.version})`,
      command: 'Provision',
      device,
      schema: 'ProvisionResponse',
      request: () => withText(capturedTree(device, phase2File), ['Policies', 'Policy', 'PolicyKey'], temporaryKey ?? '0'),
      after: (root) => {
        const finalKey = textAt(root, 'Policies', 'Policy', 'PolicyKey');
        assert.ok(finalKey, 'phase 2 response has the final PolicyKey');
        device.policyKey = finalKey;
      },
    },
  ];
}

const STEPS: Step[] = [
  ...provisionSteps(TBSYNC, '002-Provision.req.wbxml', '003-Provision.req.wbxml'),
  { title: 'Settings DeviceInformation Set (TbSync 14.0)', command: 'Settings', device: TBSYNC, schema: 'SettingsResponse', request: () => capturedTree(TBSYNC, '004-Settings.req.wbxml') },
  { title: 'FolderSync SyncKey 0 (TbSync 14.0)', command: 'FolderSync', device: TBSYNC, schema: 'FolderSyncResponse', request: () => capturedTree(TBSYNC, '005-FolderSync.req.wbxml') },
  ...provisionSteps(PYAS, '001-Provision.req.wbxml', '002-Provision.req.wbxml'),
  {
    title: 'FolderSync SyncKey 0 (pyactivesync 16.1)',
    command: 'FolderSync',
    device: PYAS,
    schema: 'FolderSyncResponse',
    request: () => capturedTree(PYAS, '003-FolderSync.req.wbxml'),
    after: (root) => void (state.folderSyncKey = textAt(root, 'SyncKey')),
  },
  {
    title: 'FolderSync with the current SyncKey, no changes (pyactivesync 16.1)',
    command: 'FolderSync',
    device: PYAS,
    schema: 'FolderSyncResponse',
    needs: ['FolderSync'],
    request: () => withText(capturedTree(PYAS, '018-FolderSync.req.wbxml'), ['SyncKey'], state.folderSyncKey ?? '0'),
    after: (root) => void (state.folderSyncKey = textAt(root, 'SyncKey') ?? state.folderSyncKey),
  },
  { title: 'Settings Oof Get (pyactivesync 16.1)', command: 'Settings', device: PYAS, schema: 'SettingsResponse', request: () => capturedTree(PYAS, '017-Settings.req.wbxml') },
  {
    title: 'FolderCreate (pyactivesync 16.1)',
    command: 'FolderCreate',
    device: PYAS,
    schema: 'FolderCreateResponse',
    needs: ['FolderSync'],
    request: () => withText(withText(capturedTree(PYAS, '019-FolderCreate.req.wbxml'), ['SyncKey'], state.folderSyncKey ?? '0'), ['DisplayName'], NEW_FOLDER),
    after: (root) => {
      state.folderSyncKey = textAt(root, 'SyncKey') ?? state.folderSyncKey;
      state.createdId = textAt(root, 'ServerId');
    },
  },
  {
    title: 'FolderUpdate, rename (pyactivesync 16.1)',
    command: 'FolderUpdate',
    device: PYAS,
    schema: 'FolderUpdateResponse',
    needs: ['FolderSync', 'FolderCreate'],
    request: () => {
      const root = capturedTree(PYAS, '021-FolderUpdate.req.wbxml');
      withText(root, ['SyncKey'], state.folderSyncKey ?? '0');
      withText(root, ['ServerId'], state.createdId ?? '0');
      return withText(root, ['DisplayName'], RENAMED_FOLDER);
    },
    after: (root) => void (state.folderSyncKey = textAt(root, 'SyncKey') ?? state.folderSyncKey),
  },
  {
    title: 'FolderDelete (pyactivesync 16.1)',
    command: 'FolderDelete',
    device: PYAS,
    schema: 'FolderDeleteResponse',
    needs: ['FolderSync', 'FolderCreate'],
    request: () => withText(withText(capturedTree(PYAS, '023-FolderDelete.req.wbxml'), ['SyncKey'], state.folderSyncKey ?? '0'), ['ServerId'], state.createdId ?? '0'),
  },
];

/** Removes what FolderCreate/FolderUpdate may have left in alice's mailbox. */
async function removeTestFolders(): Promise<string[]> {
  const client = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: ALICE.user, pass: ALICE.password }, logger: false });
  await client.connect();
  try {
    const left = (await client.list()).filter((m) => m.path.includes(RUN)).map((m) => m.path);
    for (const path of left) await client.mailboxDelete(path);
    return left;
  } finally {
    await client.logout();
  }
}

describe('responses of the production commands against Microsoft XSDs', () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let registered: string[];
  const log = memoryLog('debug');

  before(async () => {
    await requireImap();
    data = testDataDir();
    const config = integrationConfig(data.path);
    registered = createProductionRegistry(config).names();
    gw = await startGateway(config, { logger: log.logger });
  });
  after(async () => {
    await gw?.close();
    data?.remove();
    await removeTestFolders();
  });

  it('says which commands are registered', (t: TestContext) => {
    const wanted = [...new Set(STEPS.map((s) => s.command))];
    const missing = wanted.filter((c) => !registered.includes(c));
    t.diagnostic(`production registry: ${registered.join(', ') || '(empty)'}`);
    if (missing.length > 0) t.diagnostic(`not registered yet, so not validated: ${missing.join(', ')}`);
  });

  for (const step of STEPS) {
    it(`${step.title}: ${step.schema}`, async (t: TestContext) => {
      if (!registered.includes(step.command)) {
        t.diagnostic(`${step.command} is not in the production registry: no response to validate`);
        return;
      }
      const missing = (step.needs ?? []).filter((c) => !registered.includes(c));
      assert.deepEqual(missing, [], `${step.command} is registered but ${missing.join(', ')}, which this step needs first, is not`);
      const body = encode(step.request());
      const headers: Record<string, string> = { 'Content-Type': 'application/vnd.ms-sync.wbxml', 'MS-ASProtocolVersion': step.device.version, 'User-Agent': step.device.type };
      if (step.device.policyKey !== undefined || step.command === 'Provision') headers['X-MS-PolicyKey'] = step.device.policyKey ?? '0';
      const path = `${EAS}?${new URLSearchParams({ Cmd: step.command, User: ALICE.user, DeviceId: step.device.id, DeviceType: step.device.type }).toString()}`;
      const res: TestResponse = await send(gw.url, { path, headers, auth: ALICE, body });
      const exchange = formatExchange({
        method: 'POST',
        url: new URL(path, gw.url).href,
        requestHeaders: headers,
        requestBody: Buffer.from(body),
        status: res.status,
        responseHeaders: res.headers,
        responseBody: res.body,
      });
      assert.equal(res.status, 200, exchange);
      assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml', exchange);
      const root = decode(res.body);
      const result = validateEasResponse(root, step.schema);
      assert.ok(result.valid, `${step.schema}:\n${result.errors.join('\n')}\n${exchange}`);
      assert.equal(textAt(root, 'Status'), '1', `top-level Status (a valid error answer would not exercise the schema)\n${exchange}`);
      step.after?.(root);
    });
  }
});
