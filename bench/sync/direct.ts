/**
 * The gateway's own Sync path without HTTP and without the Sync command: what a Sync costs in
 * gateway/sync + the IMAP adapters + the item loader, in this process. Per window:
 * prepareCollectionSync (state read, change feed), loadEmailItems for the Adds (views, planned
 * partial body fetches, conversion), the flags of the Changes, ApplicationData built and
 * encoded to WBXML, state committed.
 * Used to see where time goes, and as the measurement when no Sync command is at hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { el, encode } from '../../codec/index.js';
import { ImapChangeFeed } from '../../gateway/adapters/imap/imap-change-feed.js';
import { ImapMailMessages } from '../../gateway/adapters/imap/imap-messages.js';
import { openImapSession, type ImapSession } from '../../gateway/adapters/imap/imap-session.js';
import { SessionPool } from '../../gateway/adapters/imap/session-pool.js';
import { openSqliteStateStore } from '../../gateway/adapters/state/sqlite/store.js';
import { emailElements, loadEmailItems } from '../../gateway/commands/email/load-items.js';
import { BackendCredentials } from '../../gateway/ports/credentials.js';
import type { DeviceKey, StateStore } from '../../gateway/ports/state-store.js';
import { decodeState, emptyPending, encodeState } from '../../gateway/sync/collection-state.js';
import { prepareCollectionSync } from '../../gateway/sync/collection-sync.js';
import { FLAG_CHANGES, flagSome, IMAP_HOST, IMAP_PORT, median, SKIP_INITIAL, TRUNCATION, timed, USER, WINDOW } from './common.js';

export interface PathResult {
  initialMs: number;
  /** (a) for another device just before, the first the gateway code ran (see eas.ts). */
  coldInitialMs?: number;
  messages: number;
  rounds: number;
  noChangeMs: number;
  flagChangeMs: number;
  /** Changes the (c) Syncs reported (should be FLAG_CHANGES each). */
  changesSeen: number;
}

export async function measureDirect(folder: string, uids: readonly number[], rounds: number): Promise<PathResult> {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-bench-'));
  const store = openSqliteStateStore({ dataDir: join(dir, 'data') });
  const pool = new SessionPool<ImapSession>((c) => openImapSession({ host: IMAP_HOST, port: IMAP_PORT, secure: false, rejectUnauthorized: false, connectTimeoutMs: 10_000 }, c), {
    maxConnections: 8, maxPerUser: 4, idleMs: 300_000, maxAgeMs: 3_600_000, acquireTimeoutMs: 10_000,
  });
  const creds = new BackendCredentials(USER.user, USER.password);
  const signal = new AbortController().signal;
  const device = { user: USER.user, deviceId: 'BENCHDIRECT' };
  const coldDevice = { user: USER.user, deviceId: 'BENCHDIRECTCOLD' };
  await store.touchDevice({ ...device, at: new Date() });
  await store.touchDevice({ ...coldDevice, at: new Date() });
  try {
    const messages = new ImapMailMessages(pool, creds, signal);
    const feed = new ImapChangeFeed(pool, creds, signal);
    const box = await messages.mailboxRef(folder);
    /** One Sync turn; returns how many operations it sent. */
    const turn = async (key: string, forDevice = device): Promise<{ key: string; ops: number; more: boolean }> => {
      const r = await prepareCollectionSync(feed, store, { device: forDevice, collectionId: '1', collection: folder, syncKey: key, filterType: 0, windowSize: WINDOW, now: new Date() });
      if (r.status !== 'ok') throw new Error(`direct turn: ${r.status}`);
      // As the Sync command does: Adds whole, Changes from their views alone (flags, no body).
      const adds = r.ops.filter((o) => o.kind === 'add').map((o) => Number(o.id));
      const changes = r.ops.filter((o) => o.kind === 'change').map((o) => Number(o.id));
      const items = adds.length
        ? await loadEmailItems(messages, box, adds, { version: '16.1', body: { bodyPreferences: [{ type: 2, truncationSize: TRUNCATION }] }, collectionId: '1' })
        : new Map();
      if (changes.length) await messages.fetchFlags(box, changes);
      const commands = [...items].map(([uid, item]) => el('AirSync', 'Add', [el('AirSync', 'ServerId', `1:${uid}`), el('AirSync', 'ApplicationData', emailElements(item, '16.1'))]));
      encode(el('AirSync', 'Sync', [el('AirSync', 'Collections', [el('AirSync', 'Collection', [el('AirSync', 'SyncKey', r.syncKey), el('AirSync', 'Commands', commands)])])]));
      await store.transaction((tx) => r.commit(tx));
      return { key: r.syncKey, ops: r.ops.length, more: r.moreAvailable };
    };
    // As over HTTP: (a) for another device first, so the measured one runs on compiled code.
    const cold = SKIP_INITIAL ? undefined : await timed(async () => {
      for (let r = await turn('0', coldDevice); ; ) {
        r = await turn(r.key, coldDevice);
        if (!r.more) return;
      }
    });
    const initial = await timed(async () => {
      let { key } = await turn('0');
      if (SKIP_INITIAL) return { key: await holdEverything(store, device, '1', key), total: uids.length, n: 0 };
      let total = 0;
      let n = 0;
      for (let more = true; more; n++) {
        const r = await turn(key);
        key = r.key;
        total += r.ops;
        more = r.more;
      }
      return { key, total, n };
    });
    let key = initial.value.key;
    const noChange: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = await timed(() => turn(key));
      key = t.value.key;
      noChange.push(t.ms);
    }
    const flagChange: number[] = [];
    let changesSeen = 0;
    for (let i = 0; i < rounds; i++) {
      await flagSome(folder, uids, FLAG_CHANGES, i);
      const t = await timed(() => turn(key));
      key = t.value.key;
      changesSeen += t.value.ops;
      flagChange.push(t.ms);
    }
    return { initialMs: SKIP_INITIAL ? NaN : initial.ms, ...(cold ? { coldInitialMs: cold.ms } : {}), messages: initial.value.total, rounds: initial.value.n, noChangeMs: median(noChange), flagChangeMs: median(flagChange), changesSeen };
  } finally {
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * (a) skipped: turns the primed state (everything pending as Adds) into one where the client
 * holds every message, as after a full initial sync, under the same key.
 */
export async function holdEverything(store: StateStore, device: DeviceKey, collectionId: string, key: string): Promise<string> {
  const latest = await store.getLatestSyncState(device, collectionId);
  if (!latest || latest.syncKey !== key) throw new Error('no primed state');
  const s = decodeState(latest.snapshot);
  const snapshot = encodeState({ ...s, held: s.pending.adds, pending: emptyPending(), sent: [], moreAvailable: false });
  await store.transaction((tx) => tx.putSyncState(device, { collectionId, syncKey: key, snapshot, at: new Date() }));
  return key;
}
