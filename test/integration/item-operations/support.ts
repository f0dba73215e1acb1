/**
 * ItemOperations and GetAttachment tests talk to the gateway over HTTP like a phone (WBXML,
 * inline or multipart) and put messages into alice's mailbox with a plain IMAP client, in
 * folders named after this run, removed at the end. The attachment bytes are random, so a
 * download that is off by one byte anywhere fails the comparison.
 */
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { USERS } from '../../support/backing.js';
import { send, type TestResponse } from '../../support/http-client.js';
import { validateEasResponse } from '../../support/xsd.js';
import { deleteFoldersWith, imapAs } from '../../support/imap.js';

export const ALICE = USERS.alice;
export const RUN = `itemops${process.pid.toString(36)}${Date.now().toString(36)}`;
export const IO = 'ItemOperations';

/** Big enough for inline documents carrying a 20 MB attachment as base64. */
export const BIG_DECODE = { limits: { maxInputBytes: 256 * 1024 * 1024, maxStringBytes: 128 * 1024 * 1024, maxOpaqueBytes: 128 * 1024 * 1024 } };

export interface Phone {
  readonly deviceId: string;
  readonly version: string;
}

export async function post(url: string, phone: Phone, cmd: string, body?: Uint8Array, extra: Record<string, string> = {}, query: Record<string, string> = {}): Promise<TestResponse> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: cmd, User: ALICE.user, DeviceId: phone.deviceId, DeviceType: 'ItemOpsTest', ...query }).toString()}`;
  return send(url, {
    path,
    headers: { 'MS-ASProtocolVersion': phone.version, ...(body ? { 'Content-Type': 'application/vnd.ms-sync.wbxml' } : {}), ...extra },
    auth: ALICE,
    ...(body ? { body } : { body: '' }),
  });
}

export interface MultipartBody {
  readonly parts: Buffer[];
}

/** MS-ASCMD 2.2.1.10.1.1: count, (offset, length) pairs, parts; all int32 little-endian. */
export function parseMultipart(body: Buffer): MultipartBody {
  const count = body.readInt32LE(0);
  assert.ok(count >= 1 && count < 1000, `PartsCount ${count}`);
  const parts: Buffer[] = [];
  let expectedOffset = 4 + 8 * count;
  for (let i = 0; i < count; i++) {
    const offset = body.readInt32LE(4 + 8 * i);
    const length = body.readInt32LE(8 + 8 * i);
    assert.equal(offset, expectedOffset, `part ${i} starts right after the previous one`);
    parts.push(body.subarray(offset, offset + length));
    expectedOffset = offset + length;
  }
  assert.equal(expectedOffset, body.length, 'the parts fill the body exactly');
  return { parts };
}

export interface IoAnswer {
  readonly root: WbxmlElement;
  /** Binary parts 1..n of a multipart answer (index 0 unused). */
  readonly parts: Buffer[];
}

/**
 * Sends an ItemOperations document; checks HTTP 200, the content type asked for, and the WBXML
 * (part 0) against ItemOperationsResponse.xsd, with any long Data text shortened first (the
 * content is compared by the caller, the schema only cares that it is a string).
 */
export async function itemOperations(url: string, phone: Phone, root: WbxmlElement, opts: { multipart?: boolean } = {}): Promise<IoAnswer> {
  const res = await post(url, phone, 'ItemOperations', encode(root), opts.multipart ? { 'MS-ASAcceptMultiPart': 'T' } : {});
  assert.equal(res.status, 200, `ItemOperations: HTTP ${res.status} ${res.body.subarray(0, 200).toString()}`);
  assert.equal(Number(res.headers['content-length']), res.body.length, 'Content-Length is exact');
  let doc: Buffer;
  let parts: Buffer[] = [];
  if (opts.multipart) {
    assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.multipart');
    parts = parseMultipart(res.body).parts;
    doc = parts[0]!;
  } else {
    assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
    doc = res.body;
  }
  const tree = decode(doc, BIG_DECODE);
  const xsd = validateEasResponse(shortened(tree), 'ItemOperationsResponse');
  assert.ok(xsd.valid, `response fails ItemOperationsResponse.xsd:\n${xsd.errors.join('\n')}\n${xsd.xml.slice(0, 4000)}`);
  return { root: tree, parts };
}

function shortened(e: WbxmlElement): WbxmlElement {
  if (e.text !== undefined && e.text.length > 4096) return { ...e, text: e.text.slice(0, 64) };
  return { ...e, children: e.children.map(shortened) };
}

export const find = (e: WbxmlElement | undefined, ...path: string[]): WbxmlElement | undefined => {
  let cur = e;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  return cur;
};
export const text = (e: WbxmlElement | undefined, ...path: string[]): string | undefined => find(e, ...path)?.text;
export const fetches = (root: WbxmlElement): WbxmlElement[] => find(root, 'Response')?.children ?? [];

export const fetchFile = (fileReference: string, range?: string) =>
  el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el('AirSyncBase', 'FileReference', fileReference), ...(range ? [el(IO, 'Options', [el(IO, 'Range', range)])] : [])]);

export const fetchItem = (collectionId: string, serverId: string, options: WbxmlElement[] = []) =>
  el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el('AirSync', 'CollectionId', collectionId), el('AirSync', 'ServerId', serverId), ...(options.length ? [el(IO, 'Options', options)] : [])]);

export const bodyPreference = (type: number, truncationSize?: number) =>
  el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', type), ...(truncationSize !== undefined ? [el('AirSyncBase', 'TruncationSize', truncationSize)] : [])]);

export const request = (...ops: WbxmlElement[]) => el(IO, 'ItemOperations', ops);

/** A multipart/mixed message: text, the big attachment (base64, 76-column lines), a small one. */
export function messageWith(subject: string, big: Buffer, small: Buffer): Buffer {
  const b64 = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');
  const mime = [
    'From: Bob <bob@example.com>',
    'To: Alice <alice@example.com>',
    `Subject: ${subject}`,
    'Date: Wed, 25 Nov 2026 10:00:00 +0000',
    `Message-ID: <${subject}@example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b0undary"',
    '',
    '--b0undary',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello Alice, two files attached. ${'Lorem ipsum dolor sit amet. '.repeat(20)}`,
    '--b0undary',
    'Content-Type: application/octet-stream; name="big.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="big.bin"',
    '',
    b64(big),
    '--b0undary',
    'Content-Type: image/png; name="small.png"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="small.png"',
    '',
    b64(small),
    '--b0undary--',
    '',
  ].join('\r\n');
  return Buffer.from(mime, 'latin1');
}

export function imapAsAlice(): Promise<ImapFlow> {
  return imapAs(ALICE);
}

/** The CollectionId FolderSync gives the folder at `path` (top-level folders only). */
export async function collectionIdOf(url: string, phone: Phone, path: string): Promise<string> {
  const res = await post(url, phone, 'FolderSync', encode(el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')])));
  assert.equal(res.status, 200);
  const adds = find(decode(res.body), 'Changes')?.children.filter((c) => c.tag === 'Add') ?? [];
  const hit = adds.find((a) => text(a, 'DisplayName') === path && text(a, 'ParentId') === '0');
  assert.ok(hit, `FolderSync lists ${path}`);
  return text(hit, 'ServerId')!;
}

export async function cleanUp(): Promise<void> {
  await deleteFoldersWith(RUN, ALICE);
}
