/**
 * The base64 attachment reader decodes BODY sections in place, across 1 MiB chunk boundaries
 * that fall anywhere in a 4-character group or a line break: checked against Buffer's own
 * decoder over several line layouts, with a fake IMAP client serving the encoded part.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { DIRECT_MIN_BYTES, PART_CHUNK_BYTES, readPartChunks, type DirectRead } from '../../../../../../gateway/adapters/imap/messages/part-read.js';

function fakeClient(encoded: Buffer, encoding = 'base64'): ImapFlow {
  return {
    capabilities: new Map([['BINARY', true]]),
    fetchOne: async (_uid: string, query: { bodyStructure?: boolean; bodyParts?: { key: string; start: number; maxLength: number }[] }) => {
      if (query.bodyStructure) return { uid: 1, bodyStructure: { type: 'multipart/mixed', childNodes: [{ part: '1', type: 'text/plain' }, { part: '2', type: 'application/octet-stream', encoding }] } };
      const { start, maxLength } = query.bodyParts![0]!;
      // A fresh copy each time, as imapflow hands out: the reader may decode into it.
      return { uid: 1, bodyParts: new Map([['2', Buffer.from(encoded.subarray(start, start + maxLength))]]) };
    },
  } as unknown as ImapFlow;
}

async function read(client: ImapFlow, start: number, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of readPartChunks(client, 1, '2', { start, length })) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('readPartChunks over base64 BODY sections', () => {
  const layouts: [string, (b64: string) => string][] = [
    ['76-column CRLF lines', (b) => b.replace(/.{76}/g, '$&\r\n')],
    ['73-column LF lines', (b) => b.replace(/.{73}/g, '$&\n')],
    ['one long line', (b) => b],
    ['unpadded', (b) => b.replace(/=+$/, '').replace(/.{64}/g, '$&\r\n')],
  ];
  for (const size of [PART_CHUNK_BYTES + 1, 2 * PART_CHUNK_BYTES + 2, 3 * PART_CHUNK_BYTES - 1]) {
    for (const [name, layout] of layouts) {
      it(`${size} bytes, ${name}`, async () => {
        const data = randomBytes(size);
        const client = fakeClient(Buffer.from(layout(data.toString('base64')), 'latin1'));
        assert.ok((await read(client, 0, data.length)).equals(data));
        assert.ok((await read(client, 0, 1000)).equals(data.subarray(0, 1000)), 'a range from the start stops where asked');
      });
    }
  }

  it('a part that is shorter than announced fails instead of ending early', async () => {
    const data = randomBytes(5000);
    await assert.rejects(read(fakeClient(Buffer.from(data.toString('base64'), 'latin1')), 0, 6000));
  });

  it('a large part read from its start goes the direct route when offered, through the pooled session when declined', async () => {
    const data = randomBytes(DIRECT_MIN_BYTES + 10);
    const client = fakeClient(Buffer.from(data.toString('base64'), 'latin1'));
    const asked: string[] = [];
    const direct = (answer: Uint8Array | undefined): DirectRead => async (encoding, length) => {
      asked.push(`${encoding} ${length}`);
      return answer ? (async function* () { yield answer; })() : undefined;
    };
    const collect = async (range: { start: number; length: number }, d: DirectRead): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const c of readPartChunks(client, 1, '2', range, d)) parts.push(Buffer.from(c));
      return Buffer.concat(parts);
    };
    assert.ok((await collect({ start: 0, length: data.length }, direct(data))).equals(data));
    assert.ok((await collect({ start: 0, length: data.length }, direct(undefined))).equals(data));
    assert.ok((await collect({ start: 0, length: 1000 }, direct(data))).equals(data.subarray(0, 1000)), 'small reads stay on the pooled session');
    assert.deepEqual(asked, [`base64 ${data.length}`, `base64 ${data.length}`]);
  });
});
