/**
 * The ItemOperations response body, inline or multipart (MS-ASCMD 2.2.1.10.1), streamed.
 *
 * Inline: ItemOperations:Data is a string holding the base64 of the content (MS-ASCMD 2.2.3.39.2;
 * ItemOperationsResponse.xsd types it xs:string), so it travels as a WBXML inline string (STR_I),
 * not as OPAQUE: Android's parser reads it as a base64 text stream. The codec streams only OPAQUE
 * content, so the document is encoded with a unique placeholder string in each Data element and
 * the base64 is streamed in its place (base64 has no NUL, so the inline string stays intact).
 *
 * Multipart (application/vnd.ms-sync.multipart, MS-ASCMD 2.2.1.10.1.1): PartsCount, then an
 * (Offset, Length) pair per part, all 32-bit little-endian integers, offsets from the start of
 * the body; part 0 is the WBXML document, which names each binary part by its ItemOperations:Part
 * index; the binary parts follow, raw.
 *
 * Either way every length is known before the first byte (decoded sizes come from IMAP
 * BINARY.SIZE), so the response has a Content-Length and no payload is read before it is sent.
 */
import { randomBytes } from 'node:crypto';
import { el, encode, type WbxmlElement } from '../../../codec/index.js';
import type { CommandResult } from '../types.js';
import { base64Chunks, base64Length, exactly, type PayloadSlot } from './payload.js';
import { IO } from './request.js';

export const MULTIPART_CONTENT_TYPE = 'application/vnd.ms-sync.multipart';
const WBXML_CONTENT_TYPE = 'application/vnd.ms-sync.wbxml';
/** Offsets and lengths are 32-bit; kept signed, as clients read them as int. */
export const MAX_MULTIPART_BYTES = 0x7fffffff;

export function itemOperationsResult(root: WbxmlElement, slots: readonly PayloadSlot[], multipart: boolean): CommandResult {
  if (multipart) return multipartResult(root, slots);
  if (slots.length === 0) return { kind: 'wbxml', root };
  return inlineResult(root, slots);
}

function inlineResult(root: WbxmlElement, slots: readonly PayloadSlot[]): CommandResult {
  const nonce = randomBytes(12).toString('hex');
  const markers = slots.map((slot, i) => {
    const marker = `easgate-data-${nonce}-${i}`;
    slot.holder.children.push(el(IO, 'Data', marker));
    return Buffer.from(marker, 'latin1');
  });
  const doc = Buffer.from(encode(root));
  // Placeholders in document order, each found once after the previous one.
  const found = markers.map((m, i) => ({ i, at: doc.indexOf(m) })).sort((a, b) => a.at - b.at);
  if (found.some((f) => f.at < 0)) throw new Error('ItemOperations: a Data placeholder is missing from the encoded document');
  let length = doc.length;
  for (const f of found) length += base64Length(slots[f.i]!.payload.length) - markers[f.i]!.length;
  async function* body(): AsyncGenerator<Uint8Array> {
    let from = 0;
    for (const f of found) {
      if (f.at > from) yield doc.subarray(from, f.at);
      yield* base64Chunks(exactly(slots[f.i]!.payload));
      from = f.at + markers[f.i]!.length;
    }
    if (from < doc.length) yield doc.subarray(from);
  }
  return { kind: 'stream', contentType: WBXML_CONTENT_TYPE, body: body(), length };
}

function multipartResult(root: WbxmlElement, slots: readonly PayloadSlot[]): CommandResult {
  slots.forEach((slot, i) => slot.holder.children.push(el(IO, 'Part', i + 1)));
  const doc = encode(root);
  const lengths = [doc.length, ...slots.map((s) => s.payload.length)];
  const header = Buffer.alloc(4 + 8 * lengths.length);
  header.writeInt32LE(lengths.length, 0);
  let offset = header.length;
  lengths.forEach((len, i) => {
    header.writeInt32LE(offset, 4 + 8 * i);
    header.writeInt32LE(len, 8 + 8 * i);
    offset += len;
  });
  async function* body(): AsyncGenerator<Uint8Array> {
    yield header;
    yield doc;
    for (const slot of slots) yield* exactly(slot.payload);
  }
  return { kind: 'stream', contentType: MULTIPART_CONTENT_TYPE, body: body(), length: offset };
}

/** Total multipart size of a document with these payload lengths, ignoring part 0: enough to refuse early. */
export function fitsMultipart(payloadBytes: number): boolean {
  return payloadBytes < MAX_MULTIPART_BYTES - 1024 * 1024;
}
