import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImapCredentialVerifier } from '../../../../../gateway/adapters/imap/imap-credential-verifier.js';
import { BackendUnavailableError } from '../../../../../gateway/errors.js';
import { closedPort } from '../../../../support/backing.js';
import { startFakeImap } from '../../../../support/fake-imap-server.js';

const endpoint = (port: number, connectTimeoutMs = 1000) => ({ host: '127.0.0.1', port, secure: false, rejectUnauthorized: true, connectTimeoutMs });

describe('ImapCredentialVerifier', () => {
  it('accepted LOGIN: the identity, and a clean LOGOUT', async () => {
    const server = await startFakeImap({ login: 'ok' });
    try {
      const identity = await new ImapCredentialVerifier(endpoint(server.port)).verify('alice@example.com', 'alice-secret');
      assert.deepEqual(identity, { login: 'alice@example.com', email: 'alice@example.com' });
      assert.ok(server.commands.includes('LOGIN "alice@example.com" ***'), server.commands.join(' | '));
      assert.ok(server.commands.some((c) => c.startsWith('LOGOUT')));
    } finally {
      await server.close();
    }
  });

  it('NO [AUTHENTICATIONFAILED]: wrong credentials (undefined), not an error', async () => {
    const server = await startFakeImap({ login: 'authenticationfailed' });
    try {
      assert.equal(await new ImapCredentialVerifier(endpoint(server.port)).verify('alice@example.com', 'guess'), undefined);
    } finally {
      await server.close();
    }
  });

  it('NO [UNAVAILABLE]: the backend is down, not the password wrong', async () => {
    const server = await startFakeImap({ login: 'unavailable' });
    try {
      await assert.rejects(new ImapCredentialVerifier(endpoint(server.port)).verify('alice@example.com', 'alice-secret'), (e: unknown) => e instanceof BackendUnavailableError && /UNAVAILABLE/.test(e.message));
    } finally {
      await server.close();
    }
  });

  it('connection refused: BackendUnavailableError without the password in it', async () => {
    const port = await closedPort();
    await assert.rejects(new ImapCredentialVerifier(endpoint(port)).verify('alice@example.com', 'alice-secret'), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.match(e.message, /ECONNREFUSED/);
      assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes('alice-secret'));
      return true;
    });
  });

  it('a server that never greets: BackendUnavailableError after the timeout', async () => {
    const server = await startFakeImap({ greeting: null });
    try {
      const started = Date.now();
      await assert.rejects(new ImapCredentialVerifier(endpoint(server.port, 300)).verify('alice@example.com', 'alice-secret'), (e: unknown) => e instanceof BackendUnavailableError);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await server.close();
    }
  });
});
