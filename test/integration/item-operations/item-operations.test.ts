/**
 * ItemOperations and GetAttachment through the HTTP endpoint against the loopback Dovecot: a
 * message with a 20 MB attachment (random bytes) and a small one, APPENDed into a folder of this
 * run; FolderSync gives its CollectionId; an email Fetch by ServerId hands out the FileReferences
 * (as Sync would); the attachment comes back byte for byte inline (base64 in Data) and multipart,
 * whole and as a Range; GetAttachment at 12.1 returns the raw bytes; EmptyFolderContents empties a
 * folder and deletes its subfolders. Every WBXML answer (part 0 of multipart ones) is checked
 * against ItemOperationsResponse.xsd.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { memoryLog } from '../../support/memory-log.js';
import {
  bodyPreference,
  cleanUp,
  collectionIdOf,
  fetches,
  fetchFile,
  fetchItem,
  find,
  imapAsAlice,
  IO,
  itemOperations,
  messageWith,
  post,
  request,
  RUN,
  text,
  type Phone,
} from './support.js';

const BIG_BYTES = 20 * 1024 * 1024 + 7;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('ItemOperations and GetAttachment against Dovecot, over HTTP', () => {
  const log = memoryLog('info');
  const folder = `${RUN}-files`;
  const phone: Phone = { deviceId: `IO161${RUN}`, version: '16.1' };
  const big = randomBytes(BIG_BYTES);
  const small = randomBytes(3000);
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;
  let url: string;
  let collectionId: string;
  let serverId: string;
  let bigRef: string;
  let smallRef: string;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }), { logger: log.logger });
    url = gw.url;
    imap = await imapAsAlice();
    await imap.mailboxCreate(folder);
    const appended = await imap.append(folder, messageWith(`${RUN}-subject`, big, small), ['\\Seen']);
    assert.ok(appended && appended.uid);
    collectionId = await collectionIdOf(url, phone, folder);
    serverId = `${collectionId}:${appended.uid}`;
  });
  const count = async (path: string): Promise<number | undefined> => {
    const st = await imap.status(path, { messages: true });
    return st ? st.messages : undefined;
  };
  after(async () => {
    await gw?.close();
    await imap?.logout();
    await cleanUp();
    data?.remove();
  });

  it('Fetch by ServerId with BodyPreference 2 (truncated): the email with its Attachments and their FileReferences', async () => {
    const { root } = await itemOperations(url, phone, request(fetchItem(collectionId, serverId, [bodyPreference(2, 100)])));
    assert.equal(text(root, 'Status'), '1');
    const [fetch] = fetches(root);
    assert.equal(text(fetch, 'Status'), '1');
    assert.equal(text(fetch, 'ServerId'), serverId);
    assert.equal(text(fetch, 'Class'), 'Email');
    const props = find(fetch, 'Properties')!;
    assert.equal(text(props, 'Subject'), `${RUN}-subject`);
    assert.equal(text(props, 'Body', 'Type'), '2');
    assert.equal(text(props, 'Body', 'Truncated'), '1');
    assert.ok(Buffer.byteLength(text(props, 'Body', 'Data') ?? '') <= 100);
    const atts = find(props, 'Attachments')!.children;
    assert.equal(atts.length, 2);
    const byName = new Map(atts.map((a) => [text(a, 'DisplayName'), a]));
    bigRef = text(byName.get('big.bin'), 'FileReference')!;
    smallRef = text(byName.get('small.png'), 'FileReference')!;
    assert.ok(bigRef && smallRef, 'both attachments carry a FileReference');
    // EstimatedDataSize is the decoded size (close to it: from the encoded size).
    assert.ok(Math.abs(Number(text(byName.get('big.bin'), 'EstimatedDataSize')) - BIG_BYTES) < BIG_BYTES / 50);
  });

  it('Fetch by ServerId with MIME (Type 4, MIMESupport 2): the message source, truncated as asked', async () => {
    const { root } = await itemOperations(url, phone, request(fetchItem(collectionId, serverId, [el('AirSync', 'MIMESupport', 2), bodyPreference(4, 2000)])));
    const props = find(fetches(root)[0], 'Properties')!;
    assert.equal(text(props, 'Body', 'Type'), '4');
    assert.equal(text(props, 'Body', 'Truncated'), '1');
    const mime = text(props, 'Body', 'Data') ?? '';
    assert.match(mime, new RegExp(`Subject: ${RUN}-subject`));
    assert.ok(mime.length <= 2000);
  });

  it('Fetch by LongId (a Search result) answers with the LongId and the email', async () => {
    const longId = el('Search', 'LongId', serverId);
    const { root } = await itemOperations(url, phone, request(el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), longId, el(IO, 'Options', [bodyPreference(1, 50)])])));
    const [fetch] = fetches(root);
    assert.equal(text(fetch, 'Status'), '1');
    assert.equal(text(fetch, 'LongId'), serverId);
    assert.equal(text(fetch, 'Properties', 'Subject'), `${RUN}-subject`);
  });

  it('the 20 MB attachment inline: Data is the base64 of exactly its bytes, with its ContentType', async () => {
    const { root } = await itemOperations(url, phone, request(fetchFile(bigRef)));
    const [fetch] = fetches(root);
    assert.equal(text(fetch, 'Status'), '1');
    assert.equal(text(fetch, 'FileReference'), bigRef);
    assert.equal(text(fetch, 'Properties', 'ContentType'), 'application/octet-stream');
    const got = Buffer.from(text(fetch, 'Properties', 'Data') ?? '', 'base64');
    assert.equal(got.length, BIG_BYTES);
    assert.equal(sha(got), sha(big));
  });

  it('the 20 MB attachment multipart: part 1 is exactly its bytes, and part 0 names it', async () => {
    const { root, parts } = await itemOperations(url, phone, request(fetchFile(bigRef)), { multipart: true });
    const [fetch] = fetches(root);
    assert.equal(text(fetch, 'Status'), '1');
    assert.equal(text(fetch, 'Properties', 'Part'), '1');
    assert.equal(find(fetch, 'Properties', 'Data'), undefined);
    assert.equal(parts.length, 2);
    assert.equal(parts[1]!.length, BIG_BYTES);
    assert.equal(sha(parts[1]!), sha(big));
  });

  it('two Fetches multipart in one request: each gets its own part, in order', async () => {
    const { root, parts } = await itemOperations(url, phone, request(fetchFile(smallRef), fetchFile(bigRef, '5000000-5099999')), { multipart: true });
    const [a, b] = fetches(root);
    assert.equal(text(a, 'Properties', 'Part'), '1');
    assert.equal(text(a, 'Properties', 'ContentType'), 'image/png');
    assert.equal(text(b, 'Properties', 'Part'), '2');
    assert.ok(parts[1]!.equals(small));
    assert.ok(parts[2]!.equals(big.subarray(5_000_000, 5_100_000)));
  });

  it('Range: the bytes asked for with Range and Total; a range past the end is cut; one starting past it is Status 8', async () => {
    const { root } = await itemOperations(url, phone, request(fetchFile(bigRef, '1000-1999'), fetchFile(bigRef, `${BIG_BYTES - 10}-${BIG_BYTES + 500}`), fetchFile(bigRef, `${BIG_BYTES}-${BIG_BYTES + 1}`)));
    const [first, tail, beyond] = fetches(root) as [WbxmlElement, WbxmlElement, WbxmlElement];
    assert.equal(text(first, 'Properties', 'Range'), '1000-1999');
    assert.equal(text(first, 'Properties', 'Total'), String(BIG_BYTES));
    assert.ok(Buffer.from(text(first, 'Properties', 'Data')!, 'base64').equals(big.subarray(1000, 2000)));
    assert.equal(text(tail, 'Properties', 'Range'), `${BIG_BYTES - 10}-${BIG_BYTES - 1}`);
    assert.ok(Buffer.from(text(tail, 'Properties', 'Data')!, 'base64').equals(big.subarray(BIG_BYTES - 10)));
    assert.equal(text(beyond, 'Status'), '8');
  });

  it('an unknown FileReference is Status 15, an unknown ServerId Status 6, a DocumentLibrary store Status 9', async () => {
    const gone = `${collectionId}:999999:2`;
    const { root } = await itemOperations(url, phone, request(
      fetchFile(gone),
      fetchFile('not-a-reference'),
      fetchFile(bigRef.replace(/:2$/, ':9')),
      fetchItem(collectionId, `${collectionId}:999999`),
      fetchItem(collectionId, 'nonsense'),
      el(IO, 'Fetch', [el(IO, 'Store', 'DocumentLibrary'), el('AirSyncBase', 'FileReference', bigRef)]),
    ));
    assert.deepEqual(fetches(root).map((f) => text(f, 'Status')), ['15', '15', '15', '6', '6', '9']);
    assert.equal(text(fetches(root)[0], 'FileReference'), gone);
  });

  it('GetAttachment at 12.1 streams the raw bytes with the attachment Content-Type; an unknown name is HTTP 500; 14.1 has no GetAttachment', async () => {
    const old: Phone = { deviceId: `IO121${RUN}`, version: '12.1' };
    const res = await post(url, old, 'GetAttachment', undefined, {}, { AttachmentName: bigRef });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.equal(Number(res.headers['content-length']), BIG_BYTES);
    assert.equal(sha(res.body), sha(big));
    const png = await post(url, old, 'GetAttachment', undefined, {}, { AttachmentName: smallRef });
    assert.equal(png.headers['content-type'], 'image/png');
    assert.ok(png.body.equals(small));
    const missing = await post(url, old, 'GetAttachment', undefined, {}, { AttachmentName: `${collectionId}:999999:2` });
    assert.equal(missing.status, 500);
    const newer = await post(url, phone, 'GetAttachment', undefined, {}, { AttachmentName: bigRef });
    assert.equal(newer.status, 400);
  });

  it('EmptyFolderContents with DeleteSubFolders: the folder is empty and its subfolders are gone', async () => {
    const trash = `${RUN}-trash`;
    await imap.mailboxCreate(trash);
    await imap.mailboxCreate(`${trash}/old`);
    for (let i = 0; i < 5; i++) await imap.append(trash, Buffer.from(`Subject: doomed ${i}\r\n\r\nbye\r\n`));
    const id = await collectionIdOf(url, phone, trash);
    const { root } = await itemOperations(url, phone, request(el(IO, 'EmptyFolderContents', [el('AirSync', 'CollectionId', id), el(IO, 'Options', [el(IO, 'DeleteSubFolders')])])));
    const [empty] = fetches(root);
    assert.equal(empty!.tag, 'EmptyFolderContents');
    assert.equal(text(empty, 'Status'), '1');
    assert.equal(text(empty, 'CollectionId'), id);
    assert.equal(await count(trash), 0);
    const paths = (await imap.list()).map((m) => m.path);
    assert.ok(!paths.includes(`${trash}/old`), 'the subfolder is deleted');
    assert.ok(paths.includes(trash), 'the folder itself stays');
    // An unknown collection is Status 6; the other folder was not touched.
    const again = await itemOperations(url, phone, request(el(IO, 'EmptyFolderContents', [el('AirSync', 'CollectionId', '987654')])));
    assert.equal(text(fetches(again.root)[0], 'Status'), '6');
    assert.equal(await count(folder), 1);
  });

  it('a request that is not an ItemOperations document is Status 2 at the top', async () => {
    const res = await itemOperations(url, phone, el(IO, 'ItemOperations', []));
    assert.equal(text(res.root, 'Status'), '2');
  });
});
