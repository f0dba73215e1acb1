/**
 * Sync benchmark (not a test): see bench/README.md, section "sync".
 *
 *   npx tsx bench/sync/run.ts                       # 10,000 and 100,000 messages
 *   BENCH_SYNC_SIZES=10000 npx tsx bench/sync/run.ts
 *   BENCH_SYNC_ROUNDS=7 BENCH_SYNC_PATHS=floor,eas npx tsx bench/sync/run.ts
 *
 * Per size: seeds a dedicated folder of alice's with test-fixtures/seed, then measures the floor
 * (plain imapflow), the gateway through HTTP + WBXML (a child process, RSS sampled) and the
 * gateway's sync path in-process without HTTP ("direct"), and deletes the folder.
 */
import type { ImapFlow } from 'imapflow';
import { seedMailbox } from '../../test-fixtures/seed/index.js';
import { benchFolder, FLAG_CHANGES, imapClient, INITIAL_RUNS, USER, WINDOW } from './common.js';
import { measureDirect, type PathResult } from './direct.js';
import { measureEas, type EasResult } from './eas.js';
import { measureFloor, type FloorResult } from './floor.js';

const sizes = (process.env.BENCH_SYNC_SIZES ?? '10000,100000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const rounds = Number(process.env.BENCH_SYNC_ROUNDS ?? 5);
const paths = new Set((process.env.BENCH_SYNC_PATHS ?? 'floor,eas').split(',').map((s) => s.trim()));

interface Row {
  size: number;
  seedMs: number;
  floor?: FloorResult;
  floorRuns?: number[];
  eas?: EasResult;
  direct?: PathResult;
}

const fmt = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const ratio = (x: number | undefined, floor: number | undefined): string => (x === undefined || !floor ? '' : `${(x / floor).toFixed(2)}x`);

/**
 * BENCH_SYNC_KEEP=<name>: seed the folder <name>-<size> once and keep it between runs (it is
 * reused as is when it already holds `size` messages), so iterations skip the seeding. What is
 * measured is the same; only the first run after seeding pays for Dovecot filling its cache.
 */
const keep = process.env.BENCH_SYNC_KEEP;

async function seeded(folder: string, size: number): Promise<{ uids: number[]; ms: number }> {
  if (keep) {
    const existing = await withImap(async (c) => {
      const st = await c.status(folder, { messages: true }).catch(() => undefined);
      if (!st || st.messages !== size) return undefined;
      const lock = await c.getMailboxLock(folder, { readOnly: true });
      try {
        return ((await c.search({ all: true }, { uid: true })) || []) as number[];
      } finally {
        lock.release();
      }
    });
    if (existing) {
      console.log(`reusing ${folder} (${size} messages)`);
      return { uids: existing, ms: 0 };
    }
  }
  await withImap((c) => c.mailboxDelete(folder).catch(() => undefined));
  process.stdout.write(`seeding ${size} messages into ${folder} ... `);
  const r = await seedMailbox({ user: USER.user, password: USER.password, mailbox: folder, count: size, seed: 7 });
  process.stdout.write(`${(r.elapsedMs / 1000).toFixed(1)} s\n`);
  return { uids: r.messages.map((m) => m.uid!).filter(Boolean), ms: r.elapsedMs };
}

async function benchSize(size: number): Promise<Row> {
  const folder = keep ? `${keep}-${size}` : benchFolder(size);
  try {
    const { uids, ms } = await seeded(folder, size);
    const row: Row = { size, seedMs: ms };
    {
      // The floor runs once before the gateway and INITIAL_RUNS times after it, and the fastest run
      // counts: the first pays for Dovecot filling its cache (BODYSTRUCTURE, ENVELOPE) and for V8
      // compiling imapflow, and the machine's load drifts.
      const floors: FloorResult[] = [];
      if (paths.has('floor')) floors.push(await measureFloor(folder, rounds));
      if (paths.has('eas')) row.eas = await measureEas(folder, uids, rounds);
      if (paths.has('direct')) row.direct = await measureDirect(folder, uids, rounds);
      for (let i = 0; i < (paths.has('floor') ? INITIAL_RUNS : 0); i++) floors.push(await measureFloor(folder, rounds));
      if (floors.length) {
        const best = (k: keyof FloorResult) => Math.min(...floors.map((f) => f[k]));
        row.floor = { initialMs: best('initialMs'), messages: floors[0]!.messages, noChangeMs: best('noChangeMs'), flagChangeMs: best('flagChangeMs'), examineMs: best('examineMs') };
        row.floorRuns = floors.map((f) => f.initialMs);
      }
    }
    print(row);
    return row;
  } finally {
    if (!keep) await withImap((c) => c.mailboxDelete(folder).catch(() => undefined));
  }
}

async function withImap<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = await imapClient();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => undefined);
  }
}

function print(r: Row): void {
  const lines = [`\n${r.size} messages (times: (a) best run on warm code (all runs and the first, cold one below); (b)/(c) median of ${rounds}; ratio = gateway / floor)`];
  lines.push(`  ${'path'.padEnd(22)}${'(a) initial sync'.padEnd(22)}${'(b) no change'.padEnd(22)}${'(c) 10 flag changes'.padEnd(22)}peak RSS`);
  const f = r.floor;
  if (f) lines.push(`  ${'floor (imapflow)'.padEnd(22)}${fmt(f.initialMs).padEnd(22)}${fmt(f.noChangeMs).padEnd(22)}${fmt(f.flagChangeMs).padEnd(22)}-`);
  const cell = (ms: number, fl: number | undefined) => `${fmt(ms)} ${ratio(ms, fl)}`.padEnd(22);
  if (r.eas) {
    const p = r.eas;
    lines.push(`  ${'gateway HTTP+WBXML'.padEnd(22)}${cell(p.initialMs, f?.initialMs)}${cell(p.noChangeMs, f?.noChangeMs)}${cell(p.flagChangeMs, f?.flagChangeMs)}${p.peakRssMb.toFixed(0)} MB (${p.initialPeakRssMb.toFixed(0)} MB in (a)); CPU in (a) ${p.initialCpuS.toFixed(2)} s`);
  }
  if (r.direct) {
    const p = r.direct;
    lines.push(`  ${'gateway in-process'.padEnd(22)}${cell(p.initialMs, f?.initialMs)}${cell(p.noChangeMs, f?.noChangeMs)}${cell(p.flagChangeMs, f?.flagChangeMs)}-`);
  }
  if (r.eas?.initialRunsMs.length) lines.push(`  HTTP: (a) warm runs ${r.eas.initialRunsMs.map(fmt).join(', ')} (best counts)`);
  for (const [name, p] of [['HTTP', r.eas], ['in-process', r.direct]] as const) {
    if (p?.coldInitialMs !== undefined) lines.push(`  ${name}: (a) in a fresh process, for a device synced first: ${fmt(p.coldInitialMs)} ${ratio(p.coldInitialMs, f?.initialMs)}${r.eas === p && r.eas.coldInitialCpuS !== undefined ? ` (CPU ${r.eas.coldInitialCpuS.toFixed(2)} s)` : ''}`);
  }
  if (f) lines.push(`  floor runs (a): ${(r.floorRuns ?? []).map(fmt).join(', ')}; a QRESYNC EXAMINE of the folder (what (c) costs without a kept selection): ${fmt(f.examineMs)}`);
  for (const [name, p] of [['HTTP', r.eas], ['in-process', r.direct]] as const) {
    if (p) lines.push(`  ${name}: ${p.messages} messages in ${p.rounds} Syncs of ${WINDOW}; (c) Syncs sent ${p.changesSeen} Changes for ${rounds} x ${FLAG_CHANGES} flag changes`);
  }
  if (r.eas) lines.push(`  GetItemEstimate before each (c) Sync: ${fmt(r.eas.estimateMs)} (median), estimates ${r.eas.estimates.join(', ')}`);
  console.log(lines.join('\n'));
}

const rows: Row[] = [];
for (const size of sizes) rows.push(await benchSize(size));
console.log(`\nNode ${process.version}, ${USER.user}, sizes ${sizes.join(', ')}, ${rounds} rounds`);
