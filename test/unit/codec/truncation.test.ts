/**
 * The split-buffer suite (pg-protocol's pattern, applied to a whole-document decoder): every
 * fixture cut at every byte offset must fail with WbxmlError('truncated'), never with another
 * exception and never by "succeeding" on a prefix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, WbxmlError } from '../../../codec/index.js';
import { wbxmlFixtures } from './support/fixtures.js';

describe('truncation: every fixture cut at every offset', () => {
  for (const fx of wbxmlFixtures()) {
    it(`${fx.name} (${fx.bytes.length} prefixes)`, () => {
      for (const bytes of [fx.bytes, encode(decode(fx.bytes))]) {
        for (let n = 0; n < bytes.length; n++) {
          try {
            decode(bytes.subarray(0, n));
          } catch (error) {
            if (error instanceof WbxmlError && error.reason === 'truncated') {
              assert.equal(error.offset, n, `cut at ${n}: offset`);
              continue;
            }
            throw new Error(`cut at ${n}: expected WbxmlError(truncated), got ${String(error)}`, { cause: error });
          }
          assert.fail(`cut at ${n}: a prefix decoded`);
        }
      }
    });
  }
});
