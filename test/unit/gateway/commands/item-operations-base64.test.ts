/**
 * Inline attachments are base64-encoded into one reused buffer: checked against Buffer's own
 * encoder for sizes around the 3-byte groups and the output buffer, over input chunks split
 * anywhere, and with a source that lends its chunks (overwrites each once the next is asked for).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { BASE64_CHUNK_BYTES, base64Chunks } from '../../../../gateway/commands/item-operations/payload.js';

const group = (BASE64_CHUNK_BYTES / 4) * 3;

async function* lent(data: Buffer, split: number): AsyncGenerator<Uint8Array> {
  const buf = Buffer.alloc(split);
  for (let i = 0; i < data.length; i += split) {
    const n = data.copy(buf, 0, i, i + split);
    yield buf.subarray(0, n);
    buf.fill(0xee);
  }
}

async function encoded(data: Buffer, split: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of base64Chunks(lent(data, split))) parts.push(Buffer.from(c));
  assert.ok(parts.every((p) => p.length > 0 && p.length <= BASE64_CHUNK_BYTES));
  return Buffer.concat(parts).toString('latin1');
}

describe('base64Chunks', () => {
  for (const total of [0, 1, 2, 3, 4, 5, 100, group - 1, group, group + 1, 2 * group + 2, 1_000_001]) {
    it(`${total} bytes, split every 1, 2, 7, 65536 and 300000 bytes`, async () => {
      const data = randomBytes(total);
      for (const split of total > 100_000 ? [7, 65536, 300000] : [1, 2, 7, 65536, 300000]) {
        assert.equal(await encoded(data, split), data.toString('base64'), `split ${split}`);
      }
    });
  }
});
