import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeLogin } from '../../../../../gateway/http/auth/login-name.js';

describe('normalizeLogin', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['alice@example.com', undefined, 'alice@example.com'],
    ['alice@example.com', 'other.org', 'alice@example.com'],
    ['alice', undefined, 'alice'],
    ['alice', 'example.com', 'alice@example.com'],
    ['EXAMPLE\\alice', undefined, 'alice'],
    ['EXAMPLE\\alice', 'example.com', 'alice@example.com'],
    ['EXAMPLE\\alice@example.com', 'other.org', 'alice@example.com'],
    ['  alice@example.com ', undefined, 'alice@example.com'],
    ['Alice@Example.com', undefined, 'Alice@Example.com'],
    ['', 'example.com', undefined],
    ['EXAMPLE\\', 'example.com', undefined],
    ['@example.com', undefined, undefined],
    ['alice@', undefined, undefined],
    ['al ice', undefined, undefined],
  ];
  for (const [raw, domain, expected] of cases) {
    it(`${JSON.stringify(raw)} with defaultDomain ${domain ?? '(none)'} -> ${expected ?? 'refused'}`, () => {
      assert.equal(normalizeLogin(raw, domain), expected);
    });
  }
});
