import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode, el, type WbxmlElement } from '../../../../../codec/index.js';
import { MAX_COLLECTIONS, parseSyncRequest, SyncRequestError } from '../../../../../gateway/commands/sync/request.js';
import { FIXTURES_DIR } from '../../../../support/fixtures.js';

const AS = 'AirSync';
const B = 'AirSyncBase';
const sync = (...collections: WbxmlElement[]) => el(AS, 'Sync', [el(AS, 'Collections', collections)]);
const coll = (...kids: WbxmlElement[]) => el(AS, 'Collection', [el(AS, 'SyncKey', '5'), el(AS, 'CollectionId', '7'), ...kids]);
const captured = (dir: string, file: string) => decode(readFileSync(join(FIXTURES_DIR, 'captured_clients', dir, file)));

describe('Sync request parsing', () => {
  it('an empty body is the empty request', () => {
    assert.deepEqual(parseSyncRequest(undefined), { partial: false });
  });

  it('defaults: no Options, DeletesAsMoves/GetChanges/WindowSize absent, no commands', () => {
    const r = parseSyncRequest(sync(coll()));
    assert.deepEqual(r.collections, [{ syncKey: '5', collectionId: '7', commands: [], fetches: [] }]);
  });

  it('12.x-16.x Options: FilterType, Conflict, BodyPreference, MIMESupport; the SMS Options is ignored', () => {
    const r = parseSyncRequest(sync(coll(
      el(AS, 'DeletesAsMoves', '0'), el(AS, 'GetChanges'), el(AS, 'WindowSize', 50),
      el(AS, 'Options', [el(AS, 'Class', 'SMS'), el(AS, 'FilterType', 1)]),
      el(AS, 'Options', [el(AS, 'FilterType', 3), el(AS, 'Conflict', 0), el(AS, 'MIMESupport', 1), el(B, 'BodyPreference', [el(B, 'Type', 2), el(B, 'TruncationSize', 5120)])]),
    )));
    const c = r.collections![0]!;
    assert.deepEqual([c.deletesAsMoves, c.getChanges, c.windowSize], [false, true, 50]);
    assert.deepEqual(c.options, { filterType: 3, conflict: 0, body: { bodyPreferences: [{ type: 2, truncationSize: 5120 }], mimeSupport: 1 }, hasBody: true });
  });

  it('2.5: Class in the collection, options directly in it or in Options', () => {
    const legacy = parseSyncRequest(sync(el(AS, 'Collection', [el(AS, 'Class', 'Email'), el(AS, 'SyncKey', '0'), el(AS, 'CollectionId', '3'), el(AS, 'FilterType', 2), el(AS, 'Truncation', 4), el(AS, 'MIMESupport', 0)])));
    assert.deepEqual(legacy.collections![0], { syncKey: '0', collectionId: '3', className: 'Email', options: { filterType: 2, body: { mimeSupport: 0, truncation: 4 }, hasBody: true }, commands: [], fetches: [] });
    const tb = parseSyncRequest(captured('eas4tbsync_eas2.5', '005-Sync.req.wbxml'));
    assert.deepEqual(tb.collections![0], { syncKey: '0', collectionId: '1', className: 'Calendar', commands: [], fetches: [] });
  });

  it('Commands: Add, Change, Delete in order, Fetch apart', () => {
    const data = [el('Email', 'Read', '1')];
    const r = parseSyncRequest(sync(coll(el(AS, 'Commands', [
      el(AS, 'Change', [el(AS, 'ServerId', '7:1'), el(AS, 'ApplicationData', data)]),
      el(AS, 'Fetch', [el(AS, 'ServerId', '7:9')]),
      el(AS, 'Add', [el(AS, 'ClientId', 'c1'), el(AS, 'ApplicationData', data)]),
      el(AS, 'Delete', [el(AS, 'ServerId', '7:2')]),
    ]))));
    const c = r.collections![0]!;
    assert.deepEqual(c.commands.map((x) => x.kind), ['change', 'add', 'delete']);
    assert.deepEqual(c.fetches, ['7:9']);
    assert.deepEqual(c.commands[0], { kind: 'change', serverId: '7:1', data });
  });

  it('pyactivesync 16.1 captures parse (prime, Change+Delete, draft Add)', () => {
    const dir = 'pyactivesync_monperrus_eas16.1';
    assert.equal(parseSyncRequest(captured(dir, '004-Sync.req.wbxml')).collections![0]!.windowSize, 25);
    const changes = parseSyncRequest(captured(dir, '007-Sync.req.wbxml')).collections![0]!;
    assert.deepEqual([changes.getChanges, changes.deletesAsMoves, changes.commands.map((c) => c.kind)], [false, true, ['change', 'delete']]);
    const add = parseSyncRequest(captured(dir, '008-Sync.req.wbxml')).collections![0]!;
    assert.equal(add.commands[0]!.kind, 'add');
  });

  it('request level: Wait, HeartbeatInterval, WindowSize, Partial; a bare Partial has no collections', () => {
    assert.deepEqual(parseSyncRequest(el(AS, 'Sync', [el(AS, 'Wait', 5), el(AS, 'WindowSize', 200), el(AS, 'Partial')])), { wait: 5, windowSize: 200, partial: true });
    assert.equal(parseSyncRequest(el(AS, 'Sync', [el(AS, 'HeartbeatInterval', 300)])).heartbeatInterval, 300);
  });

  it('malformed: SyncRequestError (Status 4)', () => {
    const bad: WbxmlElement[] = [
      el('FolderHierarchy', 'FolderSync'),
      sync(el(AS, 'Collection', [el(AS, 'CollectionId', '7')])),
      sync(el(AS, 'Collection', [el(AS, 'SyncKey', '1')])),
      sync(coll(el(AS, 'WindowSize', 'many'))),
      sync(coll(el(AS, 'Options', [el(AS, 'FilterType', 9)]))),
      sync(coll(el(AS, 'Options', [el(AS, 'Conflict', 2)]))),
      sync(coll(el(AS, 'Options', [el(B, 'BodyPreference', [el(B, 'Type', 7)])]))),
      sync(coll(el(AS, 'Commands', [el(AS, 'Change', [el(AS, 'ApplicationData')])]))),
      sync(coll(el(AS, 'Commands', [el(AS, 'SoftDelete', [el(AS, 'ServerId', '7:1')])]))),
      sync(coll(), coll()),
      el(AS, 'Sync', [el(AS, 'Wait', 5), el(AS, 'HeartbeatInterval', 300)]),
      sync(...Array.from({ length: MAX_COLLECTIONS + 1 }, (_, i) => el(AS, 'Collection', [el(AS, 'SyncKey', '1'), el(AS, 'CollectionId', String(i))]))),
    ];
    for (const b of bad) assert.throws(() => parseSyncRequest(b), SyncRequestError);
  });
});
