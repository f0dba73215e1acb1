/**
 * The sync machinery over the real thing: prepareCollectionSync with ImapChangeFeed on
 * Dovecot and the SQLite state store, as the Sync command will drive them (without HTTP).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ImapChangeFeed } from '../../../gateway/adapters/imap/imap-change-feed.js';
import { openImapSession, type ImapSession } from '../../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../../gateway/adapters/imap/session-pool.js';
import { openSqliteStateStore } from '../../../gateway/adapters/state/sqlite/index.js';
import { BackendCredentials } from '../../../gateway/ports/credentials.js';
import type { DeviceKey, StateStore } from '../../../gateway/ports/state-store.js';
import { prepareCollectionSync, type CollectionSyncRequest } from '../../../gateway/sync/collection-sync.js';
import type { SyncOp } from '../../../gateway/sync/collection-state.js';
import { seedMailbox } from '../../../test-fixtures/seed/index.js';
import { IMAP_HOST, IMAP_PORT, requireImap, USERS } from '../../support/backing.js';

const RUN = `cs${process.pid.toString(36)}${Date.now().toString(36)}`;
const BOX = `${RUN}-inbox`;
const ALICE = new BackendCredentials(USERS.alice.user, USERS.alice.password);

let pool: SessionPool<ImapSession>;
let feed: ImapChangeFeed;
let store: StateStore;
let dir: string;
let peer: ImapFlow;
let uids: number[] = [];

async function turn(device: DeviceKey, syncKey: string, more: Partial<CollectionSyncRequest> = {}) {
  const r = await prepareCollectionSync(feed, store, { device, collectionId: '9', collection: BOX, syncKey, filterType: 0, now: new Date(), ...more });
  assert.equal(r.status, 'ok', JSON.stringify(r));
  if (r.status !== 'ok') throw new Error('unreachable');
  await store.transaction((tx) => r.commit(tx));
  return r;
}

async function fill(device: DeviceKey, windowSize: number): Promise<{ adds: string[]; key: string; rounds: number }> {
  let key = (await turn(device, '0')).syncKey;
  const adds: string[] = [];
  let rounds = 0;
  for (let more = true; more; rounds++) {
    const r = await turn(device, key, { windowSize });
    assert.ok(r.ops.length <= windowSize);
    adds.push(...r.ops.filter((o) => o.kind === 'add').map((o) => o.id));
    key = r.syncKey;
    more = r.moreAvailable;
  }
  return { adds, key, rounds };
}

describe('collection sync on Dovecot', { timeout: 300_000 }, () => {
  before(async () => {
    await requireImap();
    pool = new SessionPool((c) => openImapSession({ host: IMAP_HOST, port: IMAP_PORT, secure: false, rejectUnauthorized: false, connectTimeoutMs: 10_000 }, c), {
      maxConnections: 4,
      maxPerUser: 2,
      idleMs: 60_000,
      maxAgeMs: 600_000,
      acquireTimeoutMs: 10_000,
    });
    feed = new ImapChangeFeed(pool, ALICE, new AbortController().signal);
    dir = mkdtempSync(join(tmpdir(), 'easgate-cs-'));
    store = openSqliteStateStore({ dataDir: join(dir, 'data') });
    peer = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USERS.alice.user, pass: USERS.alice.password }, logger: false });
    await peer.connect();
    const seeded = await seedMailbox({ user: USERS.alice.user, password: USERS.alice.password, mailbox: BOX, count: 2000, seed: 21 });
    uids = seeded.messages.map((m) => m.uid!).sort((a, b) => b - a);
  });

  after(async () => {
    await peer.mailboxDelete(BOX).catch(() => undefined);
    await peer.logout().catch(() => undefined);
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const windowSize of [100, 512]) {
    test(`2,000 messages in windows of ${windowSize}: every UID exactly once, newest first`, async () => {
      const device = { user: USERS.alice.user, deviceId: `${RUN}w${windowSize}` };
      await store.touchDevice(device);
      const t0 = performance.now();
      const { adds, rounds } = await fill(device, windowSize);
      const ms = performance.now() - t0;
      assert.deepEqual(adds, uids.map(String));
      assert.equal(rounds, Math.ceil(2000 / windowSize));
      const state = await store.getLatestSyncState(device, '9');
      console.log(`# window ${windowSize}: ${rounds} rounds in ${ms.toFixed(0)} ms (ids only), final state ${state!.snapshot.length} bytes`);
    });
  }

  test('IMAP-side changes arrive incrementally; a retried key is answered identically', async () => {
    const device = { user: USERS.alice.user, deviceId: `${RUN}changes` };
    await store.touchDevice(device);
    let { key } = await fill(device, 512);
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await turn(device, key);
      idle.push(performance.now() - t0);
      assert.deepEqual(r.ops, []);
      key = r.syncKey;
    }
    idle.sort((a, b) => a - b);
    const [flagged, tagged, gone] = [uids[10]!, uids[500]!, uids[1500]!];
    const lock = await peer.getMailboxLock(BOX);
    try {
      await peer.messageFlagsAdd(String(flagged), ['\\Flagged'], { uid: true });
      await peer.messageFlagsAdd(String(tagged), ['$Work'], { uid: true });
      await peer.messageDelete(String(gone), { uid: true });
    } finally {
      lock.release();
    }
    const appended = await peer.append(BOX, Buffer.from(`Subject: late\r\nMessage-ID: <late@${RUN}>\r\n\r\nlate\r\n`));
    const t0 = performance.now();
    const r = await turn(device, key);
    const changedMs = performance.now() - t0;
    const expected: SyncOp[] = [
      { kind: 'delete', id: String(gone) },
      { kind: 'change', id: String(flagged) },
      { kind: 'change', id: String(tagged) },
      { kind: 'add', id: String(appended && appended.uid) },
    ];
    assert.deepEqual(r.ops, expected);
    // The response is lost; the phone asks again with the same key.
    const retry = await turn(device, key);
    assert.equal(retry.retry, true);
    assert.equal(retry.syncKey, r.syncKey);
    assert.deepEqual(retry.ops, expected);
    const next = await turn(device, retry.syncKey);
    assert.deepEqual(next.ops, []);
    console.log(`# 2,000 messages: no-change turn median ${idle[5]!.toFixed(1)} ms; 4 changes ${changedMs.toFixed(1)} ms (feed + plan + state commit)`);
  });
});
