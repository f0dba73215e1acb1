import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SnapshotFormatError } from '../../../../gateway/sync/bytes.js';
import { decodeState, emptyPending, encodeState, type CollectionState } from '../../../../gateway/sync/collection-state.js';
import { IdSet, IdSetBuilder } from '../../../../gateway/sync/id-set.js';
import { firstSyncKey, nextSyncKey, parseSyncKey } from '../../../../gateway/sync/sync-key.js';
import { feedFilter } from '../../../../gateway/sync/window.js';
import { itemServerId, parseItemServerId } from '../../../../gateway/sync/server-id.js';
import { mulberry32 } from '../../../../test-fixtures/seed/rng.js';

const cursor = JSON.stringify({ uidValidity: 1764000000, highestModSeq: '123456', uidNext: 100001 });

function state(held: IdSet, adds = new IdSet(), sent = 0): CollectionState {
  return {
    syncKey: '12',
    answers: '11',
    cursor,
    since: '2026-10-26',
    filterType: 5,
    held,
    pending: { ...emptyPending(), adds },
    sent: Array.from({ length: sent }, (_, i) => ({ kind: 'add' as const, id: String(100000 - i) })),
    moreAvailable: adds.size > 0,
  };
}

/** UIDs 1..n with every `gapEvery`-th (pseudo-randomly chosen 1 in gapEvery) missing, like a folder with deletions. */
function uids(n: number, gapEvery: number): IdSet {
  const b = new IdSetBuilder();
  const rnd = mulberry32(1);
  for (let i = 1; i <= n; i++) if (gapEvery === 0 || rnd() >= 1 / gapEvery) b.add(String(i));
  return b.build();
}

describe('collection state', () => {
  it('round-trips every field', () => {
    const s = state(IdSet.of(['1', '2', '3', '9']), IdSet.of(['20', 'x']), 3);
    s.pending.deletes.add('4');
    s.pending.softDeletes.add('5');
    s.pending.changes.add('2');
    const back = decodeState(encodeState(s));
    assert.deepEqual({ ...back, held: back.held.toString(), pending: Object.values(back.pending).map(String) }, {
      ...s,
      held: '1:3,9',
      pending: ['4', '5', '2', '20,x'],
    });
  });

  it('stays small for 10k and 100k items (sizes printed)', () => {
    const rows: string[] = [];
    for (const n of [10_000, 100_000]) {
      const contiguous = encodeState(state(uids(n, 0), new IdSet(), 100)).length;
      const fragmented = encodeState(state(uids(n, 10), new IdSet(), 100)).length;
      // Mid-fill: half sent, half pending, 512 ops in the last response.
      const all = uids(n, 10);
      const pending = new IdSet();
      for (const id of all.takeNewest(Math.floor(all.size / 2))) pending.add(id);
      const midFill = encodeState(state(all, pending, 512)).length;
      rows.push(`${n} items: contiguous ${contiguous} B, 10% deleted ${fragmented} B, mid-fill ${midFill} B`);
      assert.ok(contiguous < 1000, `contiguous ${contiguous}`);
      assert.ok(fragmented < n * 0.5, `fragmented ${fragmented}`);
    }
    console.log(`# state sizes: ${rows.join('; ')}`);
  });

  it('rejects what it did not write', () => {
    const good = encodeState(state(IdSet.of(['1'])));
    for (const bad of [new Uint8Array(), Uint8Array.of(0x53, 9, 0), good.subarray(0, good.length - 1), Uint8Array.of(...good, 0), Uint8Array.of(0x53, 1, 1, 9, 9)]) {
      assert.throws(() => decodeState(bad), SnapshotFormatError);
    }
  });
});

describe('sync keys', () => {
  it('parses 0, issued keys, and refuses the rest', () => {
    assert.deepEqual(parseSyncKey('0'), { kind: 'initial' });
    assert.deepEqual(parseSyncKey('42'), { kind: 'issued', n: 42 });
    for (const k of ['', '00', '01', '-3', '1.5', 'abc', '{x}1', '99999999999999999']) assert.equal(parseSyncKey(k).kind, 'invalid', k);
  });

  it('advances by one; re-primes start from a random base', () => {
    assert.equal(nextSyncKey('41'), '42');
    assert.throws(() => nextSyncKey('0'));
    assert.equal(firstSyncKey(() => 777), '777');
    assert.equal(parseSyncKey(firstSyncKey()).kind, 'issued');
  });
});

describe('FilterType windows', () => {
  it('maps FilterType to a UTC cutoff day; 0 and 8 have none', () => {
    const now = new Date('2026-11-25T23:30:00Z');
    assert.deepEqual(feedFilter(0, now), { since: null });
    assert.deepEqual(feedFilter(8, now), { since: null });
    assert.deepEqual(feedFilter(1, now), { since: '2026-11-24' });
    assert.deepEqual(feedFilter(3, now), { since: '2026-11-18' });
    assert.deepEqual(feedFilter(5, now), { since: '2026-10-26' });
    assert.deepEqual(feedFilter(7, now), { since: '2026-05-29' });
  });
});

describe('item ServerIds', () => {
  it('are "<collection>:<item>" and parse back', () => {
    assert.equal(itemServerId('5', '1234'), '5:1234');
    assert.deepEqual(parseItemServerId('5:1234'), { collectionId: '5', itemId: '1234' });
    assert.deepEqual(parseItemServerId('5:a:b'), { collectionId: '5', itemId: 'a:b' });
    for (const bad of ['', '5', ':1', '5:', 'x'.repeat(65)]) assert.equal(parseItemServerId(bad), undefined, bad);
    assert.throws(() => itemServerId('5:1', '2'));
    assert.throws(() => itemServerId('5', 'x'.repeat(70)));
  });
});
