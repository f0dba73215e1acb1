import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el } from '../../../../../codec/index.js';
import { BodyOptionsError, parseBodyRequest } from '../../../../../gateway/commands/email/body-options.js';
import { formatFileReference, parseFileReference } from '../../../../../gateway/commands/email/file-reference.js';

const asb = (tag: string, children: ReturnType<typeof el>[] | string) => el('AirSyncBase', tag, children);
const as = (tag: string, text: string) => el('AirSync', tag, text);

describe('parseBodyRequest', () => {
  it('reads preferences, MIMESupport and the 2.5 codes', () => {
    const options = el('AirSync', 'Options', [
      as('MIMESupport', '1'),
      as('Truncation', '4'),
      asb('BodyPreference', [asb('Type', '2'), asb('TruncationSize', '5120'), asb('AllOrNone', '1'), asb('Preview', '255')]),
      asb('BodyPreference', [asb('Type', '4')]),
    ]);
    assert.deepEqual(parseBodyRequest(options), {
      bodyPreferences: [{ type: 2, truncationSize: 5120, allOrNone: true, preview: 255 }, { type: 4 }],
      mimeSupport: 1,
      truncation: 4,
    });
  });
  it('keeps the defaults for no Options', () => {
    assert.deepEqual(parseBodyRequest(undefined), {});
    assert.deepEqual(parseBodyRequest(el('AirSync', 'Options', [])), {});
  });
  for (const [what, options] of [
    ['Type 5', el('AirSync', 'Options', [asb('BodyPreference', [asb('Type', '5')])])],
    ['no Type', el('AirSync', 'Options', [asb('BodyPreference', [asb('TruncationSize', '5')])])],
    ['Preview 256', el('AirSync', 'Options', [asb('BodyPreference', [asb('Type', '1'), asb('Preview', '256')])])],
    ['MIMESupport 3', el('AirSync', 'Options', [as('MIMESupport', '3')])],
    ['Truncation 10', el('AirSync', 'Options', [as('Truncation', '10')])],
  ] as const) {
    it(`refuses ${what}`, () => assert.throws(() => parseBodyRequest(options), BodyOptionsError));
  }
});

describe('file references', () => {
  it('round-trip collection, uid and section', () => {
    const ref = formatFileReference('7', 1234, '2.1');
    assert.equal(ref, '7:1234:2.1');
    assert.deepEqual(parseFileReference(ref), { collectionId: '7', serverId: '7:1234', uid: 1234, section: '2.1' });
  });
  for (const bad of ['', '7', '7:1234', '7:1234:', '7:0:1', '7:12x:1', ':1:1', '7:1:a', '7:99999999999:1', '7:1:1..2']) {
    it(`refuse ${JSON.stringify(bad)}`, () => assert.equal(parseFileReference(bad), undefined));
  }
});
