import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImapHealthCheck } from '../../../../../gateway/adapters/imap/imap-health-check.js';
import { closedPort } from '../../../../support/backing.js';
import { startFakeImap } from '../../../../support/fake-imap-server.js';

const endpoint = (port: number) => ({ host: '127.0.0.1', port, secure: false, rejectUnauthorized: true, connectTimeoutMs: 1000 });

describe('ImapHealthCheck', () => {
  it('ok on an IMAP greeting, and does not log in', async () => {
    const server = await startFakeImap();
    try {
      assert.deepEqual(await new ImapHealthCheck(endpoint(server.port)).check(), { ok: true });
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(!server.commands.some((c) => c.startsWith('LOGIN')));
    } finally {
      await server.close();
    }
  });

  it('down when nothing listens', async () => {
    const status = await new ImapHealthCheck(endpoint(await closedPort())).check();
    assert.equal(status.ok, false);
    assert.match(!status.ok ? status.detail : '', /ECONNREFUSED/);
  });

  it('down when the server is not IMAP', async () => {
    const server = await startFakeImap({ greeting: 'HTTP/1.1 400 Bad Request' });
    try {
      const status = await new ImapHealthCheck(endpoint(server.port)).check();
      assert.equal(status.ok, false);
      assert.match(!status.ok ? status.detail : '', /unexpected greeting/);
    } finally {
      await server.close();
    }
  });

  it('down when the server says nothing within the timeout', async () => {
    const server = await startFakeImap({ greeting: null });
    try {
      const started = Date.now();
      const status = await new ImapHealthCheck(endpoint(server.port), 200).check();
      assert.equal(status.ok, false);
      assert.match(!status.ok ? status.detail : '', /no greeting/);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await server.close();
    }
  });

  it('down when aborted', async () => {
    const server = await startFakeImap({ greeting: null });
    try {
      const status = await new ImapHealthCheck(endpoint(server.port), 5000).check(AbortSignal.timeout(50));
      assert.equal(status.ok, false);
    } finally {
      await server.close();
    }
  });
});
