/**
 * The base64 attachment reader decodes BODY sections in place, across 1 MiB chunk boundaries
 * that fall anywhere in a 4-character group or a line break: checked against Buffer's own
 * decoder over several line layouts, with a fake IMAP client serving the encoded part.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { PART_CHUNK_BYTES, readPartChunks } from '../../../../../../gateway/adapters/imap/messages/part-read.js';

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
});
