import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { decode } from '../../../codec/decoder.js';
import { encode, encodeChunks, encodeToStream, encodedLength, type EncodeStreamOptions } from '../../../codec/encoder.js';
import { EncodeError } from '../../../codec/errors.js';
import { el, type OpaqueSource, type WbxmlElement } from '../../../codec/tree.js';
import { LOCAL_PAGES } from './support/local-pages.js';

const opts: EncodeStreamOptions = { codePages: LOCAL_PAGES };
const AS = 'AirSync';
const CM = 'ComposeMail';

async function collect(root: WbxmlElement, options: EncodeStreamOptions = opts): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of encodeChunks(root, options)) chunks.push(chunk);
  return chunks;
}

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

/** An opaque source yielding `total` bytes (value i & 0xff) in chunks of `size`, counting how often it was read. */
function source(total: number, size = 16 * 1024, lie = 0): OpaqueSource & { reads: number } {
  const s = {
    length: total + lie,
    reads: 0,
    async *stream() {
      s.reads++;
      for (let off = 0; off < total; off += size) {
        const n = Math.min(size, total - off);
        const chunk = new Uint8Array(n);
        for (let i = 0; i < n; i++) chunk[i] = (off + i) & 0xff;
        yield chunk;
      }
    },
  };
  return s;
}

/** A large Sync response: many items with text bodies. */
function bigTree(items: number): WbxmlElement {
  const adds: WbxmlElement[] = [];
  for (let i = 0; i < items; i++) {
    adds.push(el(AS, 'Add', [el(AS, 'ServerId', `5:${i}`), el(AS, 'ApplicationData', [
      el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '2'), el('AirSyncBase', 'Data', `<p>body ${i} ü</p>`.repeat(50))]),
    ])]));
  }
  return el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'SyncKey', '2'), el(AS, 'Commands', adds)])])]);
}

describe('encodeChunks', () => {
  it('yields the same bytes as encode, in chunks near the chunk size', async () => {
    const tree = bigTree(300);
    const chunks = await collect(tree, { ...opts, chunkSize: 8192 });
    assert.ok(chunks.length > 10);
    for (const c of chunks.slice(0, -1)) assert.ok(c.length >= 8192 && c.length < 8192 + 2048, `chunk of ${c.length}`);
    assert.ok(concat(chunks).equals(Buffer.from(encode(tree, opts))));
  });

  it('a small document is one chunk', async () => {
    const chunks = await collect(el(AS, 'Sync', [el(AS, 'SyncKey', '1')]));
    assert.equal(chunks.length, 1);
  });

  it('passes a large in-memory opaque payload through without copying', async () => {
    const payload = new Uint8Array(1 << 20).fill(7);
    const tree = el(CM, 'SendMail', [el(CM, 'ClientId', '1'), el(CM, 'MIME', payload), el(CM, 'SaveInSentItems')]);
    const chunks = await collect(tree);
    assert.ok(chunks.includes(payload), 'the payload object itself is one of the chunks');
    assert.ok(concat(chunks).equals(Buffer.from(encode(tree, opts))));
  });

  it('streams an opaque source as OPAQUE header + its chunks', async () => {
    const src = source(200_000);
    const tree = el(CM, 'SendMail', [el(CM, 'ClientId', 'x'), el(CM, 'MIME', src), el(CM, 'SaveInSentItems')]);
    const bytes = concat(await collect(tree));
    assert.equal(src.reads, 1);
    assert.equal(bytes.length, encodedLength(tree, opts));
    const mime = decode(bytes, opts).children[1]!.opaque!;
    assert.equal(mime.length, 200_000);
    for (let i = 0; i < mime.length; i += 997) assert.equal(mime[i], i & 0xff);
    assert.equal(decode(bytes, opts).children[2]!.tag, 'SaveInSentItems');
  });

  it('an opaque source of length 0 and one that is the root', async () => {
    const bytes = concat(await collect(el(CM, 'MIME', source(0))));
    assert.equal(decode(bytes, opts).opaque!.length, 0);
  });

  it('rejects a source that yields fewer or more bytes than announced', async () => {
    for (const lie of [1, -1]) {
      const tree = el(CM, 'SendMail', [el(CM, 'MIME', source(1000, 100, lie))]);
      await assert.rejects(collect(tree), (e: unknown) => e instanceof EncodeError && e.reason === 'opaque-source-length' && e.path === 'SendMail/MIME');
    }
  });

  it('rejects a source that yields something other than bytes', async () => {
    const bad: OpaqueSource = { length: 3, stream: async function* () { yield 'abc' as unknown as Uint8Array; } };
    await assert.rejects(collect(el(CM, 'SendMail', [el(CM, 'MIME', bad)])), (e: unknown) => e instanceof EncodeError);
  });

  it('reports tree errors from inside the stream', async () => {
    await assert.rejects(collect(el(AS, 'Sync', [el(AS, 'Nope')])), (e: unknown) => e instanceof EncodeError && e.reason === 'unknown-tag');
  });
});

/** A Writable that is slow to accept data (forcing backpressure) and records what it got. */
function slowSink(highWaterMark = 1024): Writable & { received: Buffer[]; maxBuffered: number } {
  const received: Buffer[] = [];
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      received.push(Buffer.from(chunk));
      setImmediate(cb);
    },
  });
  const result = Object.assign(sink, { received, maxBuffered: 0 });
  const write = sink.write.bind(sink) as (chunk: Uint8Array) => boolean;
  result.write = ((chunk: Uint8Array) => {
    const ok = write(chunk);
    result.maxBuffered = Math.max(result.maxBuffered, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return result;
}

describe('encodeToStream', () => {
  it('writes everything, honouring backpressure, and ends the stream', async () => {
    const src = source(300_000);
    const tree = el(CM, 'SendMail', [el(CM, 'ClientId', 'x'), el(CM, 'MIME', src)]);
    const sink = slowSink();
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    await encodeToStream(tree, sink, { ...opts, chunkSize: 4096 });
    await finished;
    const bytes = Buffer.concat(sink.received);
    assert.equal(bytes.length, encodedLength(tree, opts));
    assert.equal(decode(bytes, opts).children[1]!.opaque!.length, 300_000);
    // Backpressure: the encoder never ran ahead of the sink by more than the high-water mark + one chunk.
    assert.ok(sink.maxBuffered <= 1024 + 16 * 1024, `buffered up to ${sink.maxBuffered}`);
  });

  it('can leave the stream open', async () => {
    const sink = slowSink();
    await encodeToStream(el(AS, 'Sync'), sink, { ...opts, end: false });
    assert.equal(sink.writableEnded, false);
    sink.end();
  });

  it('destroys the sink and rejects when a source fails', async () => {
    const failing: OpaqueSource = {
      length: 10,
      stream: async function* () {
        yield new Uint8Array(5);
        throw new Error('disk gone');
      },
    };
    const sink = slowSink();
    sink.on('error', () => {});
    await assert.rejects(encodeToStream(el(CM, 'SendMail', [el(CM, 'MIME', failing)]), sink, opts), /disk gone/);
    assert.equal(sink.destroyed, true);
  });

  it('rejects when the sink closes while the encoder waits for drain', async () => {
    const sink = new Writable({ highWaterMark: 16, write(_chunk, _enc, _cb) { /* never calls back */ } });
    sink.on('error', () => {});
    const tree = el(CM, 'SendMail', [el(CM, 'MIME', source(100_000))]);
    const done = encodeToStream(tree, sink, { ...opts, chunkSize: 1024 });
    setTimeout(() => sink.destroy(), 20);
    await assert.rejects(done, (e: unknown) => e instanceof EncodeError && e.reason === 'stream-closed');
  });
});
