import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionPool, type PoolableSession, type SessionPoolOptions } from '../../../../../gateway/adapters/imap/session-pool.js';
import { BackendUnavailableError } from '../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';

class FakeSession implements PoolableSession {
  usable = true;
  loggedOut = false;
  #onClose: (() => void) | undefined;
  constructor(readonly id: number, readonly login: string) {}
  async logout(): Promise<void> {
    this.loggedOut = true;
    this.usable = false;
  }
  onClose(listener: () => void): void {
    this.#onClose = listener;
  }
  /** The server hung up on an idle session. */
  serverClosed(): void {
    this.usable = false;
    this.#onClose?.();
  }
}

function pool(opts: Partial<SessionPoolOptions> = {}) {
  const opened: FakeSession[] = [];
  let fail: Error | undefined;
  const p = new SessionPool<FakeSession>(async (credentials) => {
    if (fail) throw fail;
    const s = new FakeSession(opened.length + 1, credentials.login);
    opened.push(s);
    return s;
  }, { maxConnections: 10, maxPerUser: 2, idleMs: 60_000, maxAgeMs: 60_000, acquireTimeoutMs: 200, ...opts });
  return { p, opened, failWith: (e: Error | undefined) => (fail = e) };
}

const alice = new BackendCredentials('alice@example.com', 'alice-secret');
const bob = new BackendCredentials('bob@example.com', 'bob-secret');
const signal = new AbortController().signal;
const idOf = (s: FakeSession) => s.id;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('SessionPool', () => {
  it('reuses one logged-in session across sequential requests of a user', async () => {
    const { p, opened } = pool();
    assert.equal(await p.use(alice, signal, async (s) => idOf(s)), 1);
    assert.equal(await p.use(alice, signal, async (s) => idOf(s)), 1);
    assert.equal(opened.length, 1);
    assert.deepEqual(p.stats(), { total: 1, idle: 1, users: 1 });
  });

  it('never lends a session of one user, or of another password, to another', async () => {
    const { p, opened } = pool();
    await p.use(alice, signal, async () => undefined);
    assert.equal(await p.use(bob, signal, async (s) => s.login), 'bob@example.com');
    await p.use(new BackendCredentials('alice@example.com', 'new-password'), signal, async () => undefined);
    assert.equal(opened.length, 3);
  });

  it('concurrent requests of one user get separate sessions up to maxPerUser, then wait', async () => {
    const { p, opened } = pool({ maxPerUser: 2 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = [p.use(alice, signal, async (s) => (await gate, idOf(s))), p.use(alice, signal, async (s) => (await gate, idOf(s)))];
    await tick();
    const third = p.use(alice, signal, async (s) => idOf(s));
    await tick();
    assert.equal(opened.length, 2);
    release();
    assert.deepEqual((await Promise.all(held)).sort(), [1, 2]);
    assert.ok([1, 2].includes(await third));
    assert.equal(opened.length, 2);
  });

  it('a request that waits too long for a session gets 503 (BackendUnavailableError)', async () => {
    const { p } = pool({ maxPerUser: 1, acquireTimeoutMs: 30 });
    let release!: () => void;
    const busy = p.use(alice, signal, () => new Promise<void>((r) => (release = r)));
    await tick();
    await assert.rejects(p.use(alice, signal, async () => undefined), BackendUnavailableError);
    release();
    await busy;
  });

  it('a waiting request ends with its signal', async () => {
    const { p } = pool({ maxPerUser: 1, acquireTimeoutMs: 5000 });
    let release!: () => void;
    const busy = p.use(alice, signal, () => new Promise<void>((r) => (release = r)));
    await tick();
    const ac = new AbortController();
    const waiting = p.use(alice, ac.signal, async () => undefined);
    ac.abort(new Error('client went away'));
    await assert.rejects(waiting, /client went away/);
    release();
    await busy;
  });

  it('at maxConnections the least recently used idle session of anyone makes room', async () => {
    const { p, opened } = pool({ maxConnections: 2 });
    await p.use(alice, signal, async () => undefined);
    await tick();
    await p.use(bob, signal, async () => undefined);
    await p.use(new BackendCredentials('carol@example.com', 'c'), signal, async () => undefined);
    assert.equal(opened.length, 3);
    assert.equal(opened[0]!.loggedOut, true, 'alice, idle longest, was logged out');
    assert.equal(opened[1]!.loggedOut, false);
    assert.equal(p.stats().total, 2);
  });

  it('a session that broke during a request is dropped, and the next request opens a new one', async () => {
    const { p, opened } = pool();
    await assert.rejects(p.use(alice, signal, async (s) => {
      s.usable = false;
      throw new Error('socket closed');
    }), /socket closed/);
    assert.equal(p.stats().total, 0);
    assert.equal(await p.use(alice, signal, async (s) => idOf(s)), 2);
    assert.equal(opened.length, 2);
  });

  it('an idle session the server closed is forgotten at once', async () => {
    const { p, opened } = pool();
    await p.use(alice, signal, async () => undefined);
    opened[0]!.serverClosed();
    assert.deepEqual(p.stats(), { total: 0, idle: 0, users: 0 });
    assert.equal(await p.use(alice, signal, async (s) => idOf(s)), 2);
  });

  it('read-only work is retried once on a fresh session when a reused one turns out dead', async () => {
    const { p, opened } = pool();
    await p.use(alice, signal, async () => undefined);
    const seen: number[] = [];
    const result = await p.use(alice, signal, async (s) => {
      seen.push(s.id);
      if (s.id === 1) {
        s.usable = false;
        throw new Error('connection reset');
      }
      return 'listed';
    }, { retryOnDeadSession: true });
    assert.equal(result, 'listed');
    assert.deepEqual(seen, [1, 2]);
    assert.equal(opened.length, 2);
  });

  it('writes are not retried: they may have reached the server', async () => {
    const { p } = pool();
    await p.use(alice, signal, async () => undefined);
    let calls = 0;
    await assert.rejects(p.use(alice, signal, async (s) => {
      calls += 1;
      s.usable = false;
      throw new Error('connection reset');
    }), /connection reset/);
    assert.equal(calls, 1);
  });

  it('a failed open frees its place and reaches the caller', async () => {
    const { p, failWith } = pool({ maxPerUser: 1 });
    failWith(new BackendUnavailableError('imap', 'down'));
    await assert.rejects(p.use(alice, signal, async () => undefined), BackendUnavailableError);
    failWith(undefined);
    assert.equal(await p.use(alice, signal, async () => 'ok'), 'ok');
  });

  it('idle sessions are logged out after idleMs', async () => {
    const { p, opened } = pool({ idleMs: 20 });
    await p.use(alice, signal, async () => undefined);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(opened[0]!.loggedOut, true);
    assert.equal(p.stats().total, 0);
  });

  it('a session past maxAgeMs is retired when it comes back; the next request logs in afresh', async () => {
    const { p, opened } = pool({ maxAgeMs: 20 });
    await p.use(alice, signal, async () => undefined);
    assert.equal(opened[0]!.loggedOut, false);
    await new Promise((r) => setTimeout(r, 30));
    await p.use(alice, signal, async () => undefined);
    assert.equal(opened[0]!.loggedOut, true, 'retired on release');
    assert.equal(await p.use(alice, signal, async (s) => idOf(s)), 2);
  });

  it('close() logs out idle sessions, busy ones when they come back, and refuses new work', async () => {
    const { p, opened } = pool();
    await p.use(alice, signal, async () => undefined);
    let release!: () => void;
    const busy = p.use(bob, signal, () => new Promise<void>((r) => (release = r)));
    await tick();
    await p.close();
    assert.equal(opened[0]!.loggedOut, true);
    assert.equal(opened[1]!.loggedOut, false);
    release();
    await busy;
    assert.equal(opened[1]!.loggedOut, true);
    await assert.rejects(p.use(alice, signal, async () => undefined), BackendUnavailableError);
    assert.equal(p.stats().total, 0);
  });
});
