import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FolderEntry } from '../../../../gateway/ports/state-store.js';
import {
  changeCount,
  diffHierarchy,
  isIssuedSyncKey,
  nextSyncKey,
  sameHierarchy,
  subtreeIds,
  withFolder,
  withoutSubtree,
} from '../../../../gateway/sync/hierarchy.js';

const f = (serverId: string, parentId: string, displayName: string, type = 12): FolderEntry => ({ serverId, parentId, displayName, type, backendId: `b${serverId}` });

const inbox = f('1', '0', 'Inbox', 2);
const projects = f('2', '0', 'Projects');
const y2026 = f('3', '2', '2026');
const q1 = f('4', '3', 'Q1');
const base = [inbox, projects, y2026, q1];

describe('diffHierarchy', () => {
  it('from nothing: every folder is an Add, parents before children whatever the listing order', () => {
    const c = diffHierarchy([], [q1, y2026, inbox, projects]);
    assert.deepEqual(c.added.map((x) => x.serverId), ['1', '2', '3', '4']);
    assert.deepEqual([c.updated, c.deleted], [[], []]);
    assert.equal(changeCount(c), 4);
  });

  it('no change: nothing, whatever the order', () => {
    const c = diffHierarchy(base, [...base].reverse());
    assert.equal(changeCount(c), 0);
    assert.ok(sameHierarchy(base, [...base].reverse()));
  });

  it('a rename is an Update with the same ServerId, not Delete+Add', () => {
    const c = diffHierarchy(base, [inbox, { ...projects, displayName: 'Work' }, y2026, q1]);
    assert.deepEqual(c.updated, [{ ...projects, displayName: 'Work' }]);
    assert.deepEqual([c.added, c.deleted], [[], []]);
  });

  it('a move (new parent) and a type change are Updates too', () => {
    const c = diffHierarchy(base, [inbox, projects, { ...y2026, parentId: '1' }, { ...q1, type: 5 }]);
    assert.deepEqual(c.updated.map((x) => x.serverId).sort(), ['3', '4']);
  });

  it('a backend id change alone is invisible to the device', () => {
    assert.equal(changeCount(diffHierarchy(base, [inbox, { ...projects, backendId: 'other' }, y2026, q1])), 0);
  });

  it('a deleted subtree: Deletes, children before parents', () => {
    const c = diffHierarchy(base, [inbox]);
    assert.deepEqual(c.deleted, ['4', '3', '2']);
    assert.deepEqual([c.added, c.updated], [[], []]);
  });

  it('adds, updates and deletes at once', () => {
    const c = diffHierarchy(base, [{ ...inbox, displayName: 'Posteingang' }, projects, f('9', '2', 'New')]);
    assert.deepEqual(c.added.map((x) => x.serverId), ['9']);
    assert.deepEqual(c.updated.map((x) => x.serverId), ['1']);
    assert.deepEqual(c.deleted, ['4', '3']);
  });

  it('survives a (corrupt) parent cycle', () => {
    const c = diffHierarchy([], [f('1', '2', 'a'), f('2', '1', 'b')]);
    assert.equal(c.added.length, 2);
  });
});

describe('snapshot edits', () => {
  it('subtreeIds: the folder and everything below it, even when children come first', () => {
    assert.deepEqual([...subtreeIds([q1, y2026, projects, inbox], '2')].sort(), ['2', '3', '4']);
    assert.deepEqual([...subtreeIds(base, '4')], ['4']);
  });

  it('withFolder adds or replaces by ServerId', () => {
    assert.deepEqual(withFolder(base, f('5', '0', 'X')).map((x) => x.serverId), ['1', '2', '3', '4', '5']);
    assert.deepEqual(withFolder(base, { ...y2026, displayName: 'Y' })[2], { ...y2026, displayName: 'Y' });
  });

  it('withoutSubtree removes the folder and its descendants', () => {
    assert.deepEqual(withoutSubtree(base, '3').map((x) => x.serverId), ['1', '2']);
  });
});

describe('sync keys', () => {
  it('issued keys are positive integers without leading zeros', () => {
    for (const k of ['1', '2', '42', '999999999999999']) assert.ok(isIssuedSyncKey(k), k);
    for (const k of ['0', '', '01', '-1', '1.5', 'abc', '{1}', '1 ', '9999999999999999']) assert.ok(!isIssuedSyncKey(k), k);
  });

  it('nextSyncKey is one past the largest issued key', () => {
    assert.equal(nextSyncKey(), '1');
    assert.equal(nextSyncKey(undefined, '0'), '1');
    assert.equal(nextSyncKey('3', '7'), '8');
    assert.equal(nextSyncKey('12', '3'), '13');
    assert.equal(nextSyncKey('junk'), '1');
  });
});
