/**
 * The codec benchmark's results: ratios per corpus item and in total, printed as a table and
 * optionally kept as JSON so that several runs can be summarised (summarize.ts).
 */
import os from 'node:os';

export interface LibwbxmlResult {
  file: string;
  bytes: number;
  decode_ns: number;
  encode_ns: number;
  encoded_bytes: number;
}

export interface Row {
  name: string;
  bytes: number;
  /** Best (lowest) ns per call over the rounds. */
  decode: number;
  decodeView: number;
  /** decode(bytes, {textBytes: 1024}): zero-copy opaque and long texts as UTF-8 views. */
  decodeBytes: number;
  encode: number;
  /** encode of the tree as the gateway builds it: e-mail body Data as UTF-8 bytes (undefined: same tree). */
  encodeBytes: number | undefined;
  /** What the gateway does per WBXML response: the gateway's tree, encodePooled into a recycled buffer, released. */
  encodeGateway: number;
  lib: LibwbxmlResult | undefined;
}

/** MB/s; undefined when not measured or not comparable. */
export interface ReportLine {
  name: string;
  bytes: number;
  decode: number;
  libDecode: number | undefined;
  decodeRatio: number | undefined;
  encode: number;
  libEncode: number | undefined;
  encodeRatio: number | undefined;
  /** Encode with e-mail bodies as UTF-8 bytes; for items without e-mail bodies the same tree as `encode`. */
  encodeBytes: number;
  encodeBytesRatio: number | undefined;
  /** The gateway's path: body bytes and encodePooled. */
  encodeGateway: number;
  encodeGatewayRatio: number | undefined;
}

export interface Report {
  header: string[];
  lines: ReportLine[];
  total: ReportLine;
  decodeViewTotal: number;
  decodeViewRatio: number | undefined;
  decodeBytesTotal: number;
  decodeBytesRatio: number | undefined;
  notes: string[];
}

const mbps = (bytes: number, ns: number): number => (bytes / ns) * 1e3;
const div = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);

export function buildReport(rows: Row[], options: { rounds: number; seconds: number }, withLibwbxml: boolean): Report {
  const header = [
    `codec benchmark: Node ${process.version}, ${process.arch}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
    `MB/s of WBXML (10^6 bytes) per CPU second, higher is better; best of ${options.rounds} rounds of >= ${options.seconds} CPU s each`,
    'ours:     decode(bytes, {copyOpaque: true}) -> tree; encode(tree) -> bytes',
    '          encode, body bytes: the same tree with e-mail AirSyncBase:Data as UTF-8 bytes (elUtf8), as the gateway builds it',
    '          gateway: that tree through encodePooled (recycled output buffer, released after use), as the gateway encodes each response',
    'libwbxml: wbxml_tree_from_wbxml + wbxml_tree_destroy; wbxml_tree_to_wbxml + wbxml_free (0.11.8, C, -O2)',
  ];
  const notes: string[] = [];
  const lines: ReportLine[] = [];
  const t = { bytes: 0, oursD: 0, libD: 0, encBytes: 0, oursE: 0, oursEB: 0, oursEG: 0, libE: 0, view: 0, textBytes: 0 };
  for (const row of rows) {
    // libwbxml's encoding only counts if it wrote the whole document back.
    const libValid = row.lib !== undefined && row.lib.encoded_bytes === row.bytes;
    if (row.lib && !libValid) {
      notes.push(`${row.name}: libwbxml's wbxml_tree_to_wbxml wrote ${row.lib.encoded_bytes} of ${row.bytes} bytes (it drops the opaque payload), so its encode is not comparable and left out of the encode totals`);
    }
    const line: ReportLine = {
      name: row.name,
      bytes: row.bytes,
      decode: mbps(row.bytes, row.decode),
      libDecode: row.lib ? mbps(row.bytes, row.lib.decode_ns) : undefined,
      decodeRatio: undefined,
      encode: mbps(row.bytes, row.encode),
      libEncode: libValid ? mbps(row.bytes, row.lib!.encode_ns) : undefined,
      encodeRatio: undefined,
      encodeBytes: mbps(row.bytes, row.encodeBytes ?? row.encode),
      encodeBytesRatio: undefined,
      encodeGateway: mbps(row.bytes, row.encodeGateway),
      encodeGatewayRatio: undefined,
    };
    line.decodeRatio = div(line.decode, line.libDecode);
    line.encodeRatio = div(line.encode, line.libEncode);
    line.encodeBytesRatio = div(line.encodeBytes, line.libEncode);
    line.encodeGatewayRatio = div(line.encodeGateway, line.libEncode);
    lines.push(line);
    t.bytes += row.bytes;
    t.oursD += row.decode;
    t.view += row.decodeView;
    t.textBytes += row.decodeBytes;
    if (row.lib) t.libD += row.lib.decode_ns;
    if (libValid) {
      t.encBytes += row.bytes;
      t.oursE += row.encode;
      t.oursEB += row.encodeBytes ?? row.encode;
      t.oursEG += row.encodeGateway;
      t.libE += row.lib!.encode_ns;
    } else if (!withLibwbxml) {
      t.encBytes += row.bytes;
      t.oursE += row.encode;
      t.oursEB += row.encodeBytes ?? row.encode;
      t.oursEG += row.encodeGateway;
    }
  }
  const libDecode = withLibwbxml ? mbps(t.bytes, t.libD) : undefined;
  const libEncode = withLibwbxml && t.encBytes > 0 ? mbps(t.encBytes, t.libE) : undefined;
  const total: ReportLine = {
    name: 'total',
    bytes: t.bytes,
    decode: mbps(t.bytes, t.oursD),
    libDecode,
    decodeRatio: undefined,
    encode: mbps(t.encBytes, t.oursE),
    libEncode,
    encodeRatio: undefined,
    encodeBytes: mbps(t.encBytes, t.oursEB),
    encodeBytesRatio: undefined,
    encodeGateway: mbps(t.encBytes, t.oursEG),
    encodeGatewayRatio: undefined,
  };
  total.decodeRatio = div(total.decode, libDecode);
  total.encodeRatio = div(total.encode, libEncode);
  total.encodeBytesRatio = div(total.encodeBytes, libEncode);
  total.encodeGatewayRatio = div(total.encodeGateway, libEncode);
  const decodeViewTotal = mbps(t.bytes, t.view);
  const decodeBytesTotal = mbps(t.bytes, t.textBytes);
  for (const row of rows.filter((r) => r.decodeView < r.decode * 0.5)) {
    notes.push(`${row.name}: with the default zero-copy opaque views decode runs at ${fmt(mbps(row.bytes, row.decodeView), 0).trim()} MB/s`);
  }
  if (!withLibwbxml) notes.push('libwbxml not measured');
  return {
    header,
    lines,
    total,
    decodeViewTotal,
    decodeViewRatio: div(decodeViewTotal, libDecode),
    decodeBytesTotal,
    decodeBytesRatio: div(decodeBytesTotal, libDecode),
    notes,
  };
}

export const fmt = (n: number | undefined, width = 9): string =>
  (n === undefined ? 'n/a' : n >= 100 ? n.toFixed(0) : n.toFixed(1)).padStart(width);
export const fmtRatio = (r: number | undefined, width = 8): string => (r === undefined ? 'n/a' : `${r.toFixed(2)}x`).padStart(width);

export function printReport(report: Report): void {
  for (const line of report.header) console.log(line);
  console.log('');
  console.log(
    `${'corpus'.padEnd(16)}${'bytes'.padStart(9)} | ${'decode ours'.padStart(11)}${'libwbxml'.padStart(10)}${'ratio'.padStart(8)}` +
      ` | ${'encode ours'.padStart(11)}${'libwbxml'.padStart(10)}${'ratio'.padStart(8)} | ${'body bytes'.padStart(10)}${'ratio'.padStart(8)} | ${'gateway'.padStart(9)}${'ratio'.padStart(8)}`,
  );
  for (const l of [...report.lines, report.total]) {
    console.log(
      `${l.name.padEnd(16)}${String(l.bytes).padStart(9)} | ${fmt(l.decode, 11)}${fmt(l.libDecode, 10)}${fmtRatio(l.decodeRatio)}` +
        ` | ${fmt(l.encode, 11)}${fmt(l.libEncode, 10)}${fmtRatio(l.encodeRatio)} | ${fmt(l.encodeBytes, 10)}${fmtRatio(l.encodeBytesRatio)} | ${fmt(l.encodeGateway, 9)}${fmtRatio(l.encodeGatewayRatio)}`,
    );
  }
  console.log('\ntotal = corpus bytes / summed time of one pass over every item');
  console.log(`note: total decode with the default zero-copy opaque views: ${fmt(report.decodeViewTotal, 0)} MB/s (${fmtRatio(report.decodeViewRatio, 0)} libwbxml)`);
  console.log(
    `note: total decode with zero-copy opaque and texts >= 1 KB as UTF-8 views (textBytes: 1024): ${fmt(report.decodeBytesTotal, 0)} MB/s (${fmtRatio(report.decodeBytesRatio, 0)} libwbxml)`,
  );
  for (const note of report.notes) console.log(`note: ${note}`);
}
