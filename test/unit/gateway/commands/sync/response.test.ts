import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el, toXml } from '../../../../../codec/index.js';
import { addCommand, changeCommand, collectionElement, deleteCommand, fetchResponse, softDeleteCommand, syncResponse, syncStatusResponse } from '../../../../../gateway/commands/sync/response.js';
import { validateEasResponse } from '../../../../support/xsd.js';

const tags = (e: { children: { tag: string }[] }) => e.children.map((c) => c.tag);

describe('Sync response building', () => {
  it('collection children in the spec example order; empty Commands/Responses left out', () => {
    const full = collectionElement({
      syncKey: '9', collectionId: '5', status: 1, moreAvailable: true,
      commands: [deleteCommand('5:1'), softDeleteCommand('5:2'), changeCommand('5:3', [el('Email', 'Read', '1')]), addCommand('5:4', [el('Email', 'Subject', 'x')])],
      responses: [fetchResponse('5:7', 8)],
    });
    assert.deepEqual(tags(full), ['SyncKey', 'CollectionId', 'Status', 'Commands', 'MoreAvailable', 'Responses']);
    assert.deepEqual(tags(collectionElement({ syncKey: '9', collectionId: '5', status: 3, commands: [], responses: [] })), ['SyncKey', 'CollectionId', 'Status']);
    assert.deepEqual(tags(collectionElement({ className: 'Email', syncKey: '9', collectionId: '5', status: 1 })), ['Class', 'SyncKey', 'CollectionId', 'Status']);
    const doc = syncResponse([full]);
    const xsd = validateEasResponse(doc, 'SyncResponse');
    assert.ok(xsd.valid, `${xsd.errors.join('\n')}\n${toXml(doc)}`);
  });

  it('request-level Status, with Limit for intervals', () => {
    assert.ok(validateEasResponse(syncStatusResponse(4), 'SyncResponse').valid);
    const limited = syncStatusResponse(14, 59);
    assert.deepEqual(tags(limited), ['Status', 'Limit']);
    assert.ok(validateEasResponse(limited, 'SyncResponse').valid);
  });

  it('Fetch carries ApplicationData only on success', () => {
    assert.deepEqual(tags(fetchResponse('5:1', 8)), ['ServerId', 'Status']);
    assert.deepEqual(tags(fetchResponse('5:1', 1, [el('Email', 'Subject', 's')])), ['ServerId', 'Status', 'ApplicationData']);
  });
});
