/**
 * Truncation invariants over every TruncationSize from 0 to past the body's end, with the
 * adapter's partial fetch simulated: Data never exceeds the budget in UTF-8 bytes, is a prefix of
 * the untruncated body (so no character is split or changed), and Truncated says exactly whether
 * something is missing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planBodyFetch, toEmailItem, type BodyRequest } from '../../../../gateway/convert/email/index.js';
import type { BodyType } from '../../../../gateway/items/email.js';
import { CONVERT_FIXTURES, fetchSections, loadEml } from './support/eml.js';

/** Data as text: Types 1/2 come as UTF-8 bytes when the part already was UTF-8. */
const textOf = (d: string | Uint8Array | undefined): string => (d === undefined ? '' : typeof d === 'string' ? d : Buffer.from(d).toString('utf8'));

function bodyFor(file: string, type: BodyType, truncationSize?: number) {
  const eml = loadEml(join(CONVERT_FIXTURES, 'eml', file));
  const request: BodyRequest = { bodyPreferences: [{ type, truncationSize }] };
  const plan = planBodyFetch(eml.view, request, '16.1');
  return toEmailItem(eml.view, fetchSections(eml, plan.fetch), { version: '16.1', body: request, fileReference: (s) => s }).body!;
}

const cases: Array<[string, BodyType]> = [
  ['multibyte-boundary.eml', 1],
  ['shift-jis.eml', 1],
  ['shift-jis.eml', 2],
  ['latin1.eml', 1],
  ['alternative.eml', 2],
  ['koi8r-gb2312.eml', 2],
  ['html-only.eml', 2],
];

describe('truncation invariants', () => {
  for (const [file, type] of cases) {
    it(`${file} as type ${type}, every TruncationSize`, () => {
      const full = bodyFor(file, type);
      assert.equal(full.truncated, false);
      const whole = textOf(full.data);
      const size = Buffer.byteLength(whole, 'utf8');
      for (let n = 0; n <= size + 3; n++) {
        const b = bodyFor(file, type, n);
        const data = textOf(b.data);
        assert.ok(Buffer.byteLength(data, 'utf8') <= n, `n=${n}: ${Buffer.byteLength(data, 'utf8')} bytes`);
        assert.ok(whole.startsWith(data), `n=${n}: not a prefix`);
        assert.equal(b.truncated, n < size, `n=${n}: Truncated`);
        if (n >= size) assert.equal(data, whole);
        // A cut loses at most one character (4 bytes) plus, in HTML, a tag or entity it would split.
        if (type === 1 && n < size) assert.ok(n - Buffer.byteLength(data, 'utf8') < 4, `n=${n}: cut too early`);
      }
    });
  }
});
