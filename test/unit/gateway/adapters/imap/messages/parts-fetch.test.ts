import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImapAttribute } from '../../../../../../gateway/adapters/imap/raw-exec.js';
import { mergeGroups, parsePartsRow, partsQuery, toFetchedParts, wantedSections } from '../../../../../../gateway/adapters/imap/messages/parts-fetch.js';

describe('parts-fetch', () => {
  it('merges groups of short partial reads into one fetch of the union, largest limit per section', () => {
    const merged = mergeGroups([
      { sections: new Map([['1', 5120]]), uids: [1, 2] },
      { sections: new Map([['2', 5120]]), uids: [3] },
      { sections: new Map([['1.2', 300], ['1', 9000]]), uids: [4] },
    ]);
    assert.deepEqual(merged.map((g) => [[...g.sections], g.uids]), [[[['1', 9000], ['2', 5120], ['1.2', 300]], [1, 2, 3, 4]]]);
  });

  it('keeps groups apart when a section is unbounded or long, or the union is wide', () => {
    const whole = [{ sections: new Map([['1', 5120]]), uids: [1] }, { sections: new Map<string, number | undefined>([['', undefined]]), uids: [2] }];
    assert.equal(mergeGroups(whole).length, 2);
    const long = [{ sections: new Map([['1', 5120]]), uids: [1] }, { sections: new Map([['2', 1_000_000]]), uids: [2] }];
    assert.equal(mergeGroups(long).length, 2);
    const wide = ['1', '2', '3', '4', '5'].map((part, i) => ({ sections: new Map([[part, 100]]), uids: [i + 1] }));
    assert.equal(mergeGroups(wide).length, 5);
  });

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

  it('reads a raw FETCH row as Dovecot answers it: literals, a quoted string, NIL, the whole message', () => {
    const atom = (value: string) => ({ type: 'ATOM', value });
    const row = parsePartsRow(([
      atom('UID'), atom('42'),
      atom('FLAGS'), [atom('\\Seen')],
      { type: 'ATOM', value: 'BODY', section: [atom('1.2')], partial: [0] }, { type: 'LITERAL', value: Buffer.from('<p>hi</p>') },
      { type: 'ATOM', value: 'BODY', section: [atom('3')] }, { type: 'STRING', value: 'caf\u00e9' },
      { type: 'ATOM', value: 'BODY', section: [atom('4')] }, null,
      { type: 'ATOM', value: 'BODY', section: [], partial: [0] }, { type: 'LITERAL', value: Buffer.from('Date: x') },
    ]) as ImapAttribute[]);
    assert.equal(row.uid, 42);
    assert.equal(row.source?.toString(), 'Date: x');
    assert.deepEqual([...row.bodyParts!].map(([k, v]) => [k, v.toString()]), [['1.2', '<p>hi</p>'], ['3', 'caf\u00e9'], ['4', '']]);
    const parts = toFetchedParts(new Map([['1.2', 4], ['', undefined]]), row);
    assert.deepEqual(parts.map((p) => [p.part, Buffer.from(p.bytes).toString(), p.truncated]), [['1.2', '<p>h', true], ['', 'Date: x', false]]);
    assert.deepEqual(parsePartsRow([atom('UID'), atom('7'), atom('FLAGS'), []]), { uid: 7 }, 'a flag update carries no sections');
  });
});
