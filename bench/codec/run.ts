/**
 * Codec benchmark: our decode/encode against libwbxml's C tree API on the same corpus, same run.
 *
 *   node --import tsx bench/codec/run.ts [--rounds R] [--seconds S] [--only NAME[,NAME...]] [--no-libwbxml]
 *
 * For each corpus item (bench/codec/corpus.ts) it measures, warmed up and looped for at least
 * S seconds (default 0.5), best of R rounds (default 3) that alternate between the two sides:
 *   ours      decode(bytes) -> WbxmlElement tree;  encode(tree) -> bytes
 *   libwbxml  wbxml_tree_from_wbxml + wbxml_tree_destroy;  wbxml_tree_to_wbxml + wbxml_free
 * i.e. tree decode vs tree decode and tree encode vs tree encode, both in-process. The C harness
 * (libwbxml_bench.c) is compiled into bench/codec/build/ on the first run. MB = 10^6 bytes of WBXML.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, type WbxmlElement } from '../../codec/index.js';
import { corpus } from './corpus.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BUILD = join(HERE, 'build');

interface Options {
  seconds: number;
  rounds: number;
  only: string | undefined;
  libwbxml: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 0.5, rounds: 3, only: undefined, libwbxml: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--seconds') options.seconds = Number(argv[++i]);
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--only') options.only = argv[++i];
    else if (arg === '--no-libwbxml') options.libwbxml = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** A full garbage collection, outside any timed section. */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/** Process CPU time (user + system, all threads: GC helpers included) in nanoseconds. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * CPU nanoseconds per call of `fn`, after warming up, looping for at least `seconds` of CPU time.
 * CPU time rather than wall time: on a shared machine the process is descheduled now and then,
 * which says nothing about the code. The C harness measures the same way.
 */
function measure(fn: () => unknown, seconds: number): number {
  // Start from a clean heap: V8 collects garbage partly on helper threads, and process CPU time
  // would otherwise bill the previous measurement's garbage to this one.
  collectGarbage();
  const warm = performance.now() + Math.min(200, seconds * 300);
  let sink = 0;
  for (let i = 0; i < 3 || performance.now() < warm; i++) sink += fn() === undefined ? 0 : 1;
  const start = cpuNow();
  const budget = seconds * 1e9;
  let iterations = 0;
  let elapsed = 0;
  do {
    sink += fn() === undefined ? 0 : 1;
    iterations++;
    elapsed = cpuNow() - start;
  } while (elapsed < budget || iterations < 5);
  if (sink < 0) console.log(sink); // keep the results alive
  return elapsed / iterations;
}

interface LibwbxmlResult {
  file: string;
  bytes: number;
  decode_ns: number;
  encode_ns: number;
  encoded_bytes: number;
}

/** Compile the C harness if needed; undefined (with a message) if that is not possible. */
function buildHarness(): string | undefined {
  const binary = join(BUILD, 'libwbxml_bench');
  const source = join(HERE, 'libwbxml_bench.c');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'libwbxml2'], { encoding: 'utf8' });
  if (flags.status !== 0) {
    console.error('libwbxml: pkg-config libwbxml2 failed (apt-get install libwbxml2-dev pkg-config); skipping the C side');
    return undefined;
  }
  const cc = spawnSync('cc', ['-O2', '-o', binary, source, ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  if (cc.status !== 0) {
    console.error(`libwbxml: compiling the harness failed:\n${cc.stderr}${cc.error?.message ?? ''}`);
    return undefined;
  }
  return binary;
}

const mbps = (bytes: number, ns: number) => (bytes / ns) * 1e3;
const fmt = (n: number | undefined, width = 9) => (n === undefined ? 'n/a' : n >= 100 ? n.toFixed(0) : n.toFixed(1)).padStart(width);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '     n/a' : `${(a / b).toFixed(2)}x`.padStart(8));

interface Row {
  name: string;
  bytes: number;
  /** Best (lowest) ns per call over the rounds. */
  decode: number;
  decodeView: number;
  encode: number;
  lib: LibwbxmlResult | undefined;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  mkdirSync(BUILD, { recursive: true });
  const only = options.only?.split(',');
  const items = corpus().filter((c) => only === undefined || only.includes(c.name));
  const harness = options.libwbxml ? buildHarness() : undefined;

  const rows: Row[] = [];
  const files: string[] = [];
  const inputs: Uint8Array[] = [];
  for (const item of items) {
    const bytes = encode(item.tree);
    const file = join(BUILD, `${item.name}.wbxml`);
    writeFileSync(file, bytes);
    files.push(file);
    inputs.push(bytes);
    rows.push({ name: item.name, bytes: bytes.length, decode: Infinity, decodeView: Infinity, encode: Infinity, lib: undefined });
  }
  // Only the bytes stay alive between measurements: a measurement must not pay for garbage
  // collection of other items' trees (the C side keeps nothing either).
  items.length = 0;

  // Each item is measured on our side and then on libwbxml's, round after round, and each side
  // keeps its best time, so that load from other processes hits both sides alike.
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, row] of rows.entries()) {
      const bytes = inputs[i]!;
      const tree: WbxmlElement = decode(bytes, { copyOpaque: true });
      if (encode(tree).length !== bytes.length) throw new Error(`${row.name}: re-encoding changed the size`);
      row.encode = Math.min(row.encode, measure(() => encode(tree), options.seconds));
      row.decode = Math.min(row.decode, measure(() => decode(bytes, { copyOpaque: true }), options.seconds));
      row.decodeView = Math.min(row.decodeView, measure(() => decode(bytes), options.seconds));
      // libwbxml on the same item right after, so both sides see the same machine conditions.
      if (harness !== undefined) {
        const out = execFileSync(harness, [String(options.seconds), files[i]!], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const r = JSON.parse(out.trim()) as LibwbxmlResult;
        row.lib = row.lib === undefined ? r : { ...r, decode_ns: Math.min(row.lib.decode_ns, r.decode_ns), encode_ns: Math.min(row.lib.encode_ns, r.encode_ns) };
      }
    }
    process.stderr.write(`round ${round + 1}/${options.rounds} done\n`);
  }

  console.log(`codec benchmark: Node ${process.version}, ${process.arch}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
  console.log(`MB/s of WBXML (10^6 bytes) per CPU second, higher is better; best of ${options.rounds} rounds of >= ${options.seconds} CPU s each`);
  console.log('ours:     decode(bytes, {copyOpaque: true}) -> tree; encode(tree) -> bytes');
  console.log('libwbxml: wbxml_tree_from_wbxml + wbxml_tree_destroy; wbxml_tree_to_wbxml + wbxml_free (0.11.8, C, -O2)\n');
  console.log(`${'corpus'.padEnd(16)}${'bytes'.padStart(9)} | ${'decode ours'.padStart(11)}${'libwbxml'.padStart(10)}${'ratio'.padStart(8)} | ${'encode ours'.padStart(11)}${'libwbxml'.padStart(10)}${'ratio'.padStart(8)}`);
  const totals = { bytes: 0, oursD: 0, libD: 0, encBytes: 0, oursE: 0, libE: 0 };
  const notes: string[] = [];
  for (const row of rows) {
    const oursD = mbps(row.bytes, row.decode);
    const oursE = mbps(row.bytes, row.encode);
    const libD = row.lib ? mbps(row.bytes, row.lib.decode_ns) : undefined;
    // libwbxml's encoding only counts if it wrote the whole document back.
    const libValid = row.lib !== undefined && row.lib.encoded_bytes === row.bytes;
    const libE = libValid ? mbps(row.bytes, row.lib!.encode_ns) : undefined;
    if (row.lib && !libValid) {
      notes.push(`${row.name}: libwbxml's wbxml_tree_to_wbxml wrote ${row.lib.encoded_bytes} of ${row.bytes} bytes (it drops the opaque payload), so its encode is not comparable and left out of the encode total`);
    }
    console.log(`${row.name.padEnd(16)}${String(row.bytes).padStart(9)} | ${fmt(oursD, 11)}${fmt(libD, 10)}${ratio(oursD, libD)} | ${fmt(oursE, 11)}${fmt(libE, 10)}${ratio(oursE, libE)}`);
    totals.bytes += row.bytes;
    totals.oursD += row.decode;
    if (row.lib) totals.libD += row.lib.decode_ns;
    if (libValid) {
      totals.encBytes += row.bytes;
      totals.oursE += row.encode;
      totals.libE += row.lib!.encode_ns;
    }
  }
  const tOursD = mbps(totals.bytes, totals.oursD);
  const tLibD = harness ? mbps(totals.bytes, totals.libD) : undefined;
  const tOursE = totals.encBytes > 0 ? mbps(totals.encBytes, totals.oursE) : undefined;
  const tLibE = harness && totals.encBytes > 0 ? mbps(totals.encBytes, totals.libE) : undefined;
  console.log(`${'total'.padEnd(16)}${String(totals.bytes).padStart(9)} | ${fmt(tOursD, 11)}${fmt(tLibD, 10)}${ratio(tOursD, tLibD)} | ${fmt(tOursE, 11)}${fmt(tLibE, 10)}${ratio(tOursE, tLibE)}`);
  console.log('\ntotal = corpus bytes / summed time of one pass over every item');
  for (const row of rows.filter((r) => r.decodeView < r.decode * 0.5)) {
    console.log(`note: ${row.name}: with the default zero-copy opaque views decode runs at ${fmt(mbps(row.bytes, row.decodeView), 0)} MB/s`);
  }
  const tOursDView = mbps(totals.bytes, rows.reduce((sum, r) => sum + r.decodeView, 0));
  console.log(`note: total decode with the default zero-copy opaque views: ${fmt(tOursDView, 0)} MB/s (${ratio(tOursDView, tLibD).trim()} libwbxml)`);
  for (const note of notes) console.log(`note: ${note}`);
  if (!harness) console.log('note: libwbxml not measured');
}

main();
