/**
 * What every part of the sync benchmark shares: where the backing Dovecot is, whose mailbox
 * is used, the bench folder's name, and small timing helpers.
 */
import { ImapFlow } from 'imapflow';

export const IMAP_HOST = process.env.EASGATE_BACKING_HOST ?? '127.0.0.1';
export const IMAP_PORT = Number(process.env.EASGATE_IMAP_PORT ?? 10143);
export const USER = { user: process.env.BENCH_SYNC_USER ?? 'alice@example.com', password: process.env.BENCH_SYNC_PASSWORD ?? 'alice-secret' };

/** The body options of the benchmark's Sync: HTML (BodyPreference Type 2) truncated to 5 KB. */
export const TRUNCATION = 5120;
export const WINDOW = 100;
export const FLAG_CHANGES = 10;

/** A folder per size and run, so parallel test suites and earlier crashed runs never collide. */
export function benchFolder(size: number): string {
  return `bench-sync-${process.pid.toString(36)}-${size}`;
}

export async function imapClient(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: USER.user, pass: USER.password }, logger: false, disableAutoIdle: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

/**
 * Inverts \Flagged on `count` messages spread over the folder: the (c) scenario's change, made
 * by another mail client (a fresh session each time: one left idle through a long phase times out).
 */
export async function flagSome(folder: string, uids: readonly number[], count: number, round: number): Promise<number[]> {
  const client = await imapClient();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const step = Math.max(1, Math.floor(uids.length / count));
      const picked = Array.from({ length: count }, (_, i) => uids[(i * step + round * 7) % uids.length]!);
      const flagged: number[] = [];
      const plain: number[] = [];
      for await (const m of client.fetch(picked.join(','), { uid: true, flags: true }, { uid: true })) (m.flags?.has('\\Flagged') ? flagged : plain).push(m.uid);
      if (plain.length) await client.messageFlagsAdd(plain.join(','), ['\\Flagged'], { uid: true });
      if (flagged.length) await client.messageFlagsRemove(flagged.join(','), ['\\Flagged'], { uid: true });
      return picked;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Whether (a) is skipped (BENCH_SYNC_SKIP_INITIAL=1): (b) and (c) then start from a state that holds every message. */
export const SKIP_INITIAL = process.env.BENCH_SYNC_SKIP_INITIAL === '1';

/**
 * How many times (a) is measured on warm code (BENCH_SYNC_INITIAL_RUNS, default 2), on both sides:
 * the gateway after its cold run, the floor after the gateway (plus its run before). The best
 * counts on each side; all are printed.
 */
export const INITIAL_RUNS = Math.max(1, Number(process.env.BENCH_SYNC_INITIAL_RUNS ?? 2));
