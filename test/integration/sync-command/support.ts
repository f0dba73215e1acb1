/**
 * Sync tests talk to the gateway like a phone (WBXML over HTTP) and change alice's mailbox
 * behind its back over IMAP, like another mail program. Every folder made here carries this
 * run's unique prefix, and `cleanUp` removes them all. Every non-empty Sync response is checked
 * against Microsoft's SyncResponse.xsd.
 */
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { USERS } from '../../support/backing.js';
import { send } from '../../support/http-client.js';
import { validateEasResponse } from '../../support/xsd.js';
import { deleteFoldersWith, imapAs } from '../../support/imap.js';

export const ALICE = USERS.alice;
export const AS = 'AirSync';
export const RUN = `sync${process.pid.toString(36)}${Date.now().toString(36)}`;

export interface Phone {
  readonly deviceId: string;
  readonly version: string;
}

export interface Item {
  readonly serverId: string;
  readonly data: WbxmlElement[];
}

export interface CollectionAnswer {
  readonly syncKey: string;
  readonly collectionId: string;
  readonly status: number;
  readonly className?: string;
  readonly adds: Item[];
  readonly changes: Item[];
  readonly deletes: string[];
  readonly softDeletes: string[];
  readonly moreAvailable: boolean;
  readonly responses: WbxmlElement[];
}

export interface SyncAnswer {
  readonly http: number;
  /** An empty body (nothing changed, 12.1+). */
  readonly empty: boolean;
  readonly status?: number;
  readonly limit?: number;
  readonly collections: CollectionAnswer[];
  readonly body: Buffer;
  readonly tree?: WbxmlElement;
}

export async function post(url: string, phone: Phone, command: string, body: Uint8Array | undefined): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: command, User: ALICE.user, DeviceId: phone.deviceId, DeviceType: 'SyncTest' }).toString()}`;
  return send(url, { path, headers: { 'MS-ASProtocolVersion': phone.version, 'Content-Type': 'application/vnd.ms-sync.wbxml' }, auth: ALICE, body: body ?? new Uint8Array(0) });
}

/** FolderSync 0: DisplayName/path -> ServerId. */
export async function folderIds(url: string, phone: Phone): Promise<Map<string, string>> {
  const FH = 'FolderHierarchy';
  const res = await post(url, phone, 'FolderSync', encode(el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')])));
  assert.equal(res.status, 200);
  const tree = decode(res.body);
  const changes = tree.children.find((c) => c.tag === 'Changes')!;
  const ids = new Map<string, string>();
  for (const a of changes.children.filter((c) => c.tag === 'Add')) {
    const t = (tag: string) => a.children.find((c) => c.tag === tag)!.text!;
    ids.set(t('DisplayName'), t('ServerId'));
  }
  return ids;
}

export async function sync(url: string, phone: Phone, root: WbxmlElement | undefined): Promise<SyncAnswer> {
  const res = await post(url, phone, 'Sync', root ? encode(root) : undefined);
  assert.equal(res.status, 200, `Sync: HTTP ${res.status} ${res.body.toString()}`);
  if (res.body.length === 0) return { http: res.status, empty: true, collections: [], body: res.body };
  const tree = decode(res.body);
  const xsd = validateEasResponse(forXsd(tree), 'SyncResponse');
  assert.ok(xsd.valid, `Sync response fails SyncResponse.xsd:\n${xsd.errors.join('\n')}\n${xsd.xml.slice(0, 4000)}`);
  const text = (e: WbxmlElement, tag: string) => e.children.find((c) => c.tag === tag)?.text;
  const list = tree.children.find((c) => c.tag === 'Collections');
  const collections = (list?.children ?? []).map((c): CollectionAnswer => {
    const commands = c.children.find((x) => x.tag === 'Commands')?.children ?? [];
    const item = (x: WbxmlElement): Item => ({ serverId: text(x, 'ServerId')!, data: x.children.find((y) => y.tag === 'ApplicationData')?.children ?? [] });
    const cls = text(c, 'Class');
    return {
      syncKey: text(c, 'SyncKey')!,
      collectionId: text(c, 'CollectionId')!,
      status: Number(text(c, 'Status')),
      ...(cls ? { className: cls } : {}),
      adds: commands.filter((x) => x.tag === 'Add').map(item),
      changes: commands.filter((x) => x.tag === 'Change').map(item),
      deletes: commands.filter((x) => x.tag === 'Delete').map((x) => text(x, 'ServerId')!),
      softDeletes: commands.filter((x) => x.tag === 'SoftDelete').map((x) => text(x, 'ServerId')!),
      moreAvailable: c.children.some((x) => x.tag === 'MoreAvailable'),
      responses: c.children.find((x) => x.tag === 'Responses')?.children ?? [],
    };
  });
  const status = text(tree, 'Status');
  const limit = text(tree, 'Limit');
  return {
    http: res.status,
    empty: false,
    ...(status !== undefined ? { status: Number(status) } : {}),
    ...(limit !== undefined ? { limit: Number(limit) } : {}),
    collections,
    body: res.body,
    tree,
  };
}

/**
 * Microsoft's SyncResponse.xsd describes 12.1+ and has no Class in Collection, which 2.5 and
 * 12.0 responses carry (MS-ASCMD 2.2.3.27.6): it is left out for validation only. Commands are
 * cut to their first 40 operations, which keeps xmllint's output within spawnSync's buffer on
 * 512-item windows (all operations have the same shape).
 */
function forXsd(tree: WbxmlElement): WbxmlElement {
  const strip = (e: WbxmlElement): WbxmlElement => {
    if (e.tag === 'Collection' && e.ns === AS) return { ...e, children: e.children.filter((c) => !(c.tag === 'Class' && c.ns === AS)).map(strip) };
    if (e.tag === 'Commands' && e.ns === AS) return { ...e, children: e.children.slice(0, 40) };
    return { ...e, children: e.children.map(strip) };
  };
  return strip(tree);
}

export interface CollectionSpec {
  readonly syncKey: string;
  readonly collectionId: string;
  readonly className?: string;
  readonly windowSize?: number;
  readonly getChanges?: boolean;
  readonly filterType?: number;
  /** BodyPreference elements (AirSyncBase) or 2.5 option elements, put inside Options. */
  readonly options?: WbxmlElement[];
  readonly commands?: WbxmlElement[];
}

export function collection(c: CollectionSpec): WbxmlElement {
  const kids: WbxmlElement[] = [];
  if (c.className) kids.push(el(AS, 'Class', c.className));
  kids.push(el(AS, 'SyncKey', c.syncKey), el(AS, 'CollectionId', c.collectionId));
  if (c.getChanges !== undefined) kids.push(el(AS, 'GetChanges', c.getChanges ? '1' : '0'));
  if (c.windowSize !== undefined) kids.push(el(AS, 'WindowSize', c.windowSize));
  const opts = [...(c.filterType !== undefined ? [el(AS, 'FilterType', c.filterType)] : []), ...(c.options ?? [])];
  if (opts.length) kids.push(el(AS, 'Options', opts));
  if (c.commands?.length) kids.push(el(AS, 'Commands', c.commands));
  return el(AS, 'Collection', kids);
}

export function syncRequest(collections: WbxmlElement[], extra: WbxmlElement[] = []): WbxmlElement {
  return el(AS, 'Sync', [el(AS, 'Collections', collections), ...extra]);
}

export function bodyPreference(type: number, truncationSize?: number, more: WbxmlElement[] = []): WbxmlElement {
  const B = 'AirSyncBase';
  return el(B, 'BodyPreference', [el(B, 'Type', type), ...(truncationSize !== undefined ? [el(B, 'TruncationSize', truncationSize)] : []), ...more]);
}

/** The text of a child (any namespace) of ApplicationData, or of a nested path. */
export function field(data: readonly WbxmlElement[], ...path: string[]): string | undefined {
  let list = data;
  let found: WbxmlElement | undefined;
  for (const tag of path) {
    found = list.find((c) => c.tag === tag);
    if (!found) return undefined;
    list = found.children;
  }
  return found?.text ?? (found?.opaque ? Buffer.from(found.opaque).toString('utf8') : undefined);
}

export function imapAsAlice(): Promise<ImapFlow> {
  return imapAs(ALICE);
}

export async function cleanUp(): Promise<void> {
  await deleteFoldersWith(RUN, ALICE);
}

/** Syncs one collection until MoreAvailable is off; returns every Add and the last key. */
export async function drain(url: string, phone: Phone, collectionId: string, key: string, spec: Partial<CollectionSpec> = {}): Promise<{ adds: Item[]; key: string; rounds: number; answers: CollectionAnswer[] }> {
  const adds: Item[] = [];
  const answers: CollectionAnswer[] = [];
  let rounds = 0;
  for (;;) {
    const r = await sync(url, phone, syncRequest([collection({ ...spec, syncKey: key, collectionId })]));
    rounds += 1;
    if (r.empty) return { adds, key, rounds, answers };
    const c = r.collections[0]!;
    assert.equal(c.status, 1, `round ${rounds}: Status ${c.status}`);
    answers.push(c);
    adds.push(...c.adds);
    key = c.syncKey;
    if (!c.moreAvailable) return { adds, key, rounds, answers };
  }
}
