/**
 * Send tests drive the gateway over HTTP like a phone (SendMail/SmartReply/SmartForward as MIME
 * before 14.0, ComposeMail WBXML from 14.0) and look at the result in the real mailboxes over
 * IMAP: Postfix delivers over LMTP into Dovecot, so arrival is polled. alice's and bob's
 * mailboxes are shared with other suites: every message carries this run's token in its subject
 * and every folder this run's name, and `cleanUp` removes them.
 */
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decode, el, encode, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { IMAP_HOST, integrationConfig, testDataDir, USERS, type TestDataDir } from '../../support/backing.js';
import { send, type TestResponse } from '../../support/http-client.js';
import { imapAs } from '../../support/imap.js';
import type { MemoryLog } from '../../support/memory-log.js';
import { validateEasResponse, type EasSchemaName } from '../../support/xsd.js';

export const ALICE = USERS.alice;
export const BOB = USERS.bob;
export const SMTP_PORT = Number(process.env.EASGATE_SMTP_PORT ?? 10587);
/** Unique per run: in subjects, folder names and ClientIds. */
export const RUN = `send${process.pid.toString(36)}${Date.now().toString(36)}`;
export const CM = 'ComposeMail';

export type ComposeCommandName = 'SendMail' | 'SmartReply' | 'SmartForward';
type User = { readonly user: string; readonly password: string };

export interface Gateway {
  readonly gw: RunningGateway;
  readonly data: TestDataDir;
}

export async function startSendGateway(log: MemoryLog): Promise<Gateway> {
  const data = testDataDir();
  const gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false }, smtp: { host: IMAP_HOST, port: SMTP_PORT } }), { logger: log.logger });
  return { gw, data };
}

export interface PostOptions {
  readonly version: string;
  readonly user?: User;
  readonly deviceId?: string;
  /** Pre-14.0 query parameters: SaveInSent, ItemId, CollectionId, LongId. */
  readonly query?: Record<string, string>;
}

/** One compose command: MIME body before 14.0 (message/rfc822), WBXML from 14.0. */
export async function postCompose(url: string, command: ComposeCommandName, body: Uint8Array | WbxmlElement, opts: PostOptions): Promise<TestResponse> {
  const user = opts.user ?? ALICE;
  const mime = body instanceof Uint8Array;
  const query = new URLSearchParams({ Cmd: command, User: user.user, DeviceId: opts.deviceId ?? `dev${RUN}`, DeviceType: 'SendTest', ...opts.query });
  return send(url, {
    path: `/Microsoft-Server-ActiveSync?${query.toString()}`,
    headers: { 'MS-ASProtocolVersion': opts.version, 'Content-Type': mime ? 'message/rfc822' : 'application/vnd.ms-sync.wbxml' },
    auth: user,
    body: mime ? body : encode(body),
  });
}

/** The Status of a 14.0+ failure response, checked against Microsoft's XSD; undefined for the empty success. */
export function composeStatus(res: TestResponse, command: ComposeCommandName): number | undefined {
  assert.equal(res.status, 200, `${command}: HTTP ${res.status}`);
  if (res.body.length === 0) return undefined;
  const tree = decode(res.body);
  const xsd = validateEasResponse(tree, `${command}Response` as EasSchemaName);
  assert.ok(xsd.valid, `${command} response fails its XSD:\n${xsd.errors.join('\n')}\n${xsd.xml}`);
  return Number(tree.children.find((c) => c.tag === 'Status')?.text);
}

export interface ComposeFields {
  readonly clientId?: string;
  readonly saveInSent?: boolean;
  readonly replaceMime?: boolean;
  readonly source?: { folderId?: string; itemId?: string; longId?: string };
}

export function composeBody(command: ComposeCommandName, mime: Uint8Array, f: ComposeFields = {}): WbxmlElement {
  const kids: WbxmlElement[] = [];
  if (f.clientId) kids.push(el(CM, 'ClientId', f.clientId));
  if (f.saveInSent) kids.push(el(CM, 'SaveInSentItems'));
  if (f.replaceMime) kids.push(el(CM, 'ReplaceMime'));
  if (f.source) {
    const s: WbxmlElement[] = [];
    if (f.source.folderId) s.push(el(CM, 'FolderId', f.source.folderId));
    if (f.source.itemId) s.push(el(CM, 'ItemId', f.source.itemId));
    if (f.source.longId) s.push(el(CM, 'LongId', f.source.longId));
    kids.push(el(CM, 'Source', s));
  }
  kids.push(el(CM, 'Mime', mime));
  return el(CM, command, kids);
}

export { imapAs };

export interface Found {
  readonly uid: number;
  readonly flags: Set<string>;
  readonly source: Buffer;
}

/** Messages in `mailbox` whose subject contains `token`, polled until `count` are there (LMTP delivery is asynchronous). */
export async function waitForMessages(user: User, mailbox: string, token: string, count = 1, timeoutMs = 15_000): Promise<Found[]> {
  const deadline = Date.now() + timeoutMs;
  const client = await imapAs(user);
  try {
    for (;;) {
      const found = await findMessages(client, mailbox, token);
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.logout();
  }
}

export async function findMessages(client: ImapFlow, mailbox: string, token: string): Promise<Found[]> {
  const lock = await client.getMailboxLock(mailbox);
  try {
    const uids = (await client.search({ subject: token }, { uid: true })) || [];
    if (uids.length === 0) return [];
    const out: Found[] = [];
    for await (const m of client.fetch(uids.join(','), { uid: true, flags: true, source: true }, { uid: true })) {
      out.push({ uid: m.uid, flags: m.flags ?? new Set(), source: m.source ?? Buffer.alloc(0) });
    }
    return out;
  } finally {
    lock.release();
  }
}

/** Deletes this run's messages from the users' INBOX and Sent, and this run's folders. */
export async function cleanUp(): Promise<void> {
  for (const user of [ALICE, BOB]) {
    const client = await imapAs(user);
    try {
      const boxes = await client.list();
      for (const box of boxes) {
        if (box.path.includes(RUN)) continue;
        if (box.path !== 'INBOX' && !box.specialUse) continue;
        const lock = await client.getMailboxLock(box.path).catch(() => undefined);
        if (!lock) continue;
        try {
          const uids = (await client.search({ subject: RUN }, { uid: true })) || [];
          if (uids.length) await client.messageDelete(uids.join(','), { uid: true });
        } finally {
          lock.release();
        }
      }
      for (const box of boxes.filter((b) => b.path.includes(RUN)).sort((a, b) => b.path.length - a.path.length)) {
        await client.mailboxDelete(box.path).catch(() => undefined);
      }
    } finally {
      await client.logout();
    }
  }
}

/** A FolderSync from key 0, for the ServerId of a folder by its path's last name. */
export async function collectionIdOf(url: string, displayName: string, deviceId = `dev${RUN}`): Promise<string> {
  const FH = 'FolderHierarchy';
  const res = await send(url, {
    path: `/Microsoft-Server-ActiveSync?${new URLSearchParams({ Cmd: 'FolderSync', User: ALICE.user, DeviceId: deviceId, DeviceType: 'SendTest' }).toString()}`,
    headers: { 'MS-ASProtocolVersion': '14.1', 'Content-Type': 'application/vnd.ms-sync.wbxml' },
    auth: ALICE,
    body: encode(el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')])),
  });
  assert.equal(res.status, 200);
  const changes = decode(res.body).children.find((c) => c.tag === 'Changes')!;
  const add = changes.children.filter((c) => c.tag === 'Add').find((a) => a.children.find((c) => c.tag === 'DisplayName')?.text === displayName);
  assert.ok(add, `FolderSync has no folder ${displayName}`);
  return add.children.find((c) => c.tag === 'ServerId')!.text!;
}

/** A CRLF message from header lines and a body. */
export function mimeMessage(headers: readonly string[], body: string): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`, 'utf8');
}
