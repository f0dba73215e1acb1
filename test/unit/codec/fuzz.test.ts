/**
 * Fuzzing the decoder (msgpack-javascript's fuzz target, as a bounded test):
 *
 * - random bytes, with and without a valid header;
 * - mutated fixtures: bit flips, interesting bytes, inserted tokens, splices, duplicated and
 *   deleted ranges, huge length fields;
 * - random valid trees over every tag of every code page: encode, decode, compare.
 *
 * Properties: decode throws nothing but WbxmlError; whatever decodes re-encodes, decodes to the
 * same tree again, and survives the XML form. Runs ~3 s; EASGATE_FUZZ_SECONDS=600 runs longer,
 * EASGATE_FUZZ_SEED=<n> replays a failure (the seed is printed in every failure message).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CODE_PAGES,
  decode,
  encode,
  fromXml,
  toXml,
  treesEqual,
  WbxmlError,
  type DecodeOptions,
  type WbxmlElement,
} from '../../../codec/index.js';
import { wbxmlFixtures } from './support/fixtures.js';
import { mulberry32 } from '../../../test-fixtures/seed/rng.js';

const SECONDS = Number(process.env.EASGATE_FUZZ_SECONDS ?? '3');
const SEED = process.env.EASGATE_FUZZ_SEED !== undefined ? Number(process.env.EASGATE_FUZZ_SEED) : (Date.now() ^ (process.pid << 16)) >>> 0;


type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x3f, 0x40, 0x43, 0x45, 0x7f, 0x80, 0x83, 0x85, 0xc0, 0xc3, 0xc4, 0xff, 0x6a];
const TOKENS: number[][] = [
  [0x00, 0x00], [0x00, 0x06], [0x00, 0x19], [0x00, 0xff], [0x01], [0x01, 0x01], [0x03, 0x61, 0x00], [0x03],
  [0x83, 0x00], [0x83, 0x8f, 0xff, 0xff, 0xff, 0x7f], [0xc3, 0x00], [0xc3, 0x03, 1, 2, 3], [0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f],
  [0xc3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x45], [0x5c], [0x85, 0x01], [0x43], [0x02, 0x41], [0x04, 0x00],
  [0x03, 0xc3, 0x28, 0x00], [0x03, 0xf0, 0x9f, 0x98, 0x00], [0x03, 0x20, 0x0a, 0x00],
];

function mutate(rng: Rng, input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  const bytes = [...input];
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) {
    const at = int(rng, bytes.length + 1);
    switch (int(rng, 8)) {
      case 0: // bit flip
        if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << int(rng, 8);
        break;
      case 1: // interesting byte
        if (bytes.length > 0) bytes[at % bytes.length] = pick(rng, INTERESTING);
        break;
      case 2: // insert a token
        bytes.splice(at, 0, ...pick(rng, TOKENS));
        break;
      case 3: // delete a range
        bytes.splice(at, 1 + int(rng, 8));
        break;
      case 4: { // duplicate a range
        const len = 1 + int(rng, 16);
        bytes.splice(at, 0, ...bytes.slice(at, at + len));
        break;
      }
      case 5: { // splice in part of another document
        const other = pick(rng, corpus);
        const from = int(rng, other.length);
        bytes.splice(at, int(rng, 8), ...other.subarray(from, from + 1 + int(rng, 32)));
        break;
      }
      case 6: // random byte
        bytes.splice(at, 0, int(rng, 256));
        break;
      default: // truncate
        bytes.length = Math.min(bytes.length, at);
    }
  }
  return Uint8Array.from(bytes);
}

function randomBytes(rng: Rng): Uint8Array {
  const n = int(rng, 64);
  const head = rng() < 0.7 ? [0x03, 0x01, 0x6a, 0x00] : [];
  const body = Array.from({ length: n }, () => (rng() < 0.5 ? pick(rng, INTERESTING) : int(rng, 256)));
  return Uint8Array.from([...head, ...body]);
}

const TEXTS = ['', '0', '1', 'Inbox', ' padded ', 'a&b<c>', 'Grüße', '日本語', '😀', '\r\n', 'ctl\u0001', 'x'.repeat(300),
  'x'.repeat(2000), 'ab😀ü'.repeat(400), 'é'.repeat(1100)];
const PAGES = CODE_PAGES.map((cp) => ({ ns: cp.namespace, tags: Object.values(cp.tags) }));

/** A random valid tree over all code pages. */
function randomTree(rng: Rng, depth = 0): WbxmlElement {
  const page = rng() < 0.6 ? PAGES[0]! : pick(rng, PAGES);
  const ns = page.ns;
  const tag = pick(rng, page.tags);
  const r = rng();
  if (depth < 6 && r < 0.45) {
    const n = 1 + int(rng, 5);
    return { ns, tag, children: Array.from({ length: n }, () => randomTree(rng, depth + 1)) };
  }
  if (r < 0.75) return { ns, tag, children: [], text: pick(rng, TEXTS) + (rng() < 0.3 ? String(int(rng, 1e6)) : '') };
  if (r < 0.9) return { ns, tag, children: [], opaque: Uint8Array.from({ length: int(rng, 40) }, () => int(rng, 256)) };
  return { ns, tag, children: [] };
}

/** Decode under the fuzz properties; returns the tree or undefined. */
function check(bytes: Uint8Array, options: DecodeOptions | undefined, context: () => string): WbxmlElement | undefined {
  let tree: WbxmlElement;
  try {
    tree = decode(bytes, options);
  } catch (error) {
    if (error instanceof WbxmlError) {
      assert.ok(error.offset >= 0 && error.offset <= bytes.length, `${context()}: offset ${error.offset} outside the input`);
      return undefined;
    }
    assert.fail(`${context()}: decode threw ${String(error)}\n${(error as Error).stack}`);
  }
  const again = encode(tree);
  assert.ok(treesEqual(decode(again, options), tree), `${context()}: decode(encode(t)) !== t`);
  assert.ok(treesEqual(fromXml(toXml(tree)), tree), `${context()}: XML round trip`);
  return tree;
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe(`fuzz (seed ${SEED}, ${SECONDS}s; replay with EASGATE_FUZZ_SEED=${SEED})`, () => {
  // The fixtures, plus documents with long texts (the decoder's native UTF-8 routes).
  const corpus = [
    ...wbxmlFixtures().map((f) => f.bytes),
    encode({ ns: 'AirSync', tag: 'Sync', children: [{ ns: 'AirSync', tag: 'SyncKey', children: [], text: 'ascii '.repeat(400) }] }),
    encode({ ns: 'AirSync', tag: 'Sync', children: [{ ns: 'AirSync', tag: 'SyncKey', children: [], text: 'Grüße 😀 '.repeat(300) }] }),
  ];
  const budget = (SECONDS * 1000) / 3;

  it('random bytes', (t) => {
    const rng = mulberry32(SEED);
    const end = Date.now() + budget;
    let n = 0;
    for (; Date.now() < end; n++) {
      for (let k = 0; k < 100; k++) {
        const bytes = randomBytes(rng);
        check(bytes, undefined, () => `seed ${SEED} random #${n}: ${hexOf(bytes)}`);
        check(bytes, { unknownTags: 'keep', invalidUtf8: 'error' }, () => `seed ${SEED} random #${n} (keep): ${hexOf(bytes)}`);
      }
    }
    t.diagnostic(`${n * 100} random inputs`);
  });

  it('mutated fixtures', (t) => {
    const rng = mulberry32(SEED + 1);
    const end = Date.now() + budget;
    let decoded = 0;
    let total = 0;
    while (Date.now() < end) {
      for (let k = 0; k < 50; k++, total++) {
        const bytes = mutate(rng, pick(rng, corpus), corpus);
        const ctx = () => `seed ${SEED} mutation #${total}: ${hexOf(bytes)}`;
        if (check(bytes, undefined, ctx)) decoded++;
        check(bytes, { unknownTags: 'keep' }, ctx);
        // Texts of 4 bytes or more as UTF-8 views: the same rules on hostile input.
        check(bytes, { textBytes: 4 }, ctx);
      }
    }
    t.diagnostic(`${total} mutations, ${decoded} of them decoded`);
    // Sanity: the mutator must not only produce garbage.
    assert.ok(decoded > total / 50, `only ${decoded} of ${total} mutations decoded`);
  });

  it('random valid trees round-trip', (t) => {
    const rng = mulberry32(SEED + 2);
    const end = Date.now() + budget;
    let n = 0;
    for (; Date.now() < end; n++) {
      const tree = randomTree(rng);
      const bytes = encode(tree);
      const back = check(bytes, undefined, () => `seed ${SEED} tree #${n}: ${toXml(tree)}`);
      assert.ok(back !== undefined && treesEqual(back, tree), `seed ${SEED} tree #${n}: ${toXml(tree)}`);
    }
    t.diagnostic(`${n} random trees`);
  });
});
