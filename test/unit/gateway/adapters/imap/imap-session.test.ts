import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openImapSession } from '../../../../../gateway/adapters/imap/imap-session.js';
import { AuthenticationError, BackendUnavailableError } from '../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import { closedPort } from '../../../../support/backing.js';
import { startFakeImap } from '../../../../support/fake-imap-server.js';

const endpoint = (port: number) => ({ host: '127.0.0.1', port, secure: false, rejectUnauthorized: true, connectTimeoutMs: 1000 });
const alice = new BackendCredentials('alice@example.com', 'alice-secret');

describe('openImapSession', () => {
  it('logs in and hands out a usable session that logs out cleanly', async () => {
    const server = await startFakeImap({ login: 'ok' });
    try {
      const session = await openImapSession(endpoint(server.port), alice);
      assert.equal(session.usable, true);
      let closed = false;
      session.onClose(() => (closed = true));
      await session.logout();
      assert.equal(session.usable, false);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(closed, true);
      assert.ok(server.commands.some((c) => c.startsWith('LOGOUT')));
    } finally {
      await server.close();
    }
  });

  it('a password the server no longer takes: 401 (AuthenticationError), never the password in the message', async () => {
    const server = await startFakeImap({ login: 'authenticationfailed' });
    try {
      await assert.rejects(openImapSession(endpoint(server.port), alice), (e: unknown) => e instanceof AuthenticationError && e.httpStatus === 401 && !e.message.includes('alice-secret'));
    } finally {
      await server.close();
    }
  });

  it('[UNAVAILABLE] or nobody listening: 503 (BackendUnavailableError)', async () => {
    const server = await startFakeImap({ login: 'unavailable' });
    try {
      await assert.rejects(openImapSession(endpoint(server.port), alice), BackendUnavailableError);
    } finally {
      await server.close();
    }
    await assert.rejects(openImapSession(endpoint(await closedPort()), alice), (e: unknown) => e instanceof BackendUnavailableError && e.httpStatus === 503);
  });
});
