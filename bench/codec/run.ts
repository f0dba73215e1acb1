/**
 * Codec benchmark: our decode/encode against libwbxml's C tree API on the same corpus, same run.
 *
 *   node --import tsx bench/codec/run.ts [--rounds R] [--seconds S] [--only NAME[,NAME...]] [--no-libwbxml] [--json FILE]
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
import v8 from 'node:v8';
import vm from 'node:vm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferPool, decode, el, encode, encodePooled, type WbxmlElement } from '../../codec/index.js';
import { corpus } from './corpus.js';
import { gatewayHtmlData } from './gateway-body.js';
import { buildReport, printReport, type LibwbxmlResult, type Row } from './report.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BUILD = join(HERE, 'build');

interface Options {
  seconds: number;
  rounds: number;
  only: string | undefined;
  libwbxml: boolean;
  /** Also write the report as JSON here (for summarize.ts). */
  json: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 0.5, rounds: 3, only: undefined, libwbxml: true, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--seconds') options.seconds = Number(argv[++i]);
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--only') options.only = argv[++i];
    else if (arg === '--no-libwbxml') options.libwbxml = false;
    else if (arg === '--json') options.json = argv[++i];
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

/**
 * The tree as the gateway builds it for a Sync response: each e-mail's AirSyncBase:Data is what the
 * gateway's converter and value writer make of the HTML as a UTF-8 part from IMAP (its bytes,
 * `elUtf8`; see gateway-body.ts), everything else is a string. Undefined if the document has no
 * e-mail body.
 */
function withByteBodies(tree: WbxmlElement): WbxmlElement | undefined {
  let changed = false;
  const toBytes = (d: WbxmlElement): WbxmlElement => {
    if (d.ns !== 'AirSyncBase' || d.tag !== 'Data' || d.text === undefined) return d;
    changed = true;
    const data = gatewayHtmlData(d.text);
    if (data.utf8 === undefined) throw new Error('the gateway would send this body as a string');
    return data;
  };
  const copy = (e: WbxmlElement): WbxmlElement => {
    if (e.children.length === 0) return e;
    const isEmail = e.tag === 'ApplicationData' && e.children.some((c) => c.ns === 'Email');
    return el(e.ns, e.tag, e.children.map((c) =>
      isEmail && c.ns === 'AirSyncBase' && c.tag === 'Body' ? el(c.ns, c.tag, c.children.map(toBytes)) : copy(c)));
  };
  const result = copy(tree);
  return changed ? result : undefined;
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
    rows.push({
      name: item.name, bytes: bytes.length, decode: Infinity, decodeView: Infinity, decodeBytes: Infinity,
      encode: Infinity, encodeBytes: undefined, encodeGateway: Infinity, lib: undefined,
    });
  }
  // Only the bytes stay alive between measurements: a measurement must not pay for garbage
  // collection of other items' trees (the C side keeps nothing either).
  items.length = 0;

  const pool = new BufferPool();
  // Each item is measured on our side and then on libwbxml's, round after round, and each side
  // keeps its best time, so that load from other processes hits both sides alike.
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, row] of rows.entries()) {
      const bytes = inputs[i]!;
      const tree: WbxmlElement = decode(bytes, { copyOpaque: true });
      if (encode(tree).length !== bytes.length) throw new Error(`${row.name}: re-encoding changed the size`);
      row.encode = Math.min(row.encode, measure(() => encode(tree), options.seconds));
      const byteTree = withByteBodies(tree);
      if (byteTree !== undefined) {
        const out = encode(byteTree);
        if (Buffer.compare(out, bytes) !== 0) throw new Error(`${row.name}: byte bodies encode differently`);
        row.encodeBytes = Math.min(row.encodeBytes ?? Infinity, measure(() => encode(byteTree), options.seconds));
      }
      // The gateway's response path (gateway/http/response.ts): encodePooled, and the buffer back
      // to the pool once the response is written (here: at once). One pool per gateway process.
      const gatewayTree = byteTree ?? tree;
      const pooled = encodePooled(gatewayTree, pool);
      if (Buffer.compare(pooled.bytes, bytes) !== 0) throw new Error(`${row.name}: pooled encoding differs`);
      pooled.release();
      row.encodeGateway = Math.min(row.encodeGateway, measure(() => {
        const out = encodePooled(gatewayTree, pool);
        out.release();
        return out;
      }, options.seconds));
      row.decode = Math.min(row.decode, measure(() => decode(bytes, { copyOpaque: true }), options.seconds));
      row.decodeView = Math.min(row.decodeView, measure(() => decode(bytes), options.seconds));
      row.decodeBytes = Math.min(row.decodeBytes, measure(() => decode(bytes, { textBytes: 1024 }), options.seconds));
      // libwbxml on the same item right after, so both sides see the same machine conditions.
      if (harness !== undefined) {
        const out = execFileSync(harness, [String(options.seconds), files[i]!], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const r = JSON.parse(out.trim()) as LibwbxmlResult;
        row.lib = row.lib === undefined ? r : { ...r, decode_ns: Math.min(row.lib.decode_ns, r.decode_ns), encode_ns: Math.min(row.lib.encode_ns, r.encode_ns) };
      }
    }
    process.stderr.write(`round ${round + 1}/${options.rounds} done\n`);
  }

  const report = buildReport(rows, options, harness !== undefined);
  printReport(report);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
}

main();
