/**
 * Attachment download benchmark: a 50 MB attachment (random bytes, base64 in MIME) fetched
 * through the gateway (ItemOperations multipart and inline at 16.1, GetAttachment at 12.1) and
 * with a plain imapflow script, against the loopback Dovecot of test-fixtures/backing.
 *
 * The gateway runs in a child process (gateway-child.ts). Its memory is read from
 * /proc/<pid>/status: before each download the peak (VmHWM) is reset by writing 5 to
 * /proc/<pid>/clear_refs, VmRSS is the baseline, and VmHWM after the download is
 * the peak; the increase must stay under 32 MiB. With --gc a full GC runs first (see FORCE_GC). Every download is checked byte for byte (SHA-256).
 *
 *   npx tsx bench/attachments/run.ts [--mb 50] [--rounds 3] [--only multipart|inline|getattachment] [--gc]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { decode, el, encode } from '../../codec/index.js';
import { messageWith } from '../../test/integration/item-operations/support.js';
import { IMAP_HOST, IMAP_PORT, USERS } from '../../test/support/backing.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MB = arg('mb', 50);
const ROUNDS = arg('rounds', 3);
const LIMIT_MIB = 32;
/** --gc: a full GC in the gateway before each download (V8 then also shrinks its young generation, which the download grows back). */
const FORCE_GC = process.argv.includes('--gc');
const SIZE = MB * 1024 * 1024;
const ALICE = USERS.alice;
const FOLDER = `bench-attachments-${process.pid}-${Date.now().toString(36)}`;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const kib = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
};

interface Download {
  readonly ms: number;
  readonly bytes: number;
  readonly sha: string;
  readonly peakIncreaseMiB: number;
}

/** Streams an HTTP response, hashing `select(offset)` bytes, never holding the body. */
function download(url: string, query: Record<string, string>, version: string, headers: Record<string, string>, body: Uint8Array | undefined, multipart: boolean): Promise<Omit<Download, 'peakIncreaseMiB'>> {
  const path = `/Microsoft-Server-ActiveSync?${new URLSearchParams({ User: ALICE.user, DeviceId: `bench${version.replace('.', '')}`, DeviceType: 'Bench', ...query }).toString()}`;
  const auth = `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(new URL(path, url), { method: 'POST', agent: false, headers: { Authorization: auth, 'MS-ASProtocolVersion': version, ...headers, ...(body ? { 'Content-Type': 'application/vnd.ms-sync.wbxml', 'Content-Length': String(body.length) } : { 'Content-Length': '0' }) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
      const hash = createHash('sha256');
      let seen = 0;
      let head = Buffer.alloc(0);
      let from = multipart ? -1 : 0;
      let to = Infinity;
      res.on('data', (chunk: Buffer) => {
        if (from < 0) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= 20) {
            from = head.readInt32LE(12);
            to = from + head.readInt32LE(16);
          }
        }
        const start = Math.max(from < 0 ? Infinity : from, seen);
        const end = Math.min(to, seen + chunk.length);
        if (end > start) hash.update(chunk.subarray(start - seen, end - seen));
        seen += chunk.length;
      });
      res.on('end', () => resolve({ ms: performance.now() - started, bytes: seen, sha: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measured(child: ChildProcess, run: () => Promise<Omit<Download, 'peakIncreaseMiB'>>): Promise<Download> {
  const pid = child.pid!;
  if (FORCE_GC) {
    await new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send('gc');
    });
  }
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const baseline = kib(pid, 'VmRSS');
  const result = await run();
  const peak = kib(pid, 'VmHWM');
  return { ...result, peakIncreaseMiB: (peak - baseline) / 1024 };
}

async function imapflowFetch(uid: number, mode: 'download' | 'binary'): Promise<{ ms: number; sha: string }> {
  const client = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: ALICE.user, pass: ALICE.password }, logger: false });
  await client.connect();
  await client.mailboxOpen(FOLDER, { readOnly: true });
  const started = performance.now();
  const hash = createHash('sha256');
  if (mode === 'download') {
    const dl = await client.download(String(uid), '2', { uid: true });
    for await (const chunk of dl.content ?? []) hash.update(chunk as Buffer);
  } else {
    const chunk = 1024 * 1024;
    for (let o = 0; ; o += chunk) {
      const m = await client.fetchOne(String(uid), { uid: true, bodyParts: [{ key: '2', start: o, maxLength: chunk }] }, { uid: true, binary: true });
      const b = m ? m.bodyParts?.get('2') : undefined;
      if (b) hash.update(b);
      if (!b || b.length < chunk) break;
    }
  }
  const ms = performance.now() - started;
  await client.logout();
  return { ms, sha: hash.digest('hex') };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const data = randomBytes(SIZE);
  const expected = sha(data);
  const imap = new ImapFlow({ host: IMAP_HOST, port: IMAP_PORT, secure: false, auth: { user: ALICE.user, pass: ALICE.password }, logger: false });
  await imap.connect();
  await imap.mailboxCreate(FOLDER);
  const child = fork(fileURLToPath(new URL('./gateway-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const appended = await imap.append(FOLDER, messageWith('bench', data, randomBytes(2000)));
    if (!appended || !appended.uid) throw new Error('APPEND gave no UID');
    const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve((m as { url: string }).url)));
    // CollectionId from FolderSync, like a phone.
    const fs = await new Promise<Buffer>((resolve, reject) => {
      const body = encode(el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]));
      const req = http.request(new URL(`/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=${encodeURIComponent(ALICE.user)}&DeviceId=bench161&DeviceType=Bench`, url), { method: 'POST', agent: false, headers: { Authorization: `Basic ${Buffer.from(`${ALICE.user}:${ALICE.password}`).toString('base64')}`, 'MS-ASProtocolVersion': '16.1', 'Content-Type': 'application/vnd.ms-sync.wbxml', 'Content-Length': String(body.length) } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts)));
      });
      req.on('error', reject);
      req.end(body);
    });
    const adds = decode(fs).children.find((c) => c.tag === 'Changes')?.children.filter((c) => c.tag === 'Add') ?? [];
    const add = adds.find((a) => a.children.find((c) => c.tag === 'DisplayName')?.text === FOLDER);
    const collectionId = add?.children.find((c) => c.tag === 'ServerId')?.text;
    if (!collectionId) throw new Error('FolderSync does not list the bench folder');
    const fileReference = `${collectionId}:${appended.uid}:2`;
    const fetchDoc = (range?: string) =>
      encode(el('ItemOperations', 'ItemOperations', [el('ItemOperations', 'Fetch', [el('ItemOperations', 'Store', 'Mailbox'), el('AirSyncBase', 'FileReference', fileReference), ...(range ? [el('ItemOperations', 'Options', [el('ItemOperations', 'Range', range)])] : [])])]));
    const cases: Record<string, () => Promise<Omit<Download, 'peakIncreaseMiB'>>> = {
      'ItemOperations multipart (16.1)': () => download(url, { Cmd: 'ItemOperations' }, '16.1', { 'MS-ASAcceptMultiPart': 'T' }, fetchDoc(), true),
      'ItemOperations inline base64 (16.1)': () => download(url, { Cmd: 'ItemOperations' }, '16.1', {}, fetchDoc(), false),
      'GetAttachment (12.1)': () => download(url, { Cmd: 'GetAttachment', AttachmentName: fileReference }, '12.1', {}, undefined, false),
    };
    // Warm-up: the small attachment through the same code paths (sessions logged in, code compiled).
    await download(url, { Cmd: 'ItemOperations' }, '16.1', { 'MS-ASAcceptMultiPart': 'T' }, encode(el('ItemOperations', 'ItemOperations', [el('ItemOperations', 'Fetch', [el('ItemOperations', 'Store', 'Mailbox'), el('AirSyncBase', 'FileReference', `${collectionId}:${appended.uid}:3`)])])), true);
    await download(url, { Cmd: 'GetAttachment', AttachmentName: `${collectionId}:${appended.uid}:3` }, '12.1', {}, undefined, false);
    // Cold: the first large download in this gateway process, measured on its own (V8 grows its
    // heap to working size on the first large transfer); the rounds below are steady state.
    const heap = (): Promise<Record<string, number>> => new Promise((resolve) => {
      child.once('message', (m) => resolve(m as Record<string, number>));
      child.send('heap');
    });
    const heapBefore = await heap();
    const cold = await measured(child, cases['ItemOperations multipart (16.1)']!);
    const heapAfter = await heap();
    await imapflowFetch(appended.uid, 'binary');

    console.log(`attachments benchmark: ${MB} MiB attachment (${SIZE} bytes, base64 in MIME), Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${ROUNDS} rounds, median time, worst peak${FORCE_GC ? ', full GC before each' : ''}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('what                                   time ms   MB/s   gateway peak RSS increase MiB   bytes ok');
    const line = (what: string, ms: number, peak: string, ok: boolean) =>
      console.log(`${what.padEnd(38)} ${ms.toFixed(0).padStart(7)} ${(SIZE / 1e6 / (ms / 1000)).toFixed(0).padStart(6)}   ${peak.padStart(29)}   ${ok ? 'yes' : 'NO'}`);
    console.log(`cold: first multipart download in the fresh gateway: ${cold.ms.toFixed(0)} ms, peak RSS increase ${cold.peakIncreaseMiB.toFixed(1)} MiB, bytes ${cold.sha === expected ? 'ok' : 'WRONG'}`);
    const grown = Object.keys(heapAfter).filter((k) => Math.abs(heapAfter[k]! - (heapBefore[k] ?? 0)) >= 0.5).map((k) => `${k} ${heapBefore[k]} -> ${heapAfter[k]}`);
    console.log(`      MiB committed before -> after it: ${grown.join(', ') || 'no change'}`);
    let worst = cold.peakIncreaseMiB;
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : '';
    for (const [what, run] of Object.entries(cases)) {
      if (only && !what.toLowerCase().includes(only)) continue;
      const results: Download[] = [];
      for (let r = 0; r < ROUNDS; r++) results.push(await measured(child, run));
      const peak = Math.max(...results.map((x) => x.peakIncreaseMiB));
      worst = Math.max(worst, peak);
      // The inline document is WBXML around base64 (4/3 the size); only its length is checked here, its content by the integration tests.
      const ok = what.includes('inline') ? results.every((x) => x.bytes > (SIZE / 3) * 4) : results.every((x) => x.sha === expected);
      line(what, median(results.map((x) => x.ms)), peak.toFixed(1), ok);
      console.log(`${''.padEnd(38)} rounds: ${results.map((x) => `${x.ms.toFixed(0)} ms / ${x.peakIncreaseMiB.toFixed(1)} MiB`).join(', ')}`);
    }
    for (const mode of only ? [] : (['binary', 'download'] as const)) {
      const results: { ms: number; sha: string }[] = [];
      for (let r = 0; r < ROUNDS; r++) results.push(await imapflowFetch(appended.uid, mode));
      line(mode === 'binary' ? 'imapflow BINARY 1 MiB chunks (direct)' : 'imapflow download() (direct)', median(results.map((x) => x.ms)), '-', results.every((x) => x.sha === expected));
    }
    console.log(worst < LIMIT_MIB ? `OK: peak RSS increase ${worst.toFixed(1)} MiB < ${LIMIT_MIB} MiB` : `FAIL: peak RSS increase ${worst.toFixed(1)} MiB >= ${LIMIT_MIB} MiB`);
    if (worst >= LIMIT_MIB) process.exitCode = 1;
  } finally {
    child.send('stop');
    await imap.mailboxDelete(FOLDER).catch(() => undefined);
    await imap.logout();
  }
}

await main();
