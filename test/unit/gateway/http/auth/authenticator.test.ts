import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { AuthenticationError, BackendUnavailableError } from '../../../../../gateway/errors.js';
import { Authenticator } from '../../../../../gateway/http/auth/authenticator.js';
import { basicAuth } from '../../../../support/http-client.js';
import { FakeVerifier } from '../../../../support/fakes.js';

function setup(overrides: Partial<ConstructorParameters<typeof Authenticator>[0]> = {}) {
  const verifier = new FakeVerifier();
  const sleeps: number[] = [];
  const auth = new Authenticator({
    verifier,
    cacheTtlMs: 60_000,
    cacheMaxEntries: 100,
    failureBudget: 2,
    failureWindowMs: 60_000,
    failureDelayMs: 100,
    failureMaxDelayMs: 250,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return { auth, verifier, sleeps };
}

const ALICE = basicAuth('alice@example.com', 'alice-secret');
const WRONG = basicAuth('alice@example.com', 'guess');

describe('Authenticator', () => {
  it('accepts right credentials and caches them', async () => {
    const { auth, verifier } = setup();
    const first = await auth.authenticate(ALICE, '1.2.3.4');
    assert.deepEqual([first.user.login, first.user.email, first.cached], ['alice@example.com', 'alice@example.com', false]);
    const second = await auth.authenticate(ALICE, '1.2.3.4');
    assert.equal(second.cached, true);
    assert.equal(verifier.calls, 1);
  });

  it('the user carries credentials only as an opaque, non-enumerable object', async () => {
    const { auth } = setup();
    const { user } = await auth.authenticate(ALICE, '1.2.3.4');
    assert.deepEqual(Object.keys(user), ['login', 'email']);
    for (const shown of [JSON.stringify(user), inspect(user, { showHidden: true, depth: 5 }), JSON.stringify({ ...user }), String(user.credentials), JSON.stringify(user.credentials)]) {
      assert.ok(!shown.includes('alice-secret'), shown);
    }
    assert.equal(user.credentials.withSecret((_l, s) => s), 'alice-secret');
  });

  it('normalizes DOMAIN\\user and bare users with the default domain', async () => {
    const { auth } = setup({ defaultDomain: 'example.com' });
    assert.equal((await auth.authenticate(basicAuth('alice', 'alice-secret'), 'ip')).user.login, 'alice@example.com');
    assert.equal((await auth.authenticate(basicAuth('EXAMPLE\\bob', 'bob-secret'), 'ip')).user.login, 'bob@example.com');
  });

  it('refuses missing, malformed and wrong credentials with 401 reasons', async () => {
    const { auth } = setup();
    await assert.rejects(auth.authenticate(undefined, 'ip'), (e: unknown) => e instanceof AuthenticationError && e.reason === 'missing-credentials');
    await assert.rejects(auth.authenticate('Basic @@@', 'ip'), (e: unknown) => e instanceof AuthenticationError && e.reason === 'malformed-credentials');
    await assert.rejects(auth.authenticate(WRONG, 'ip'), (e: unknown) => e instanceof AuthenticationError && e.reason === 'wrong-credentials' && !e.message.includes('guess'));
  });

  it('never caches a refusal, and never serves a changed password from the cache', async () => {
    const { auth, verifier } = setup();
    await auth.authenticate(ALICE, 'ip');
    await assert.rejects(auth.authenticate(WRONG, 'ip'));
    await assert.rejects(auth.authenticate(WRONG, 'ip'));
    assert.equal(verifier.calls, 3);
  });

  it('slows down attempts beyond the failure budget, before asking the backend', async () => {
    const { auth, sleeps } = setup();
    for (let i = 0; i < 5; i++) await assert.rejects(auth.authenticate(WRONG, '9.9.9.9'));
    assert.deepEqual(sleeps, [100, 200, 250]);
    // the right password still gets in (after the delay), and clears the login's count
    await auth.authenticate(ALICE, '8.8.8.8');
    assert.deepEqual(sleeps, [100, 200, 250, 250]);
    await assert.rejects(auth.authenticate(WRONG, '8.8.8.8'));
    assert.equal(sleeps.length, 4);
  });

  it('passes "backend down" through as 503, not 401, and does not count it as a failure', async () => {
    const { auth, verifier, sleeps } = setup();
    verifier.down = true;
    for (let i = 0; i < 4; i++) await assert.rejects(auth.authenticate(ALICE, 'ip'), (e: unknown) => e instanceof BackendUnavailableError);
    assert.deepEqual(sleeps, []);
  });

  it('coalesces concurrent verifications of the same credentials', async () => {
    const { auth, verifier } = setup({ cacheTtlMs: 0 });
    verifier.delayMs = 30;
    const results = await Promise.all([auth.authenticate(ALICE, 'a'), auth.authenticate(ALICE, 'b'), auth.authenticate(ALICE, 'c')]);
    assert.equal(verifier.calls, 1);
    assert.ok(results.every((r) => r.user.login === 'alice@example.com'));
    await auth.authenticate(ALICE, 'a');
    assert.equal(verifier.calls, 2, 'with the cache off, a later request verifies again');
  });
});
