import assert from 'node:assert/strict';
import { test } from 'node:test';
import { el } from '../../../../../codec/index.js';
import { categoryToKeyword, keywordToCategory } from '../../../../../gateway/convert/email/category-keywords.js';
import { fromClientEmailChange } from '../../../../../gateway/convert/email/client-change.js';
import { categoriesOf } from '../../../../../gateway/convert/email/envelope.js';
import { planFlags, staleCategoryKeywords, storeKey } from '../../../../../gateway/commands/sync/client/flag-plan.js';

/** RFC 3501 atom, as the IMAP adapter checks keywords. */
const ATOM = /^[\x21\x23-\x24\x26-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/;

test('categories that are atoms are their own keywords, so other IMAP clients see them unchanged', () => {
  for (const c of ['Work', 'Project-X', 'urgent!', 'a.b_c']) {
    assert.equal(categoryToKeyword(c), c);
    assert.equal(keywordToCategory(c), c);
  }
});

test('any category maps to an atom and back: spaces, specials, "&", "$" first, non-ASCII, astral', () => {
  const cases = ['Blue Category', 'Privé', 'R&D', '$money', 'a$b', '(x) "y" {z} % * \\ ]', '日本語', 'Party 🎉', '&-', '  padded  ', 'A&B C'];
  for (const c of cases) {
    const k = categoryToKeyword(c)!;
    assert.match(k, ATOM, `${c} -> ${k}`);
    assert.ok(!k.startsWith('$'), k);
    assert.equal(keywordToCategory(k), c, `${c} -> ${k} -> back`);
  }
  assert.equal(categoryToKeyword('Blue Category'), 'Blue&ACA-Category');
  assert.equal(categoryToKeyword('R&D'), 'R&-D');
  assert.equal(categoryToKeyword('   '), undefined);
});

test('system flags and $ keywords are not categories; a stray "&" from another client reads as itself', () => {
  assert.equal(keywordToCategory('\\Seen'), undefined);
  assert.equal(keywordToCategory('$Forwarded'), undefined);
  assert.equal(keywordToCategory('a&b'), 'a&b');
  assert.equal(keywordToCategory('x&!!-'), 'x&!!-');
  assert.deepEqual(categoriesOf(['\\Seen', '$Junk', 'Work', 'Blue&ACA-Category', 'R&-D']), ['Work', 'Blue Category', 'R&D']);
});

const E = 'Email';
const change = (...children: ReturnType<typeof el>[]) => fromClientEmailChange(children, '16.1');

test('Read, Flag and Categories become one STORE plan', () => {
  const p = planFlags(change(
    el(E, 'Read', '1'),
    el(E, 'Flag', [el(E, 'Status', '2'), el(E, 'FlagType', 'Follow up'), el('Tasks', 'StartDate', '2026-11-25T00:00:00.000Z'), el('Tasks', 'DueDate', '2026-11-26T00:00:00.000Z')]),
    el(E, 'Categories', [el(E, 'Category', 'Work'), el(E, 'Category', 'Blue Category'), el(E, 'Category', 'work')]),
  ));
  assert.deepEqual(p.add, ['\\Seen', '\\Flagged', 'Work', 'Blue&ACA-Category']);
  assert.deepEqual(p.remove, []);
  assert.deepEqual(p.categories, ['Work', 'Blue&ACA-Category']);
  assert.equal(p.flag?.status, 2);
  assert.equal(p.flag?.flagType, 'Follow up');
  assert.equal(p.flag?.dueDate?.toISOString(), '2026-11-26T00:00:00.000Z');
});

test('unread, completed flag, cleared flag, empty Categories', () => {
  const done = planFlags(change(el(E, 'Read', '0'), el(E, 'Flag', [el(E, 'Status', '1'), el(E, 'CompleteTime', '2026-11-25T10:00:00.000Z')])));
  assert.deepEqual(done.add, []);
  assert.deepEqual(done.remove, ['\\Seen', '\\Flagged']);
  assert.equal(done.flag?.status, 1);
  const cleared = planFlags(change(el(E, 'Flag')));
  assert.deepEqual(cleared.remove, ['\\Flagged']);
  assert.equal(cleared.flag, null);
  const zero = planFlags(change(el(E, 'Flag', [el(E, 'Status', '0')])));
  assert.equal(zero.flag, null);
  const none = planFlags(change(el(E, 'Categories')));
  assert.deepEqual(none.categories, []);
  assert.deepEqual(none.add, []);
});

test('stale category keywords: only categories outside the new set, case-insensitively', () => {
  assert.deepEqual(staleCategoryKeywords(['\\Seen', '$Forwarded', 'Work', 'Home', 'Blue&ACA-Category'], ['work']), ['Home', 'Blue&ACA-Category']);
  assert.equal(storeKey(['b', 'a'], []), storeKey(['a', 'b'], []));
  assert.notEqual(storeKey(['a'], []), storeKey([], ['a']));
});
