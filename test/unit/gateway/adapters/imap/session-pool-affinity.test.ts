/**
 * Session affinity in the pool: `prefer` picks the idle session a request wants (for IMAP, the
 * one with its mailbox selected).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionPool, type PoolableSession } from '../../../../../gateway/adapters/imap/session-pool.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';

class FakeSession implements PoolableSession {
  usable = true;
  selected: string | undefined;
  constructor(readonly id: number) {}
  async logout(): Promise<void> {
    this.usable = false;
  }
  onClose(): void {}
}

function pool(maxPerUser = 3) {
  const opened: FakeSession[] = [];
  const p = new SessionPool<FakeSession>(async () => {
    const s = new FakeSession(opened.length + 1);
    opened.push(s);
    return s;
  }, { maxConnections: 10, maxPerUser, idleMs: 60_000, maxAgeMs: 60_000, acquireTimeoutMs: 200 });
  return { p, opened };
}

const alice = new BackendCredentials('alice@example.com', 'alice-secret');
const signal = new AbortController().signal;
const inbox = (s: FakeSession) => s.selected === 'INBOX';

/** Two idle sessions: #1 with INBOX selected, #2 (the most recently used) with Sent. */
async function twoSessions(p: SessionPool<FakeSession>): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = p.use(alice, signal, async (s) => {
    s.selected = 'INBOX';
    await gate;
  });
  await p.use(alice, signal, async (s) => {
    s.selected = 'Sent';
    release();
    await first;
  });
}

describe('SessionPool affinity', () => {
  it('prefer: the idle session with the mailbox selected, not merely the most recent one', async () => {
    const { p, opened } = pool();
    await twoSessions(p);
    assert.equal(opened.length, 2);
    assert.equal(await p.use(alice, signal, async (s) => s.id), 2, 'most recently used without a preference');
    assert.equal(await p.use(alice, signal, async (s) => s.id, { prefer: inbox }), 1);
    assert.equal(await p.use(alice, signal, async (s) => s.id, { prefer: (s) => s.selected === 'Drafts' }), 1, 'none preferred: most recent');
  });
});
