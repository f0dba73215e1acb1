import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBodyFetch, rawBytesFor, selectBody, type BodyRequest } from '../../../../gateway/convert/email/body-plan.js';
import { MissingPartError } from '../../../../gateway/convert/email/body.js';
import type { MessageView, MimePart } from '../../../../gateway/convert/email/message-view.js';
import { toEmailItem } from '../../../../gateway/convert/email/to-email-item.js';
import type { ItemVersion } from '../../../../gateway/items/version.js';

const text: MimePart = { part: '1', type: 'text/plain', parameters: { charset: 'utf-8' }, encoding: 'quoted-printable', size: 3000 };
const html: MimePart = { part: '2', type: 'text/html', parameters: { charset: 'utf-8' }, encoding: 'base64', size: 7800 };
const alternative: MessageView = { flags: [], size: 12000, structure: { type: 'multipart/alternative', childNodes: [text, html] } };
const plainOnly: MessageView = { flags: [], size: 3500, structure: text };
const encrypted: MessageView = { flags: [], size: 9000, structure: { part: '1', type: 'application/pkcs7-mime', encoding: 'base64', size: 8800 } };
const signed: MessageView = {
  flags: [],
  size: 5000,
  structure: { type: 'multipart/signed', childNodes: [text, { part: '2', type: 'application/pkcs7-signature', encoding: 'base64', size: 900 }] },
};

const choose = (view: MessageView, request: BodyRequest, version: ItemVersion = '14.1') => selectBody(view, request, version).choice;

describe('which body a client gets', () => {
  it('the native type wins when the client lists it, else the client\'s first', () => {
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 1 }, { type: 2 }] }).type, 2);
    assert.equal(choose(plainOnly, { bodyPreferences: [{ type: 2 }, { type: 1 }] }).type, 1);
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 1 }] }).source, 'text', 'type 1 of a message with both comes from its text part');
  });

  it('plain text for a message with only HTML comes from the HTML part, and HTML for plain-only from the text part', () => {
    const htmlOnly: MessageView = { flags: [], structure: { ...html, part: '1' } };
    assert.deepEqual([choose(htmlOnly, { bodyPreferences: [{ type: 1 }] }).source, choose(plainOnly, { bodyPreferences: [{ type: 2 }] }).source], ['html', 'text']);
  });

  it('RTF is never available; no preference at all means plain text', () => {
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 3 }, { type: 1 }] }).type, 1);
    assert.equal(choose(alternative, {}).type, 1);
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 3 }] }).type, 1);
  });

  it('AllOrNone: a body larger than TruncationSize falls to the next preference that returns the most text', () => {
    const c = choose(alternative, { bodyPreferences: [{ type: 2, truncationSize: 1000, allOrNone: true }, { type: 1, truncationSize: 500 }] });
    assert.deepEqual([c.type, c.truncationSize, c.withheld], [1, 500, false]);
    const alone = choose(alternative, { bodyPreferences: [{ type: 2, truncationSize: 1000, allOrNone: true }] });
    assert.deepEqual([alone.type, alone.withheld], [2, true]);
    assert.deepEqual(planBodyFetch(alternative, { bodyPreferences: [{ type: 2, truncationSize: 1000, allOrNone: true }] }, '14.1').fetch, [], 'nothing to fetch');
  });

  it('MIMESupport 1 gives MIME for S/MIME only, 2 for all; an encrypted message gets MIME whenever the client lists type 4', () => {
    const prefs: BodyRequest['bodyPreferences'] = [{ type: 2 }, { type: 4, truncationSize: 4096 }];
    assert.equal(choose(signed, { mimeSupport: 1, bodyPreferences: prefs }).type, 4);
    assert.equal(choose(alternative, { mimeSupport: 1, bodyPreferences: prefs }).type, 2);
    assert.equal(choose(alternative, { mimeSupport: 2, bodyPreferences: prefs }).type, 4);
    assert.equal(choose(encrypted, { bodyPreferences: prefs }).type, 4);
    assert.equal(choose(encrypted, { bodyPreferences: [{ type: 2 }] }).source, 'none');
  });

  it('2.5: Truncation and MIMETruncation codes', () => {
    assert.deepEqual([0, 1, 4, 8, 9].map((t) => choose(plainOnly, { truncation: t }, '2.5').truncationSize), [0, 512, 5120, 102400, undefined]);
    const mime = choose(plainOnly, { mimeSupport: 2, mimeTruncation: 1 }, '2.5');
    assert.deepEqual([mime.type, mime.truncationSize, mime.unit], [4, 4096, 'bytes']);
    assert.equal(choose(plainOnly, { truncation: 2 }, '2.5').unit, 'chars');
  });

  it('Preview only from 14.0, at most 255', () => {
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 2, preview: 999 }] }).preview, 255);
    assert.equal(choose(alternative, { bodyPreferences: [{ type: 2, preview: 100 }] }, '12.1').preview, undefined);
  });
});

describe('what the adapter fetches', () => {
  it('only the bytes TruncationSize needs after decoding, never the whole message for a cut body', () => {
    const plan = planBodyFetch(alternative, { bodyPreferences: [{ type: 2, truncationSize: 570 }] }, '14.1');
    assert.deepEqual(plan.fetch, [{ part: '2', maxBytes: 10 * 78 + 78 + 64 }]);
    const text1 = planBodyFetch(plainOnly, { bodyPreferences: [{ type: 1, truncationSize: 100 }] }, '14.1');
    assert.deepEqual(text1.fetch, [{ part: '1', maxBytes: 100 * 3 + 64 }]);
  });

  it('all of a part smaller than the budget, read bounded a little above its size; MIME is BODY[] (cut or whole)', () => {
    // plainOnly's part is 3000 bytes: the budget (5000 * 3 + 64) is larger, so its size + 1024.
    assert.deepEqual(planBodyFetch(plainOnly, { bodyPreferences: [{ type: 1, truncationSize: 5000 }] }, '14.1').fetch, [{ part: '1', maxBytes: 3000 + 1024 }]);
    assert.deepEqual(planBodyFetch(plainOnly, { bodyPreferences: [{ type: 1 }] }, '14.1').fetch, [{ part: '1' }], 'no truncation: the whole part');
    assert.deepEqual(planBodyFetch(alternative, { bodyPreferences: [{ type: 4, truncationSize: 100 }] }, '14.1').fetch, [{ part: '', maxBytes: 100 }]);
    assert.deepEqual(planBodyFetch(alternative, { bodyPreferences: [{ type: 4 }] }, '14.1').fetch, [{ part: '' }]);
  });

  it('a little of the text part for a preview, merged with the body fetch of the same part', () => {
    const plan = planBodyFetch(alternative, { bodyPreferences: [{ type: 2, truncationSize: 100, preview: 50 }] }, '14.1');
    // 2 KB of quoted-printable text is 6208 raw bytes at worst, more than the 3000-byte part: all of it.
    assert.deepEqual(plan.fetch, [{ part: '2', maxBytes: 2 * 78 + 78 + 64 }, { part: '1', maxBytes: 3000 + 1024 }]);
    const big: MessageView = { flags: [], structure: { ...text, size: 100000 } };
    const merged = planBodyFetch(big, { bodyPreferences: [{ type: 1, truncationSize: 10, preview: 50 }] }, '14.1');
    assert.deepEqual(merged.fetch, [{ part: '1', maxBytes: 2048 * 3 + 64 }]);
    const serverPreview = planBodyFetch({ ...alternative, preview: 'from IMAP' }, { bodyPreferences: [{ type: 2, truncationSize: 100, preview: 50 }] }, '14.1');
    assert.deepEqual(serverPreview.fetch.map((f) => f.part), ['2']);
  });

  it('budgets grow for UTF-16 and for plain text derived from HTML', () => {
    assert.equal(rawBytesFor({ type: 'text/plain', parameters: { charset: 'UTF-16LE' }, size: 1e6 }, 100), 264);
    const htmlOnly: MessageView = { flags: [], structure: { part: '1', type: 'text/html', encoding: '8bit', size: 1e6 } };
    assert.deepEqual(planBodyFetch(htmlOnly, { bodyPreferences: [{ type: 1, truncationSize: 100 }] }, '14.1').fetch, [{ part: '1', maxBytes: 464 }]);
  });

  it('toEmailItem refuses to guess when a planned section was not fetched', () => {
    assert.throws(
      () => toEmailItem(plainOnly, [], { version: '14.1', body: { bodyPreferences: [{ type: 1 }] }, fileReference: (s) => s }),
      MissingPartError,
    );
  });
});
