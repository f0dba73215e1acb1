/**
 * Search and Find request parsing and query planning: the Query tree as the client wrote it, the
 * split into folder scope and message query, Range rules, and the Store/Response Status each kind
 * of bad request gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el, type WbxmlElement } from '../../../../codec/index.js';
import { FindRequestError, parseFind } from '../../../../gateway/commands/find/request.js';
import { displayNamesOf, findProperties } from '../../../../gateway/commands/find/response.js';
import { planQuery, wantsEmail } from '../../../../gateway/commands/search/query.js';
import { parseRange, parseSearch, SearchRequestError, storeOf, type SearchRequest } from '../../../../gateway/commands/search/request.js';

const S = 'Search';
const store = (name: string, query: WbxmlElement[] | undefined, options?: WbxmlElement[]) =>
  el(S, 'Store', [el(S, 'Name', name), ...(query ? [el(S, 'Query', query)] : []), ...(options ? [el(S, 'Options', options)] : [])]);
const and = (...c: WbxmlElement[]) => el(S, 'And', c);
const or = (...c: WbxmlElement[]) => el(S, 'Or', c);
const coll = (id: string) => el('AirSync', 'CollectionId', id);
const cls = (c: string) => el('AirSync', 'Class', c);
const free = (t: string) => el(S, 'FreeText', t);
const cmp = (tag: string, value: string, prop = el('Email', 'DateReceived', [])) => el(S, tag, [prop, el(S, 'Value', value)]);
const statusOf = (fn: () => unknown): number => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SearchRequestError || err instanceof FindRequestError) return err.status;
    throw err;
  }
  return 0;
};
const plan = (req: SearchRequest) => planQuery(req.query!);

describe('Search request', () => {
  it('reads the Exchange-style And with CollectionId, FreeText and dates, and the options', () => {
    const req = parseSearch(store('Mailbox', [and(coll('7'), cls('Email'), free('budget review'), cmp('GreaterThan', '2026-11-01T00:00:00.000Z'), cmp('LessThan', '2026-11-20T00:00:00.000Z'))], [
      el(S, 'Range', '10-19'), el(S, 'DeepTraversal', []), el(S, 'RebuildResults', []),
      el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '2'), el('AirSyncBase', 'TruncationSize', '512')]),
    ]));
    assert.deepEqual(req.options, { range: { first: 10, last: 19 }, deepTraversal: true, rebuildResults: true, body: { bodyPreferences: [{ type: 2, truncationSize: 512 }] } });
    assert.deepEqual(plan(req), {
      collectionIds: ['7'],
      classes: ['Email'],
      messages: { kind: 'and', of: [
        { kind: 'text', text: 'budget review' },
        { kind: 'receivedAfter', date: new Date('2026-11-01T00:00:00Z') },
        { kind: 'receivedBefore', date: new Date('2026-11-20T00:00:00Z') },
      ] },
    });
  });
  it('defaults: Range 0-99, no DeepTraversal; a wide Range is cut to 100 results', () => {
    assert.deepEqual(parseSearch(store('Mailbox', [free('x')])).options?.range, { first: 0, last: 99 });
    assert.deepEqual(parseSearch(store('Mailbox', [free('x')], [el(S, 'Range', '0-999')])).options?.range, { first: 0, last: 99 });
    assert.deepEqual(parseSearch(store('Mailbox', [free('x')], [el(S, 'Range', '200-250')])).options?.range, { first: 200, last: 250 });
    assert.equal(parseSearch(store('Mailbox', [free('x')])).options?.deepTraversal, false);
  });
  it('Range must be m-n with m <= n < 1000', () => {
    for (const bad of ['', '5', '9-2', '0-1000', 'a-b', '-1-5', '1 - 5']) assert.equal(parseRange(bad), undefined, bad);
    assert.deepEqual(parseRange(' 0-0 '), { first: 0, last: 0 });
  });
  it('an Or of words and dates is one message query; CollectionIds are the scope, several allowed', () => {
    const req = parseSearch(store('Mailbox', [coll('3'), coll('4'), coll('3'), or(free('a'), and(free('b'), cmp('GreaterThan', '2026-01-01T00:00:00.000Z')))]));
    assert.deepEqual(plan(req), {
      collectionIds: ['3', '4'],
      classes: [],
      messages: { kind: 'or', of: [{ kind: 'text', text: 'a' }, { kind: 'and', of: [{ kind: 'text', text: 'b' }, { kind: 'receivedAfter', date: new Date('2026-01-01T00:00:00Z') }] }] },
    });
    assert.deepEqual(plan(parseSearch(store('Mailbox', [coll('3')]))).messages, { kind: 'all' });
  });
  it('ConversationId (opaque) restricts the whole query', () => {
    const id = new Uint8Array([1, 2, 3, 4]);
    const req = parseSearch(store('Mailbox', [and(coll('3'), { ns: S, tag: 'ConversationId', children: [], opaque: id } as WbxmlElement)]));
    assert.deepEqual(plan(req).conversationId, id);
  });
  it('Store Status 2 for schema violations, 8 for what cannot run as one search per folder', () => {
    assert.equal(statusOf(() => parseSearch(store('Mailbox', undefined))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [el('Email', 'Subject', 'x')]))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [cmp('GreaterThan', 'yesterday')]))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [cmp('GreaterThan', '2026-01-01T00:00:00.000Z', el('Email', 'Subject', []))]))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [el(S, 'EqualTo', [el('DocumentLibrary', 'LinkId', 'x'), el(S, 'Value', 'y')])]))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [free('x')], [el(S, 'Range', '3-1')]))), 2);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [free('x')], [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '9')])]))), 2);
    assert.equal(statusOf(() => plan(parseSearch(store('Mailbox', [or(coll('3'), free('x'))])))), 8);
    assert.equal(statusOf(() => plan(parseSearch(store('Mailbox', [or(cls('Email'), free('x'))])))), 8);
    assert.equal(statusOf(() => plan(parseSearch(store('Mailbox', [free(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))])))), 8);
    let deep: WbxmlElement = free('x');
    for (let i = 0; i < 10; i++) deep = and(deep);
    assert.equal(statusOf(() => parseSearch(store('Mailbox', [deep]))), 8);
  });
  it('other stores are named, not parsed; a body without exactly one Store is none', () => {
    assert.deepEqual(parseSearch(store('GAL', [free('x')])), { store: 'GAL' });
    assert.equal(storeOf(el(S, 'Search', [])), undefined);
    assert.equal(storeOf(el(S, 'Search', [store('Mailbox', []), store('Mailbox', [])])), undefined);
    assert.equal(storeOf(el('Find', 'Find', [])), undefined);
  });
  it('a mailbox holds Email only', () => {
    assert.equal(wantsEmail([]), true);
    assert.equal(wantsEmail(['Email', 'SMS']), true);
    assert.equal(wantsEmail(['Calendar']), false);
  });
});

const F = 'Find';
const findReq = (query: WbxmlElement[], options: WbxmlElement[] = []) =>
  el(F, 'Find', [el(F, 'SearchId', 'id1'), el(F, 'ExecuteSearch', [el(F, 'MailBoxSearchCriterion', [el(F, 'Query', query), el(F, 'Options', options)])])]);

describe('Find request', () => {
  it('reads Class, CollectionId and FreeText, Range and DeepTraversal', () => {
    const r = parseFind(findReq([cls('Email'), coll('5'), el(F, 'FreeText', 'invoice')], [el(F, 'Range', '0-24'), el(F, 'DeepTraversal', [])]));
    assert.deepEqual(r, {
      searchId: 'id1',
      mailbox: { query: { kind: 'and', of: [{ kind: 'class', value: 'Email' }, { kind: 'collectionId', id: '5' }, { kind: 'freeText', text: 'invoice' }] }, range: { first: 0, last: 24 }, deepTraversal: true },
    });
    assert.deepEqual(planQuery(r!.mailbox!.query).collectionIds, ['5']);
  });
  it('a GAL criterion has no mailbox part; a bad Query is 2, a bad Range 4; no ExecuteSearch is no request', () => {
    assert.deepEqual(parseFind(el(F, 'Find', [el(F, 'SearchId', 's'), el(F, 'ExecuteSearch', [el(F, 'GalSearchCriterion', [])])])), { searchId: 's' });
    assert.equal(statusOf(() => parseFind(findReq([el(S, 'And', [])]))), 2);
    assert.equal(statusOf(() => parseFind(findReq([el(F, 'FreeText', 'x')], [el(F, 'Range', '9-1')]))), 4);
    assert.equal(parseFind(el(F, 'Find', [el(F, 'SearchId', 's')])), undefined);
    assert.equal(parseFind(undefined), undefined);
  });
});

describe('Find properties', () => {
  it('display names of a formatted address list', () => {
    assert.equal(displayNamesOf('"Dave D." <dave@example.com>, erin@example.com'), 'Dave D.; erin@example.com');
    assert.equal(displayNamesOf('"Last, First" <lf@example.com>, "Q \\"Quote\\"" <q@example.com>'), 'Last, First; Q "Quote"');
    assert.equal(displayNamesOf(undefined), undefined);
    assert.equal(displayNamesOf(''), undefined);
  });
  it('the list Find defines, in the namespaces FindResponse.xsd wants, nothing for what is unknown', () => {
    const props = findProperties({ subject: 'Hi', dateReceived: new Date('2026-11-24T09:00:05Z'), displayTo: 'Alice', cc: 'bob@example.com', importance: 1, read: true, isDraft: false, attachments: [], from: 'carol@example.com', body: { type: 1, preview: 'Hello there' } });
    assert.deepEqual(props.map((p) => [p.ns, p.tag, p.text]), [
      ['Email', 'Subject', 'Hi'], ['Email', 'DateReceived', '2026-11-24T09:00:05.000Z'], ['Email', 'DisplayTo', 'Alice'], ['Find', 'DisplayCc', 'bob@example.com'],
      ['Email', 'Importance', '1'], ['Email', 'Read', '1'], ['Email2', 'IsDraft', '0'], ['Find', 'Preview', 'Hello there'], ['Find', 'HasAttachments', '0'], ['Email', 'From', 'carol@example.com'],
    ]);
    assert.deepEqual(findProperties({}).map((p) => p.tag), ['IsDraft', 'HasAttachments']);
  });
});
