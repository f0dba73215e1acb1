/**
 * The gateway through its HTTP endpoint with WBXML, like a phone (EAS 16.1): FolderSync, Sync 0,
 * then Syncs of WindowSize 100 with BodyPreference HTML truncated to 5 KB until MoreAvailable is
 * off (a), first for one device right after the gateway started (cold), then, measured (best
 * of BENCH_SYNC_INITIAL_RUNS), for others; then no-change Syncs (b); then Syncs after 10 flag changes made over IMAP (c), each
 * preceded by a GetItemEstimate. The gateway runs as a child process (gateway-child.ts); its peak
 * RSS (VmHWM, reset per phase through /proc/<pid>/clear_refs) is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decode, el, encode, type WbxmlElement } from '../../codec/index.js';
import { openSqliteStateStore } from '../../gateway/adapters/state/sqlite/store.js';
import { holdEverything, type PathResult } from './direct.js';
import { FLAG_CHANGES, flagSome, INITIAL_RUNS, median, SKIP_INITIAL, TRUNCATION, timed, USER, WINDOW } from './common.js';

export interface EasResult extends PathResult {
  /** Peak RSS of the gateway process over the whole run, and during (a). */
  peakRssMb: number;
  initialPeakRssMb: number;
  /** CPU seconds (user + system) the gateway process spent in the best warm (a): what the load on the machine inflates least. */
  initialCpuS: number;
  /** Every warm (a), the measured device's last. */
  initialRunsMs: number[];
  /** CPU seconds of the cold (a), see PathResult.coldInitialMs. */
  coldInitialCpuS?: number;
  /** GetItemEstimate after the 10 flag changes (median) and what it answered. */
  estimateMs: number;
  estimates: number[];
}

const AS = 'AirSync';
const B = 'AirSyncBase';
const GIE = 'GetItemEstimate';

async function startChild(): Promise<{ child: ChildProcess; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-bench-gw-'));
  const script = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));
  // BENCH_SYNC_CPU_PROF=<dir>: the gateway writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_SYNC_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SYNC_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script, join(dir, 'data')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return { child, url, dir };
}

function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuSeconds(pid: number): number {
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not allowed here: the peak then covers the process's whole life.
  }
}

const DEVICE_ID = 'BENCHSYNC0001';
/** The device whose initial sync runs first, in the freshly started gateway (see measureEas). */
const COLD_DEVICE_ID = 'BENCHSYNCCOLD';
const WARM_DEVICE_ID = 'BENCHSYNCWARM';

async function post(url: string, cmd: string, body: WbxmlElement, deviceId = DEVICE_ID): Promise<WbxmlElement | undefined> {
  const q = new URLSearchParams({ Cmd: cmd, User: USER.user, DeviceId: deviceId, DeviceType: 'Bench' });
  const res = await fetch(`${url}/Microsoft-Server-ActiveSync?${q.toString()}`, {
    method: 'POST',
    headers: {
      'MS-ASProtocolVersion': '16.1',
      'Content-Type': 'application/vnd.ms-sync.wbxml',
      Authorization: `Basic ${Buffer.from(`${USER.user}:${USER.password}`).toString('base64')}`,
    },
    body: encode(body),
  });
  if (res.status !== 200) throw new Error(`${cmd}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return bytes.length ? decode(bytes) : undefined;
}

const kid = (e: WbxmlElement | undefined, tag: string): WbxmlElement | undefined => e?.children.find((c) => c.tag === tag);

interface SyncAnswer {
  key: string;
  adds: number;
  changes: number;
  more: boolean;
}

async function sync(url: string, collectionId: string, key: string, deviceId = DEVICE_ID): Promise<SyncAnswer | undefined> {
  const options = el(AS, 'Options', [el(AS, 'FilterType', 0), el(B, 'BodyPreference', [el(B, 'Type', 2), el(B, 'TruncationSize', TRUNCATION)])]);
  const coll = el(AS, 'Collection', [el(AS, 'SyncKey', key), el(AS, 'CollectionId', collectionId), ...(key === '0' ? [] : [el(AS, 'WindowSize', WINDOW)]), options]);
  const root = await post(url, 'Sync', el(AS, 'Sync', [el(AS, 'Collections', [coll])]), deviceId);
  if (!root) return undefined; // nothing changed (12.1+ empty response)
  const c = kid(kid(root, 'Collections'), 'Collection');
  const status = kid(c, 'Status')?.text;
  if (!c || status !== '1') throw new Error(`Sync: Status ${status ?? kid(root, 'Status')?.text}`);
  const commands = kid(c, 'Commands')?.children ?? [];
  return {
    key: kid(c, 'SyncKey')!.text!,
    adds: commands.filter((x) => x.tag === 'Add').length,
    changes: commands.filter((x) => x.tag === 'Change').length,
    more: c.children.some((x) => x.tag === 'MoreAvailable'),
  };
}

async function estimate(url: string, collectionId: string, key: string): Promise<number> {
  const root = await post(url, 'GetItemEstimate', el(GIE, 'GetItemEstimate', [el(GIE, 'Collections', [el(GIE, 'Collection', [
    el(AS, 'SyncKey', key), el(GIE, 'CollectionId', collectionId), el(AS, 'Options', [el(AS, 'FilterType', 0), el(AS, 'Class', 'Email')]),
  ])])]));
  const r = kid(root, 'Response');
  if (kid(r, 'Status')?.text !== '1') throw new Error(`GetItemEstimate: Status ${kid(r, 'Status')?.text}`);
  return Number(kid(kid(r, 'Collection'), 'Estimate')?.text);
}

interface Initial {
  ms: number;
  cpuS: number;
  value: { key: string; total: number; n: number };
}

/**
 * (a) for one device: Sync 0, then Syncs until MoreAvailable is off. With `skipInto` (the
 * gateway's data dir), the primed state is instead made to hold every message (BENCH_SYNC_SKIP_INITIAL).
 */
async function initialSync(url: string, collectionId: string, deviceId: string, pid: number, skipInto?: string, size = 0): Promise<Initial> {
  // The profile's timestamps are CLOCK_MONOTONIC microseconds, as hrtime: (a)'s span, to cut it out.
  const aStart = process.hrtime.bigint() / 1000n;
  const cpu0 = cpuSeconds(pid);
  const t = await timed(async () => {
    let key = (await sync(url, collectionId, '0', deviceId))!.key;
    if (skipInto) {
      // The gateway's state store is a file it shares (SQLite WAL): the parent turns the primed
      // state into one that holds every message, as after a full initial sync.
      const store = openSqliteStateStore({ dataDir: join(skipInto, 'data') });
      try {
        return { key: await holdEverything(store, { user: USER.user, deviceId }, collectionId, key), total: size, n: 0 };
      } finally {
        await store.close();
      }
    }
    let total = 0;
    let n = 0;
    for (let more = true; more; n++) {
      const r = await sync(url, collectionId, key, deviceId);
      if (!r) break;
      key = r.key;
      total += r.adds;
      more = r.more;
    }
    return { key, total, n };
  });
  const cpuS = cpuSeconds(pid) - cpu0;
  if (process.env.BENCH_SYNC_CPU_PROF) writeFileSync(join(process.env.BENCH_SYNC_CPU_PROF, `span-${pid}-${deviceId}.json`), JSON.stringify({ start: Number(aStart), end: Number(process.hrtime.bigint() / 1000n) }));
  return { ms: t.ms, cpuS, value: t.value };
}

export async function measureEas(folder: string, uids: readonly number[], rounds: number): Promise<EasResult> {
  const { child, url, dir } = await startChild();
  const pid = child.pid!;
  try {
    const FH = 'FolderHierarchy';
    const hierarchy = await post(url, 'FolderSync', el(FH, 'FolderSync', [el(FH, 'SyncKey', '0')]));
    const add = kid(hierarchy, 'Changes')?.children.find((a) => a.tag === 'Add' && kid(a, 'DisplayName')?.text === folder);
    const collectionId = kid(add, 'ServerId')?.text;
    if (!collectionId) throw new Error(`FolderSync did not list ${folder}`);
    // (a) first for another device in the freshly started gateway ("cold": V8 compiles the
    // gateway's code while it runs), then INITIAL_RUNS times on warm code, as a gateway serving
    // users runs (other devices first, the measured one last); the best warm run counts, as the
    // floor's best of as many runs does.
    const cold = SKIP_INITIAL ? undefined : await initialSync(url, collectionId, COLD_DEVICE_ID, pid);
    const warm: Initial[] = [];
    for (let i = 1; i < (SKIP_INITIAL ? 1 : INITIAL_RUNS); i++) warm.push(await initialSync(url, collectionId, `${WARM_DEVICE_ID}${i}`, pid));
    resetPeak(pid);
    const initial = await initialSync(url, collectionId, DEVICE_ID, pid, SKIP_INITIAL ? dir : undefined, uids.length);
    warm.push(initial);
    const best = warm.reduce((a, b) => (b.ms < a.ms ? b : a));
    const initialPeakRssMb = rssMb(pid, 'VmHWM');
    let key = initial.value.key;
    const noChange: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = await timed(() => sync(url, collectionId, key));
      if (t.value) key = t.value.key;
      noChange.push(t.ms);
    }
    const flagChange: number[] = [];
    const estimateMs: number[] = [];
    const estimates: number[] = [];
    let changesSeen = 0;
    for (let i = 0; i < rounds; i++) {
      await flagSome(folder, uids, FLAG_CHANGES, i);
      const e = await timed(() => estimate(url, collectionId, key));
      estimateMs.push(e.ms);
      estimates.push(e.value);
      const t = await timed(() => sync(url, collectionId, key));
      if (t.value) {
        key = t.value.key;
        changesSeen += t.value.changes;
      }
      flagChange.push(t.ms);
    }
    return {
      initialMs: SKIP_INITIAL ? NaN : best.ms,
      initialRunsMs: SKIP_INITIAL ? [] : warm.map((w) => w.ms),
      messages: initial.value.total,
      rounds: initial.value.n,
      noChangeMs: median(noChange),
      flagChangeMs: median(flagChange),
      changesSeen,
      peakRssMb: rssMb(pid, 'VmHWM'),
      initialPeakRssMb,
      initialCpuS: best.cpuS,
      ...(cold ? { coldInitialMs: cold.ms, coldInitialCpuS: cold.cpuS } : {}),
      estimateMs: median(estimateMs),
      estimates,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
