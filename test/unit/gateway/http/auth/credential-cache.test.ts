import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CredentialCache } from '../../../../../gateway/http/auth/credential-cache.js';

describe('CredentialCache', () => {
  it('keys by an HMAC that is neither the password nor stable across instances', () => {
    const a = new CredentialCache({ ttlMs: 60_000, maxEntries: 10 });
    const b = new CredentialCache({ ttlMs: 60_000, maxEntries: 10 });
    const key = a.keyFor('alice@example.com', 'alice-secret');
    assert.ok(!key.includes('alice-secret'));
    assert.equal(key, a.keyFor('alice@example.com', 'alice-secret'));
    assert.notEqual(key, b.keyFor('alice@example.com', 'alice-secret'));
    assert.notEqual(key, a.keyFor('alice@example.com', 'alice-secreT'));
    // login/password boundary is unambiguous
    assert.notEqual(a.keyFor('ab', 'c'), a.keyFor('a', 'bc'));
  });

  it('stores identities under the key, bounded in size', () => {
    const c = new CredentialCache({ ttlMs: 60_000, maxEntries: 2 });
    for (const u of ['a', 'b', 'c']) c.set(c.keyFor(u, 'pw'), { login: u, email: u });
    assert.equal(c.size, 2);
    assert.equal(c.get(c.keyFor('a', 'pw')), undefined);
    assert.deepEqual(c.get(c.keyFor('c', 'pw')), { login: 'c', email: 'c' });
  });

  it('expires entries after the TTL', async () => {
    const c = new CredentialCache({ ttlMs: 20, maxEntries: 10 });
    const key = c.keyFor('a', 'pw');
    c.set(key, { login: 'a', email: 'a' });
    assert.ok(c.get(key));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(c.get(key), undefined);
  });

  it('a TTL of 0 turns caching off', () => {
    const c = new CredentialCache({ ttlMs: 0, maxEntries: 10 });
    const key = c.keyFor('a', 'pw');
    c.set(key, { login: 'a', email: 'a' });
    assert.equal(c.get(key), undefined);
  });
});
