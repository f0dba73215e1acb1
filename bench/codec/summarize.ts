/**
 * Median and spread of the ratios over several benchmark runs (the machines we measure on are
 * shared and noisy: one run says little).
 *
 *   for i in 1 2 3 4 5; do node --import tsx bench/codec/run.ts --json build/run-$i.json; done
 *   node --import tsx bench/codec/summarize.ts bench/codec/build/run-*.json
 */
import { readFileSync } from 'node:fs';
import type { Report, ReportLine } from './report.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: summarize.ts RUN.json...');
  process.exit(2);
}
const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);

function stats(values: (number | undefined)[]): string {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return 'n/a'.padStart(22);
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return `${median.toFixed(2)}x [${v[0]!.toFixed(2)}-${v[v.length - 1]!.toFixed(2)}]`.padStart(22);
}

console.log(`${reports.length} runs; ratio ours/libwbxml: median [min-max]\n`);
console.log(`${'corpus'.padEnd(16)}${'decode'.padStart(22)}${'encode'.padStart(22)}${'encode, body bytes'.padStart(22)}${'gateway (pooled)'.padStart(22)}`);
const names = reports[0]!.lines.map((l) => l.name);
const pick = (name: string): ReportLine[] => reports.map((r) => (name === 'total' ? r.total : r.lines.find((l) => l.name === name)!));
for (const name of [...names, 'total']) {
  const lines = pick(name);
  console.log(
    `${name.padEnd(16)}${stats(lines.map((l) => l.decodeRatio))}${stats(lines.map((l) => l.encodeRatio))}${stats(lines.map((l) => l.encodeBytesRatio))}${stats(lines.map((l) => l.encodeGatewayRatio))}`,
  );
}
console.log(`${'decode, views'.padEnd(16)}${stats(reports.map((r) => r.decodeViewRatio))}`);
console.log(`${'decode, textBytes'.padEnd(16)}${stats(reports.map((r) => r.decodeBytesRatio))}`);
