/**
 * ItemOperations and GetAttachment handlers over in-memory ports: one folder, one message with
 * an attachment; the response builders (inline placeholder splicing, multipart table) checked
 * byte for byte by decoding what they stream.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decode, el, type WbxmlElement } from '../../../../codec/index.js';
import { getAttachment } from '../../../../gateway/commands/get-attachment.js';
import { itemOperations } from '../../../../gateway/commands/item-operations.js';
import { base64Chunks, bytesPayload, exactly } from '../../../../gateway/commands/item-operations/payload.js';
import { itemOperationsResult } from '../../../../gateway/commands/item-operations/response.js';
import type { CommandContext, CommandResult } from '../../../../gateway/commands/types.js';
import { MessageNotFoundError, PartNotFoundError, type ByteRange, type MailboxRef, type MailMessages } from '../../../../gateway/ports/mail-messages.js';
import type { MailFolder, MailStore } from '../../../../gateway/ports/mail-store.js';
import { memoryLog } from '../../../support/memory-log.js';

const IO = 'ItemOperations';
const io = (tag: string, content?: WbxmlElement[] | string) => el(IO, tag, content);

async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function bodyOf(result: CommandResult): Promise<{ bytes: Buffer; contentType: string }> {
  assert.equal(result.kind, 'stream');
  if (result.kind !== 'stream') throw new Error('not a stream');
  const bytes = await collect(result.body);
  assert.equal(bytes.length, result.length, 'length announced = bytes streamed');
  return { bytes, contentType: result.contentType };
}

function multipart(bytes: Buffer): Buffer[] {
  const n = bytes.readInt32LE(0);
  return Array.from({ length: n }, (_, i) => bytes.subarray(bytes.readInt32LE(4 + 8 * i), bytes.readInt32LE(4 + 8 * i) + bytes.readInt32LE(8 + 8 * i)));
}

const find = (e: WbxmlElement | undefined, ...path: string[]) => path.reduce<WbxmlElement | undefined>((cur, tag) => cur?.children.find((c) => c.tag === tag), e);

describe('ItemOperations response builders', () => {
  it('base64Chunks over odd chunk boundaries equals one-shot base64', async () => {
    const data = randomBytes(1000);
    async function* pieces() {
      for (let i = 0; i < data.length; i += 7 + (i % 5)) yield data.subarray(i, Math.min(data.length, i + 7 + (i % 5)));
    }
    assert.equal((await collect(base64Chunks(pieces()))).toString('latin1'), data.toString('base64'));
  });

  it('exactly() cuts off a payload that yields fewer or more bytes than announced', async () => {
    await assert.rejects(collect(exactly({ length: 5, chunks: async function* () { yield Buffer.alloc(4); } })));
    await assert.rejects(collect(exactly({ length: 5, chunks: async function* () { yield Buffer.alloc(6); } })));
  });

  it('inline: each Data placeholder becomes the base64 of its payload, and the length is exact', async () => {
    const a = randomBytes(100_001);
    const b = randomBytes(2);
    const pa = io('Properties', [el('AirSyncBase', 'ContentType', 'x/y')]);
    const pb = io('Properties', []);
    const root = io('ItemOperations', [io('Status', '1'), io('Response', [io('Fetch', [io('Status', '1'), pa]), io('Fetch', [io('Status', '1'), pb])])]);
    const { bytes, contentType } = await bodyOf(itemOperationsResult(root, [{ holder: pa, payload: bytesPayload(a) }, { holder: pb, payload: bytesPayload(b) }], false));
    assert.equal(contentType, 'application/vnd.ms-sync.wbxml');
    const tree = decode(bytes);
    const [fa, fb] = find(tree, 'Response')!.children;
    assert.equal(find(fa, 'Properties', 'Data')?.text, a.toString('base64'));
    assert.equal(find(fb, 'Properties', 'Data')?.text, b.toString('base64'));
  });

  it('multipart: the table, part 0 naming parts 1..n, then the raw payloads', async () => {
    const a = randomBytes(5000);
    const pa = io('Properties', []);
    const root = io('ItemOperations', [io('Status', '1'), io('Response', [io('Fetch', [io('Status', '1'), pa])])]);
    const { bytes, contentType } = await bodyOf(itemOperationsResult(root, [{ holder: pa, payload: bytesPayload(a) }], true));
    assert.equal(contentType, 'application/vnd.ms-sync.multipart');
    const parts = multipart(bytes);
    assert.equal(parts.length, 2);
    assert.equal(find(decode(parts[0]!), 'Response', 'Fetch', 'Properties', 'Part')?.text, '1');
    assert.ok(parts[1]!.equals(a));
  });

  it('without payloads and not multipart: a plain WBXML result', () => {
    const root = io('ItemOperations', [io('Status', '1')]);
    assert.deepEqual(itemOperationsResult(root, [], false), { kind: 'wbxml', root });
  });
});

// One folder "Files" (CollectionId 7) holding UID 42 with attachment section 2.
const ATTACHMENT = randomBytes(70_000);
const FOLDER: MailFolder = { backendId: 'imap:guid:files', path: 'Files', displayName: 'Files', parentPath: null, delimiter: '/', specialUse: null, selectable: true, namespace: 'personal' };
const BOX: MailboxRef = { path: 'Files', uidValidity: 9 };

function context(acceptMultiPart: boolean, params: Partial<CommandContext['params']> = {}): CommandContext {
  const messages = {
    mailboxRef: async (path: string) => (path === 'Files' ? BOX : Promise.reject(new Error('no such folder'))),
    partInfo: async (_box: MailboxRef, uid: number, part: string) => {
      if (uid !== 42) throw new MessageNotFoundError(uid);
      if (part !== '2') throw new PartNotFoundError(uid, part);
      return { size: ATTACHMENT.length, contentType: 'application/pdf' };
    },
    readPart: (_box: MailboxRef, _uid: number, _part: string, range: ByteRange = { start: 0, length: ATTACHMENT.length }) => ({
      async *[Symbol.asyncIterator]() {
        const end = range.start + range.length;
        for (let o = range.start; o < end; o += 16_384) yield ATTACHMENT.subarray(o, Math.min(end, o + 16_384));
      },
    }),
  } as unknown as MailMessages;
  const mail = { listFolders: async () => [FOLDER] } as unknown as MailStore;
  const state = { folderBackendId: async (_user: string, id: string) => (id === '7' ? FOLDER.backendId : undefined) };
  return {
    command: 'ItemOperations',
    user: { login: 'alice', email: 'alice@example.com' },
    device: { id: 'dev', type: 'test' },
    protocolVersion: '16.1',
    params: { saveInSent: false, acceptMultiPart, ...params },
    log: memoryLog('debug').logger,
    signal: new AbortController().signal,
    ports: { messages, mail, state },
  } as unknown as CommandContext;
}

const fetchRef = (ref: string, range?: string) =>
  io('Fetch', [io('Store', 'Mailbox'), el('AirSyncBase', 'FileReference', ref), ...(range ? [io('Options', [io('Range', range)])] : [])]);
const request = (...ops: WbxmlElement[]) => ({ kind: 'wbxml' as const, root: io('ItemOperations', ops) });

describe('ItemOperations handler (in-memory ports)', () => {
  it('fetches an attachment inline, whole and as a Range, and refuses what is not there', async () => {
    const result = await itemOperations(context(false), request(fetchRef('7:42:2'), fetchRef('7:42:2', '10-19'), fetchRef('7:42:3'), fetchRef('7:41:2'), fetchRef('8:42:2')));
    const fetches = find(decode((await bodyOf(result)).bytes), 'Response')!.children;
    assert.deepEqual(fetches.map((f) => find(f, 'Status')?.text), ['1', '1', '15', '15', '15']);
    assert.equal(find(fetches[0], 'Properties', 'ContentType')?.text, 'application/pdf');
    assert.ok(Buffer.from(find(fetches[0], 'Properties', 'Data')!.text!, 'base64').equals(ATTACHMENT));
    assert.equal(find(fetches[1], 'Properties', 'Range')?.text, '10-19');
    assert.equal(find(fetches[1], 'Properties', 'Total')?.text, String(ATTACHMENT.length));
    assert.ok(Buffer.from(find(fetches[1], 'Properties', 'Data')!.text!, 'base64').equals(ATTACHMENT.subarray(10, 20)));
  });

  it('multipart: the attachment as part 1', async () => {
    const { bytes } = await bodyOf(await itemOperations(context(true), request(fetchRef('7:42:2'))));
    const parts = multipart(bytes);
    assert.equal(find(decode(parts[0]!), 'Response', 'Fetch', 'Properties', 'Part')?.text, '1');
    assert.ok(parts[1]!.equals(ATTACHMENT));
  });

  it('answers Move as not supported, echoing the ConversationId', async () => {
    const result = await itemOperations(context(false), request(io('Move', [io('ConversationId', 'c1'), io('DstFldId', '7')])));
    assert.equal(result.kind, 'wbxml');
    if (result.kind !== 'wbxml') return;
    const move = find(result.root, 'Response', 'Move');
    assert.equal(find(move, 'Status')?.text, '156');
    assert.equal(find(move, 'ConversationId')?.text, 'c1');
  });
});

describe('GetAttachment handler (in-memory ports)', () => {
  it('streams the raw bytes with the attachment type, or answers 500', async () => {
    const { bytes, contentType } = await bodyOf(await getAttachment(context(false, { attachmentName: '7:42:2' }), { kind: 'none' }));
    assert.equal(contentType, 'application/pdf');
    assert.ok(bytes.equals(ATTACHMENT));
    assert.deepEqual(await getAttachment(context(false, { attachmentName: '7:42:9' }), { kind: 'none' }), { kind: 'empty', status: 500 });
    assert.deepEqual(await getAttachment(context(false), { kind: 'none' }), { kind: 'empty', status: 500 });
  });
});
