import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import { makeAuthenticatedUser } from '../../../../gateway/ports/identity.js';
import { memoryLog } from '../../../support/memory-log.js';

describe('credentials never show', () => {
  const creds = new BackendCredentials('alice@example.com', 'alice-secret');
  const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', creds);

  it('not through JSON, inspect, string conversion or spreading', () => {
    for (const shown of [
      JSON.stringify(creds),
      JSON.stringify(user),
      JSON.stringify({ ...user }),
      JSON.stringify({ ...creds }),
      inspect(creds, { showHidden: true }),
      inspect(user, { showHidden: true, depth: 10 }),
      String(creds),
      `${creds}`,
    ]) {
      assert.ok(!shown.includes('alice-secret'), shown);
    }
  });

  it('not through the logger, even when logged on purpose', () => {
    const log = memoryLog();
    log.logger.info({ user, creds, password: 'alice-secret', nested: { password: 'alice-secret' } }, 'oops');
    assert.ok(!log.text().includes('alice-secret'), log.text());
  });

  it('the user is frozen and has only login and email as keys', () => {
    assert.deepEqual(Object.keys(user), ['login', 'email']);
    assert.ok(Object.isFrozen(user));
    assert.equal(user.credentials, creds);
  });

  it('an adapter can still use the secret', () => {
    assert.deepEqual(creds.withSecret((login, secret) => [login, secret]), ['alice@example.com', 'alice-secret']);
  });
});
