/**
 * MoveItems/Search/Find tests drive the gateway over HTTP with WBXML like a phone, and look at
 * alice's mailbox with a direct IMAP client like another mail program. Every folder made here
 * carries this run's unique prefix (other suites share alice's mailbox) and is removed at the end.
 */
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { USERS } from '../../support/backing.js';
import { send } from '../../support/http-client.js';
import { validateEasResponse, type EasSchemaName } from '../../support/xsd.js';
import { deleteFoldersWith, imapAs } from '../../support/imap.js';

export const ALICE = USERS.alice;
export interface User { readonly user: string; readonly password: string }
/** Unique per run; includes the branch name so a leftover folder says whose it is. */
export const RUN = `move${process.pid.toString(36)}${Date.now().toString(36)}`;

export interface Phone {
  readonly deviceId: string;
  readonly version: string;
}

const SCHEMA: Record<string, EasSchemaName> = {
  FolderSync: 'FolderSyncResponse',
  MoveItems: 'MoveItemsResponse',
  Search: 'SearchResponse',
  Find: 'FindResponse',
  Sync: 'SyncResponse',
};

/** Milliseconds of the last eas() call's HTTP round trip alone (without decoding and XSD validation). */
export const timing = { lastHttpMs: 0 };

/** Sends one command; the answer must be 200 WBXML that validates against Microsoft's XSD. */
export async function eas(url: string, phone: Phone, command: string, root: WbxmlElement, user: User = ALICE): Promise<WbxmlElement> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: command, User: user.user, DeviceId: phone.deviceId, DeviceType: 'MoveTest' }).toString()}`;
  const started = performance.now();
  const res = await send(url, { path, headers: { 'MS-ASProtocolVersion': phone.version, 'Content-Type': 'application/vnd.ms-sync.wbxml' }, auth: user, body: encode(root) });
  timing.lastHttpMs = performance.now() - started;
  assert.equal(res.status, 200, `${command}: HTTP ${res.status} ${res.body.toString()}`);
  const tree = decode(res.body);
  const schema = SCHEMA[command];
  if (schema) {
    const xsd = validateEasResponse(tree, schema);
    assert.ok(xsd.valid, `${command} response fails ${schema}:\n${xsd.errors.join('\n')}\n${xsd.xml}`);
  }
  return tree;
}

export const kids = (e: WbxmlElement | undefined, tag: string): WbxmlElement[] => e?.children.filter((c) => c.tag === tag) ?? [];
export const kid = (e: WbxmlElement | undefined, tag: string): WbxmlElement | undefined => kids(e, tag)[0];
export const text = (e: WbxmlElement | undefined, tag: string): string | undefined => kid(e, tag)?.text;

/** FolderSync from 0: display path -> ServerId for this run's folders (and Inbox). */
export async function folderIds(url: string, phone: Phone, user: User = ALICE): Promise<Map<string, string>> {
  const r = await eas(url, phone, 'FolderSync', el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]), user);
  const adds = kids(kid(r, 'Changes'), 'Add');
  const byId = new Map(adds.map((a) => [text(a, 'ServerId')!, a]));
  const pathOf = (a: WbxmlElement): string => {
    const parent = byId.get(text(a, 'ParentId')!);
    return parent ? `${pathOf(parent)}/${text(a, 'DisplayName')!}` : text(a, 'DisplayName')!;
  };
  return new Map(adds.map((a) => [pathOf(a), text(a, 'ServerId')!]));
}

export function imapAsAlice(user: User = ALICE): Promise<ImapFlow> {
  return imapAs(user);
}

/** Deletes every folder of this run, deepest first. */
export async function cleanUp(user: User = ALICE): Promise<void> {
  await deleteFoldersWith(RUN, user);
}

/** A small message with a subject of our choosing. */
export function mime(subject: string, body = 'Hello from the move tests.'): Buffer {
  return Buffer.from(`From: Bob <bob@example.com>\r\nTo: Alice <alice@example.com>\r\nSubject: ${subject}\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
}

/** UIDs in `path` (a fresh look, as another mail program). */
export async function uidsIn(imap: ImapFlow, path: string): Promise<number[]> {
  const lock = await imap.getMailboxLock(path, { readOnly: true });
  try {
    await imap.noop();
    const r = await imap.search({ all: true }, { uid: true });
    return Array.isArray(r) ? r.sort((a, b) => a - b) : [];
  } finally {
    lock.release();
  }
}
