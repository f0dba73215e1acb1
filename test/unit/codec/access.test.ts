import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accessorsFor,
  boolOf,
  child,
  children,
  intOf,
  opaqueOf,
  requireBool,
  requireChild,
  requireInt,
  requireOpaque,
  requireText,
  SchemaError,
  textOf,
  type SchemaErrorReason,
} from '../../../codec/index.js';
import { el } from '../../../codec/tree.js';

const AS = 'AirSync';
const CM = 'ComposeMail';

const collection = el(AS, 'Collection', [
  el(AS, 'SyncKey', '42'),
  el(AS, 'CollectionId', '7'),
  el(AS, 'GetChanges'),
  el(AS, 'DeletesAsMoves', '0'),
  el(AS, 'WindowSize', ' 100 '),
  el(AS, 'Status', 'abc'),
  el(AS, 'Commands', [el(AS, 'Add', [el(AS, 'ClientId', '1')]), el(AS, 'Change'), el(AS, 'Add', [el(AS, 'ClientId', '2')])]),
  el('AirSyncBase', 'SyncKey', 'other namespace'),
  el(CM, 'Mime', Uint8Array.from([1, 2])),
  el(CM, 'ClientId', 'From: a\r\n'),
]);

function schemaError(fn: () => unknown, reason: SchemaErrorReason, path: string): void {
  assert.throws(fn, (e: unknown) => e instanceof SchemaError && e.reason === reason && e.path === path);
}

describe('typed accessors', () => {
  it('child / children match namespace and tag', () => {
    assert.equal(child(collection, AS, 'SyncKey')!.text, '42');
    assert.equal(child(collection, 'AirSyncBase', 'SyncKey')!.text, 'other namespace');
    assert.equal(child(collection, AS, 'Nope'), undefined);
    const commands = requireChild(collection, AS, 'Commands');
    assert.deepEqual(children(commands, AS, 'Add').map((a) => textOf(a, AS, 'ClientId')), ['1', '2']);
    assert.deepEqual(children(commands, AS, 'Delete'), []);
  });

  it('text: absent is undefined, empty element is "", children are an error', () => {
    assert.equal(textOf(collection, AS, 'SyncKey'), '42');
    assert.equal(textOf(collection, AS, 'GetChanges'), '');
    assert.equal(textOf(collection, AS, 'Missing'), undefined);
    schemaError(() => textOf(collection, AS, 'Commands'), 'not-text', 'Collection/AirSync:Commands');
    schemaError(() => textOf(collection, CM, 'Mime'), 'not-text', 'Collection/ComposeMail:Mime');
    schemaError(() => requireText(collection, AS, 'Missing'), 'missing', 'Collection/AirSync:Missing');
  });

  it('integers', () => {
    assert.equal(intOf(collection, AS, 'CollectionId'), 7);
    assert.equal(requireInt(collection, AS, 'WindowSize'), 100);
    assert.equal(intOf(collection, AS, 'Missing'), undefined);
    assert.equal(intOf(el(AS, 'X', [el(AS, 'Limit', '-5')]), AS, 'Limit'), -5);
    schemaError(() => intOf(collection, AS, 'Status'), 'not-int', 'Collection/AirSync:Status');
    schemaError(() => intOf(collection, AS, 'GetChanges'), 'not-int', 'Collection/AirSync:GetChanges');
    schemaError(() => intOf(el(AS, 'X', [el(AS, 'Limit', '99999999999999999')]), AS, 'Limit'), 'not-int', 'X/AirSync:Limit');
    schemaError(() => intOf(el(AS, 'X', [el(AS, 'Limit', '1e3')]), AS, 'Limit'), 'not-int', 'X/AirSync:Limit');
    schemaError(() => requireInt(collection, AS, 'Missing'), 'missing', 'Collection/AirSync:Missing');
  });

  it('booleans: 0/1, an empty element is true', () => {
    assert.equal(boolOf(collection, AS, 'GetChanges'), true);
    assert.equal(boolOf(collection, AS, 'DeletesAsMoves'), false);
    assert.equal(boolOf(collection, AS, 'Missing'), undefined);
    assert.equal(requireBool(el(AS, 'X', [el(AS, 'B', '1')]), AS, 'B'), true);
    schemaError(() => boolOf(collection, AS, 'SyncKey'), 'not-bool', 'Collection/AirSync:SyncKey');
    schemaError(() => requireBool(collection, AS, 'Missing'), 'missing', 'Collection/AirSync:Missing');
  });

  it('opaque: bytes, or text as UTF-8 (clients that send MIME as a string)', () => {
    assert.deepEqual([...opaqueOf(collection, CM, 'Mime')!], [1, 2]);
    assert.equal(Buffer.from(requireOpaque(collection, CM, 'ClientId')).toString(), 'From: a\r\n');
    assert.equal(opaqueOf(collection, CM, 'Missing'), undefined);
    schemaError(() => opaqueOf(collection, AS, 'Commands'), 'not-opaque', 'Collection/AirSync:Commands');
    schemaError(() => requireOpaque(collection, CM, 'Missing'), 'missing', 'Collection/ComposeMail:Missing');
  });

  it('accessorsFor binds the namespace', () => {
    const as = accessorsFor(AS);
    assert.equal(as.requireText(collection, 'SyncKey'), '42');
    assert.equal(as.intOf(collection, 'CollectionId'), 7);
    assert.equal(as.boolOf(collection, 'GetChanges'), true);
    assert.equal(as.children(as.requireChild(collection, 'Commands'), 'Add').length, 2);
  });
});
