/**
 * Folder tests drive the gateway over HTTP with WBXML, like a phone, and change alice's
 * mailbox behind its back with a direct IMAP client, like another mail program. alice's
 * mailbox is shared with other suites: every folder made here carries this run's unique
 * prefix, and `cleanUp` removes them all.
 */
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { USERS } from '../../support/backing.js';
import { send } from '../../support/http-client.js';
import { validateEasResponse, type EasSchemaName } from '../../support/xsd.js';
import { deleteFoldersWith, imapAs } from '../../support/imap.js';

export const ALICE = USERS.alice;
export const FH = 'FolderHierarchy';
/** Unique per run, so parallel suites and earlier crashed runs never collide with us. */
export const RUN = `fo${process.pid.toString(36)}${Date.now().toString(36)}`;

export type FolderCommandName = 'FolderSync' | 'FolderCreate' | 'FolderUpdate' | 'FolderDelete';

export interface Folder {
  serverId: string;
  parentId: string;
  displayName: string;
  type: number;
}

export interface Answer {
  readonly status: number;
  readonly syncKey?: string;
  readonly serverId?: string;
  readonly count?: number;
  readonly adds: Folder[];
  readonly updates: Folder[];
  readonly deletes: string[];
  /** The raw response, for comparing retries byte for byte. */
  readonly body: Buffer;
}

const SCHEMA: Record<FolderCommandName, EasSchemaName> = {
  FolderSync: 'FolderSyncResponse',
  FolderCreate: 'FolderCreateResponse',
  FolderUpdate: 'FolderUpdateResponse',
  FolderDelete: 'FolderDeleteResponse',
};

export interface Phone {
  readonly deviceId: string;
  readonly version: string;
}

/** Sends one folder command and checks what every answer must be: 200, WBXML, valid per Microsoft's XSD. */
export async function eas(url: string, phone: Phone, command: FolderCommandName, root: WbxmlElement | Uint8Array): Promise<Answer> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: command, User: ALICE.user, DeviceId: phone.deviceId, DeviceType: 'FolderTest' }).toString()}`;
  const body = root instanceof Uint8Array ? root : encode(root);
  const res = await send(url, { path, headers: { 'MS-ASProtocolVersion': phone.version, 'Content-Type': 'application/vnd.ms-sync.wbxml' }, auth: ALICE, body });
  assert.equal(res.status, 200, `${command}: HTTP ${res.status} ${res.body.toString()}`);
  assert.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
  const tree = decode(res.body);
  const xsd = validateEasResponse(tree, SCHEMA[command]);
  assert.ok(xsd.valid, `${command} response fails ${SCHEMA[command]}:\n${xsd.errors.join('\n')}\n${xsd.xml}`);
  return { ...parseAnswer(tree), body: res.body };
}

function parseAnswer(root: WbxmlElement): Omit<Answer, 'body'> {
  const text = (e: WbxmlElement, tag: string) => e.children.find((c) => c.tag === tag)?.text;
  const folder = (e: WbxmlElement): Folder => ({ serverId: text(e, 'ServerId')!, parentId: text(e, 'ParentId')!, displayName: text(e, 'DisplayName')!, type: Number(text(e, 'Type')) });
  const changes = root.children.find((c) => c.tag === 'Changes');
  const count = changes && text(changes, 'Count');
  return {
    status: Number(text(root, 'Status')),
    ...(text(root, 'SyncKey') !== undefined ? { syncKey: text(root, 'SyncKey') } : {}),
    ...(text(root, 'ServerId') !== undefined ? { serverId: text(root, 'ServerId') } : {}),
    ...(count !== undefined ? { count: Number(count) } : {}),
    adds: changes?.children.filter((c) => c.tag === 'Add').map(folder) ?? [],
    updates: changes?.children.filter((c) => c.tag === 'Update').map(folder) ?? [],
    deletes: changes?.children.filter((c) => c.tag === 'Delete').map((c) => text(c, 'ServerId')!) ?? [],
  };
}

const t = (tag: string, value: string | number) => el(FH, tag, value);
export const folderSync = (key: string) => el(FH, 'FolderSync', [t('SyncKey', key)]);
export const folderCreate = (key: string, parentId: string, name: string, type = 12) =>
  el(FH, 'FolderCreate', [t('SyncKey', key), t('ParentId', parentId), t('DisplayName', name), t('Type', type)]);
export const folderUpdate = (key: string, serverId: string, parentId: string, name: string) =>
  el(FH, 'FolderUpdate', [t('SyncKey', key), t('ServerId', serverId), t('ParentId', parentId), t('DisplayName', name)]);
export const folderDelete = (key: string, serverId: string) => el(FH, 'FolderDelete', [t('SyncKey', key), t('ServerId', serverId)]);

/** alice over IMAP, as another mail client. */
export function imapAsAlice(): Promise<ImapFlow> {
  return imapAs(ALICE);
}

/**
 * Another mail client's changes, as every other session will see them. Dovecot 2.3.19 with
 * mailbox_list_index: after a RENAME, sessions already open (the changing one included) keep
 * listing a mailbox deleted later, and miss one created below the renamed one, until some new
 * session opens the list index. A mail client connecting does that; so do we, here. (The
 * gateway's pool bounds the staleness by retiring sessions after imap.poolMaxAgeSeconds.)
 */
export async function newSessionLists(): Promise<void> {
  const client = await imapAsAlice();
  try {
    await client.list();
  } finally {
    await client.logout();
  }
}

/** Deletes every folder of this run (deepest first). */
export function cleanUp(): Promise<string[]> {
  return deleteFoldersWith(RUN, ALICE);
}

/** Median of a few timings, in ms with one decimal. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
}
