/**
 * encodePooled and BufferPool: the same bytes as encode, buffers reused only after release, never
 * shared between two documents alive at once, oversized buffers not kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool, el, elUtf8, encode, encodePooled, type WbxmlElement } from '../../../codec/index.js';

const sync = (n: number, body: string): WbxmlElement =>
  el('AirSync', 'Sync', [el('AirSync', 'Collections', [el('AirSync', 'Collection', [
    el('AirSync', 'SyncKey', '1'),
    el('AirSync', 'Commands', Array.from({ length: n }, (_, i) => el('AirSync', 'Add', [
      el('AirSync', 'ServerId', `5:${i}`),
      el('AirSync', 'ApplicationData', [
        el('Email', 'Subject', `Grüße ${i}`),
        el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '2'), elUtf8('AirSyncBase', 'Data', Buffer.from(body))]),
        el('Email2', 'ConversationId', new Uint8Array([i & 0xff, 1, 2, 3])),
      ]),
    ]))),
  ])])]);

describe('encodePooled', () => {
  it('writes exactly what encode writes', () => {
    const pool = new BufferPool();
    for (const tree of [sync(1, 'x'), sync(50, '<p>日本語 — text</p>'.repeat(200)), el('FolderHierarchy', 'FolderSync', [])]) {
      const out = encodePooled(tree, pool);
      assert.deepEqual(Buffer.from(out.bytes), Buffer.from(encode(tree)));
      out.release();
    }
  });

  it('reuses a released buffer and never hands out one still in use', () => {
    const pool = new BufferPool();
    const tree = sync(20, 'body text '.repeat(100));
    const a = encodePooled(tree, pool);
    const b = encodePooled(tree, pool);
    assert.notEqual(a.bytes.buffer, b.bytes.buffer);
    const copy = Buffer.from(a.bytes);
    a.release();
    a.release(); // idempotent: the buffer is in the pool once
    assert.equal(pool.size, 1);
    const c = encodePooled(sync(3, 'other text '.repeat(1000)), pool);
    assert.equal(c.bytes.buffer, a.bytes.buffer);
    assert.equal(pool.size, 0);
    // b was not touched by c's encoding.
    assert.deepEqual(Buffer.from(b.bytes), copy);
    b.release();
    c.release();
    assert.equal(pool.size, 2);
  });

  it('keeps the grown buffer when a document outgrows the one it got, and returns the first', () => {
    const pool = new BufferPool();
    const small = encodePooled(sync(1, 'x'.repeat(20000)), pool);
    const firstBuffer = small.bytes.buffer;
    small.release();
    // Bodies as strings of non-ASCII text make the size hint an underestimate: the writer grows.
    const big = el('AirSync', 'Sync', [el('AirSyncBase', 'Data', '日本語'.repeat(40000))]);
    const out = encodePooled(big, pool);
    assert.deepEqual(Buffer.from(out.bytes), Buffer.from(encode(big)));
    out.release();
    assert.ok(pool.size >= 1);
    const again = encodePooled(big, pool);
    assert.notEqual(again.bytes.buffer, firstBuffer);
    again.release();
  });

  it('leaves small documents to ordinary memory', () => {
    const pool = new BufferPool();
    const out = encodePooled(sync(1, 'x'), pool);
    out.release();
    assert.equal(pool.size, 0);
    assert.deepEqual(Buffer.from(out.bytes), Buffer.from(encode(sync(1, 'x'))));
  });

  it('writes into a free buffer without sizing the document first, and copies small documents out', () => {
    const pool = new BufferPool();
    const big = encodePooled(sync(20, 'body text '.repeat(100)), pool);
    const recycled = big.bytes.buffer;
    big.release();
    assert.equal(pool.size, 1);
    // A small document gets the free buffer, but leaves with a copy: the buffer is free again at once.
    const small = encodePooled(sync(1, 'x'), pool);
    assert.notEqual(small.bytes.buffer, recycled);
    assert.equal(pool.size, 1);
    assert.deepEqual(Buffer.from(small.bytes), Buffer.from(encode(sync(1, 'x'))));
    small.release();
    assert.equal(pool.size, 1);
    // A larger document than the free buffer holds grows out of it; the free one goes back.
    const large = sync(400, 'more body text '.repeat(100));
    const out = encodePooled(large, pool);
    assert.notEqual(out.bytes.buffer, recycled);
    assert.deepEqual(Buffer.from(out.bytes), Buffer.from(encode(large)));
    assert.equal(pool.size, 1);
    out.release();
    assert.equal(pool.size, 2);
  });

  it('does not keep buffers above maxBufferBytes, nor more than maxFree', () => {
    const pool = new BufferPool({ maxFree: 2, maxBufferBytes: 1 << 20 });
    const huge = encodePooled(el('AirSync', 'Sync', [el('AirSyncBase', 'Data', new Uint8Array(2 << 20))]), pool);
    huge.release();
    assert.equal(pool.size, 0);
    const outs = [1, 2, 3].map(() => encodePooled(sync(2, 'y'.repeat(10000)), pool));
    for (const o of outs) o.release();
    assert.equal(pool.size, 2);
  });
});
