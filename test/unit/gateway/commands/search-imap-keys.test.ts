/**
 * The IMAP search keys Search and Find run (adapters/imap/messages/search.ts), rendered as they go
 * on the wire: FreeText words over five fields, phrases, non-ASCII literals, OR trees, and dates
 * exact to the second with WITHIN or widened to whole days without.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freeTextWords, imapDate, needsUtf8, searchKeys, type SearchKey } from '../../../../gateway/adapters/imap/messages/search.js';
import type { MessageQuery } from '../../../../gateway/ports/mail-messages.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const render = (keys: readonly SearchKey[]): string => keys.map((k): string => {
  if (Array.isArray(k)) return `(${render(k)})`;
  if (k.type === 'STRING') return JSON.stringify(k.value);
  if (k.type === 'LITERAL') return `{${Buffer.byteLength(k.value)}}${k.value.toString()}`;
  return String(k.value);
}).join(' ');
const keys = (q: MessageQuery, within = true) => render(searchKeys(q, { within, now: NOW }));
const text = (t: string): MessageQuery => ({ kind: 'text', text: t });
const FIELDS = (w: string) => `OR (SUBJECT ${w}) (OR (FROM ${w}) (OR (TO ${w}) (OR (CC ${w}) (BODY ${w}))))`;

describe('IMAP search keys', () => {
  it('a word is OR over subject, from, to, cc and body; several words are ANDed', () => {
    assert.equal(keys(text('budget')), FIELDS('"budget"'));
    assert.equal(keys(text('  budget  review ')), `${FIELDS('"budget"')} ${FIELDS('"review"')}`);
  });
  it('a quoted phrase stays one search string', () => {
    assert.deepEqual(freeTextWords('"quarterly report" 2026 "" x'), ['quarterly report', '2026', 'x']);
    assert.equal(keys(text('"quarterly report"')), FIELDS('"quarterly report"'));
  });
  it('a non-ASCII word is a literal and asks for UTF-8', () => {
    const q = searchKeys(text('Grüße'), { within: true, now: NOW });
    assert.equal(render(q), FIELDS('{7}Grüße'));
    assert.equal(needsUtf8(q), true);
    assert.equal(needsUtf8(searchKeys(text('plain'), { within: true, now: NOW })), false);
  });
  it('empty text and empty And/Or match everything', () => {
    assert.equal(keys(text('   ')), 'ALL');
    assert.equal(keys({ kind: 'and', of: [] }), 'ALL');
    assert.equal(keys({ kind: 'or', of: [] }), 'ALL');
    assert.equal(keys({ kind: 'all' }), 'ALL');
  });
  it('dates: YOUNGER/OLDER seconds with WITHIN', () => {
    assert.equal(keys({ kind: 'receivedAfter', date: new Date('2026-11-25T11:00:00Z') }), 'YOUNGER 3600');
    assert.equal(keys({ kind: 'receivedBefore', date: new Date('2026-11-24T12:00:00Z') }), 'OLDER 86400');
  });
  it('dates without WITHIN (or in the future): whole days, widened so no match is lost', () => {
    assert.equal(keys({ kind: 'receivedAfter', date: new Date('2026-03-05T18:30:00Z') }, false), 'SINCE 5-Mar-2026');
    assert.equal(keys({ kind: 'receivedBefore', date: new Date('2026-03-05T18:30:00Z') }, false), 'BEFORE 6-Mar-2026');
    assert.equal(keys({ kind: 'receivedAfter', date: new Date('2026-12-01T00:00:00Z') }), 'SINCE 1-Dec-2026');
    assert.equal(imapDate(new Date('2026-01-09T00:00:00Z')), '9-Jan-2026');
  });
  it('And of date range and word; Or of alternatives with several keys in parentheses', () => {
    const range: MessageQuery = { kind: 'and', of: [{ kind: 'receivedAfter', date: new Date('2026-11-25T11:00:00Z') }, { kind: 'receivedBefore', date: new Date('2026-11-25T11:30:00Z') }] };
    assert.equal(keys({ kind: 'and', of: [text('a'), range] }), `${FIELDS('"a"')} YOUNGER 3600 OLDER 1800`);
    assert.equal(keys({ kind: 'or', of: [range, { kind: 'receivedAfter', date: new Date('2026-11-25T11:59:00Z') }] }), 'OR (YOUNGER 3600 OLDER 1800) (YOUNGER 60)');
    assert.equal(keys({ kind: 'or', of: [{ kind: 'receivedAfter', date: new Date('2026-11-25T11:59:00Z') }, range, { kind: 'receivedBefore', date: new Date('2026-11-25T11:59:59Z') }] }),
      'OR (YOUNGER 60) (OR (YOUNGER 3600 OLDER 1800) (OLDER 1))');
  });
});
