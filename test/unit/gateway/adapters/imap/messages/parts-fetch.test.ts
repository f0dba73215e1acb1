import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partsQuery, toFetchedParts, wantedSections } from '../../../../../../gateway/adapters/imap/messages/parts-fetch.js';

describe('parts-fetch', () => {
  it('merges a plan per section: the largest limit wins, no limit beats any', () => {
    const w = wantedSections([{ part: '1', maxBytes: 100 }, { part: '1', maxBytes: 300 }, { part: '2', maxBytes: 50 }, { part: '2' }, { part: '', maxBytes: 10 }]);
    assert.deepEqual([...w], [['1', 300], ['2', undefined], ['', 10]]);
  });

  it('asks one byte more than wanted, so truncation is known without the structure', () => {
    assert.deepEqual(partsQuery(new Map([['1.2', 100], ['3', undefined], ['', 10]])), {
      bodyParts: [{ key: '1.2', start: 0, maxLength: 101 }, '3'],
      source: { start: 0, maxLength: 11 },
    });
    assert.deepEqual(partsQuery(new Map([['', undefined]])), { source: true });
  });

  it('cuts each part at its limit and says whether more was there', () => {
    const parts = toFetchedParts(new Map([['1', 4], ['2', 10], ['3', undefined]]), {
      bodyParts: new Map([['1', Buffer.from('abcde')], ['2', Buffer.from('short')]]),
    });
    assert.deepEqual(parts.map((p) => [p.part, Buffer.from(p.bytes).toString(), p.truncated]), [['1', 'abcd', true], ['2', 'short', false], ['3', '', false]]);
  });
});
