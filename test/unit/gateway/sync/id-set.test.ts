import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteReader, ByteWriter, SnapshotFormatError } from '../../../../gateway/sync/bytes.js';
import { IdSet, IdSetBuilder } from '../../../../gateway/sync/id-set.js';

function roundTrip(s: IdSet): IdSet {
  const w = new ByteWriter();
  s.encode(w);
  return IdSet.decode(new ByteReader(w.bytes()));
}

describe('IdSet', () => {
  it('keeps consecutive numeric ids as ranges and other ids as themselves', () => {
    const s = IdSet.of(['3', '1', '2', '7', 'x', '5', '6', '010']);
    assert.equal(s.toString(), '1:3,5:7,010,x');
    assert.equal(s.size, 8);
    assert.equal(s.rangeCount, 2);
    assert.ok(s.has('2') && s.has('x') && s.has('010') && !s.has('4') && !s.has('10'));
  });

  it('add and delete split and join ranges', () => {
    const s = IdSet.of(['1', '2', '3', '4', '5']);
    assert.ok(s.delete('3'));
    assert.equal(s.toString(), '1:2,4:5');
    assert.ok(!s.delete('3'));
    assert.ok(s.add('3'));
    assert.equal(s.toString(), '1:5');
    assert.ok(!s.add('3'));
    s.delete('1');
    s.delete('5');
    assert.equal(s.toString(), '2:4');
    assert.equal(s.size, 3);
  });

  it('takeNewest removes the highest ids first, then the non-numeric ones', () => {
    const s = IdSet.of(['1', '2', '9', '10', 'a', 'b']);
    assert.deepEqual(s.takeNewest(3), ['10', '9', '2']);
    assert.deepEqual(s.takeNewest(10), ['1', 'b', 'a']);
    assert.equal(s.size, 0);
  });

  it('matches a plain Set under random operations, and survives encoding', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const s = new IdSet();
    const model = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = rnd(10) === 0 ? `h${rnd(50)}` : String(rnd(400));
      if (rnd(3) === 0) assert.equal(s.delete(id), model.delete(id));
      else {
        assert.equal(s.add(id), !model.has(id));
        model.add(id);
      }
    }
    assert.equal(s.size, model.size);
    const back = roundTrip(s);
    assert.deepEqual([...back.descending()].sort(), [...model].sort());
    assert.equal(back.size, model.size);
  });

  it('the builder takes pages in any order', () => {
    const b = new IdSetBuilder();
    for (let i = 1000; i >= 1; i--) if (i % 100 !== 0) b.add(String(i));
    b.add('5').add('a');
    const s = b.build();
    assert.equal(s.size, 991);
    assert.equal(s.rangeCount, 10);
  });

  it('rejects corrupt encodings', () => {
    const w = new ByteWriter().varint(2).varint(5).varint(1).varint(0).varint(0);
    assert.throws(() => IdSet.decode(new ByteReader(w.bytes())), SnapshotFormatError);
  });
});
