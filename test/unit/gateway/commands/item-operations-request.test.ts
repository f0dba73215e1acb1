import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el, type WbxmlElement } from '../../../../codec/index.js';
import { parseItemOperations, parseRange, MAX_OPERATIONS } from '../../../../gateway/commands/item-operations/request.js';
import { EasStatusError } from '../../../../gateway/errors.js';

const IO = 'ItemOperations';
const io = (tag: string, content?: WbxmlElement[] | string) => el(IO, tag, content);
const doc = (...ops: WbxmlElement[]) => ({ kind: 'wbxml' as const, root: io('ItemOperations', ops) });
const store = io('Store', 'Mailbox');

describe('ItemOperations Range', () => {
  it('reads m-n, zero-based and inclusive', () => {
    assert.deepEqual(parseRange('0-999'), { first: 0, last: 999 });
    assert.deepEqual(parseRange(' 5-5 '), { first: 5, last: 5 });
  });
  for (const bad of ['', '5', '-5', '9-3', '1-2-3', 'a-b', '1234567890-1234567891', '1 - 2']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseRange(bad), undefined));
  }
});

describe('parseItemOperations', () => {
  it('reads Fetch by FileReference (with Range), by ServerId (body options, Schema), by LongId; EmptyFolderContents; Move', () => {
    const ops = parseItemOperations(doc(
      io('Fetch', [store, el('AirSyncBase', 'FileReference', '3:7:2'), io('Options', [io('Range', '0-99')])]),
      io('Fetch', [store, el('AirSync', 'CollectionId', '3'), el('AirSync', 'ServerId', '3:7'), io('Options', [el('AirSync', 'MIMESupport', '2'), el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '4')]), io('Schema', [el('Email', 'Subject')])])]),
      io('Fetch', [store, el('Search', 'LongId', '3:7')]),
      io('EmptyFolderContents', [el('AirSync', 'CollectionId', '4'), io('Options', [io('DeleteSubFolders')])]),
      io('EmptyFolderContents', [el('AirSync', 'CollectionId', '5')]),
      io('Move', [io('ConversationId', 'abc'), io('DstFldId', '6')]),
    ));
    assert.deepEqual(ops[0], { kind: 'fetch', store: 'Mailbox', target: { kind: 'attachment', fileReference: '3:7:2', range: { first: 0, last: 99 } } });
    const item = ops[1]!;
    assert.ok(item.kind === 'fetch' && item.target.kind === 'item');
    assert.equal(item.target.serverId, '3:7');
    assert.deepEqual(item.target.body, { bodyPreferences: [{ type: 4 }], mimeSupport: 2 });
    assert.equal(item.target.schema?.[0]?.tag, 'Subject');
    assert.ok(ops[2]!.kind === 'fetch' && ops[2]!.target.kind === 'longId' && ops[2]!.target.longId === '3:7');
    assert.deepEqual(ops[3], { kind: 'empty', collectionId: '4', deleteSubFolders: true });
    assert.deepEqual(ops[4], { kind: 'empty', collectionId: '5', deleteSubFolders: false });
    assert.ok(ops[5]!.kind === 'move' && ops[5]!.dstFldId === '6');
  });

  it('answers a bad operation with its own Status and keeps the others', () => {
    const ops = parseItemOperations(doc(
      io('Fetch', [el('AirSyncBase', 'FileReference', '3:7:2')]),
      io('Fetch', [store, el('AirSyncBase', 'FileReference', '3:7:2'), io('Options', [io('Range', '9-1')])]),
      io('Fetch', [store, el('AirSync', 'CollectionId', '3')]),
      io('Fetch', [store, el('AirSync', 'CollectionId', '3'), el('AirSync', 'ServerId', '3:7'), io('Options', [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '9')])])]),
      io('EmptyFolderContents', []),
      io('Move', [io('ConversationId', 'abc')]),
    ));
    assert.deepEqual(ops.map((o) => (o.kind === 'invalid' ? `${o.tag}:${o.status}` : o.kind)), ['Fetch:2', 'Fetch:8', 'Fetch:2', 'Fetch:2', 'EmptyFolderContents:2', 'Move:2']);
    const range = ops[1]!;
    assert.ok(range.kind === 'invalid' && range.echo[0]?.tag === 'FileReference', 'the FileReference is echoed');
  });

  for (const [what, request] of [
    ['no body', { kind: 'wbxml' as const, root: undefined }],
    ['another document', { kind: 'wbxml' as const, root: el('FolderHierarchy', 'FolderSync', []) }],
    ['no operations', doc()],
    ['too many operations', doc(...Array.from({ length: MAX_OPERATIONS + 1 }, () => io('Fetch', [store, el('Search', 'LongId', '1:1')])))],
    ['an unknown operation', doc(io('Store', 'Mailbox'))],
  ] as const) {
    it(`refuses ${what} with a top-level Status 2`, () => {
      assert.throws(() => parseItemOperations(request), (err: unknown) => err instanceof EasStatusError && err.easStatus === 2);
    });
  }
});
