/**
 * Find (16.1) through the HTTP endpoint against Dovecot: a subject word in a folder of this run's
 * own (200 seeded messages plus two of ours), Find's property list with the server's Preview,
 * DeepTraversal, paging, the refusals, and that 14.1 is refused at the edge. Every response
 * validates against Microsoft's FindResponse.xsd.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { integrationConfig, requireImap, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { send } from '../../support/http-client.js';
import { memoryLog } from '../../support/memory-log.js';
import { ALICE, cleanUp, eas, folderIds, imapAsAlice, kid, kids, RUN, text, type Phone } from './support.js';

const F = 'Find';
const BOX = `${RUN}-find`;
const SUB = `${BOX}/sub`;
const TOKEN = `fnd${RUN}`;

function findReq(query: WbxmlElement[], options: WbxmlElement[] = []): WbxmlElement {
  return el(F, 'Find', [
    el(F, 'SearchId', '8E4DE4D6-3F9B-4F2A-9C1B-0A5E6C7D8E9F'),
    el(F, 'ExecuteSearch', [el(F, 'MailBoxSearchCriterion', [el(F, 'Query', query), el(F, 'Options', options)])]),
  ]);
}

const message = (subject: string, cc: string) => Buffer.from(
  `From: "Carol Example" <carol@example.com>\r\nTo: "Alice A." <alice@example.com>\r\nCc: ${cc}\r\nSubject: ${subject}\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n` +
  `Message-ID: <${subject.replace(/\W/g, '')}@example.com>\r\nImportance: high\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n` +
  `--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe quarterly numbers are attached, please have a look.\r\n` +
  `--b\r\nContent-Type: application/pdf; name=q.pdf\r\nContent-Disposition: attachment; filename=q.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n`);

describe('Find (16.1) of the mailbox over HTTP with WBXML, on Dovecot', { timeout: 180_000 }, () => {
  const log = memoryLog('debug');
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let boxId = '';
  let subId = '';
  const phone: Phone = { deviceId: `FD${RUN}`, version: '16.1' };
  const run = async (root: WbxmlElement) => {
    const r = await eas(gw.url, phone, 'Find', root);
    const response = kid(r, 'Response');
    return {
      status: Number(text(r, 'Status')),
      responseStatus: Number(text(response, 'Status')),
      total: text(response, 'Total') === undefined ? undefined : Number(text(response, 'Total')),
      range: text(response, 'Range'),
      results: kids(response, 'Result').map((x) => ({ serverId: text(x, 'ServerId')!, collectionId: text(x, 'CollectionId')!, props: Object.fromEntries(kid(x, 'Properties')!.children.map((c) => [c.tag, c.text])) })),
    };
  };

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }), { logger: log.logger });
    imap = await imapAsAlice();
    await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BOX, count: 200, seed: 9 });
    await imap.mailboxCreate(SUB);
    await imap.append(BOX, message(`Quarterly ${TOKEN} report`, '"Dave D." <dave@example.com>, erin@example.com'), [], new Date('2026-11-24T09:00:05Z'));
    await imap.append(SUB, message(`Older ${TOKEN} notes`, 'frank@example.com'), ['\\Seen'], new Date('2026-10-01T09:00:05Z'));
    const ids = await folderIds(gw.url, phone);
    boxId = ids.get(BOX)!;
    subId = ids.get(SUB)!;
    assert.ok(boxId && subId);
  });
  after(async () => {
    await gw?.close();
    await imap?.logout();
    await cleanUp();
    data?.remove();
  });

  it('a subject word in one folder: ServerId, CollectionId and the Find properties', async () => {
    const r = await run(findReq([el('AirSync', 'Class', 'Email'), el('AirSync', 'CollectionId', boxId), el(F, 'FreeText', TOKEN)], [el(F, 'Range', '0-9')]));
    assert.deepEqual([r.status, r.responseStatus, r.total, r.range, r.results.length], [1, 1, 1, '0-0', 1]);
    const [hit] = r.results;
    assert.equal(hit!.collectionId, boxId);
    assert.match(hit!.serverId, new RegExp(`^${boxId}:\\d+$`));
    assert.deepEqual(hit!.props, {
      Subject: `Quarterly ${TOKEN} report`,
      DateReceived: '2026-11-24T09:00:05.000Z',
      DisplayTo: 'Alice A.',
      DisplayCc: 'Dave D.; erin@example.com',
      Importance: '2',
      Read: '0',
      IsDraft: '0',
      Preview: hit!.props.Preview,
      HasAttachments: '1',
      From: '"Carol Example" <carol@example.com>',
    });
    assert.match(hit!.props.Preview ?? '', /^The quarterly numbers are attached/);
  });

  it('DeepTraversal adds the subfolder, newest first; Range pages', async () => {
    const deep = await run(findReq([el('AirSync', 'CollectionId', boxId), el(F, 'FreeText', TOKEN)], [el(F, 'DeepTraversal', [])]));
    assert.deepEqual([deep.total, deep.results.map((x) => [x.props.Subject, x.collectionId, x.props.Read])], [2, [[`Quarterly ${TOKEN} report`, boxId, '0'], [`Older ${TOKEN} notes`, subId, '1']]]);
    const second = await run(findReq([el('AirSync', 'CollectionId', boxId), el(F, 'FreeText', TOKEN)], [el(F, 'Range', '1-1'), el(F, 'DeepTraversal', [])]));
    assert.deepEqual([second.total, second.range, second.results.map((x) => x.props.Subject)], [2, '1-1', [`Older ${TOKEN} notes`]]);
  });

  it('refusals: unknown CollectionId 3, bad Range 4, a GAL criterion 2; Find at 14.1 is not offered', async () => {
    assert.equal((await run(findReq([el('AirSync', 'CollectionId', 'nope'), el(F, 'FreeText', 'x')]))).responseStatus, 3);
    assert.equal((await run(findReq([el(F, 'FreeText', 'x')], [el(F, 'Range', '5-1')]))).responseStatus, 4);
    const gal = el(F, 'Find', [el(F, 'SearchId', 'x'), el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [el(F, 'Query', [el(F, 'FreeText', 'x')])])])]);
    assert.equal((await run(gal)).responseStatus, 2);
    const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: 'Find', User: ALICE.user, DeviceId: phone.deviceId, DeviceType: 'MoveTest' }).toString()}`;
    const res = await send(gw.url, { path, headers: { 'MS-ASProtocolVersion': '14.1', 'Content-Type': 'application/vnd.ms-sync.wbxml' }, auth: ALICE, body: Buffer.from([3, 1, 106, 0]) });
    assert.equal(res.status, 400);
  });
});
