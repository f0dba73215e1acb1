/**
 * One body part as a download: its exact decoded size first, then its decoded bytes in chunks.
 *
 * On the wire (Dovecot 2.3 has BINARY, RFC 3516):
 *   partInfo: UID FETCH <uid> (UID BODYSTRUCTURE BINARY.SIZE[<part>])
 *   readPart: UID FETCH <uid> (UID BINARY.PEEK[<part>]<offset.65536>) per chunk
 *
 * BINARY lets the server undo the transfer encoding, so the size is known before a byte is sent
 * (an ItemOperations multipart table and a Content-Length need it up front) and a Range starts at
 * its own offset instead of decoding everything before it.
 *
 * BINARY.SIZE alone is not to be trusted: Dovecot 2.3.19 reports a base64 part that is followed
 * by another base64 part as too small (by about a third of the next part's decoded size; seen on
 * the loopback Dovecot, exact otherwise). So the reported size is only a first guess, checked
 * with a 2-byte partial fetch at its end (UID FETCH <uid> (BINARY.PEEK[<part>]<size-1.2>) answers
 * exactly one byte when the size is right); when it is not, the true end is found by galloping
 * and bisecting with such probes: a few dozen tiny FETCHes at worst, never the content itself. A server without BINARY gets BODY
 * sections instead: sizes are then exact only for parts that are not base64/QP encoded, and those
 * are refused (MailBackendError) rather than answered with a wrong length.
 */
import type { ImapFlow, MessageStructureObject } from 'imapflow';
import { parseBodystructure } from 'imapflow/lib/tools.js';
import { rawExec, type ImapToken } from '../raw-exec.js';
import { MailBackendError, MessageNotFoundError, PartNotFoundError, type ByteRange, type PartInfo } from '../../../ports/mail-messages.js';

type Token = ImapToken;

/**
 * Bytes per partial FETCH. Each FETCH costs Dovecot 10-20 ms whatever its size below ~512 KiB
 * (measured on loopback: 20 MB took 5.8 s in 64 KiB chunks, 0.4 s in 512 KiB, 0.2-0.3 s in 1 MiB),
 * and one chunk in flight is all the memory a download holds, so 1 MiB it is.
 */
export const PART_CHUNK_BYTES = 1024 * 1024;

const atom = (value: string): Token => ({ type: 'ATOM', value });

function hasBinary(client: ImapFlow): boolean {
  return client.capabilities.has('BINARY') || client.capabilities.has('IMAP4REV2');
}

export async function fetchPartInfo(client: ImapFlow, uid: number, part: string): Promise<PartInfo> {
  const binary = hasBinary(client);
  const items: Token[] = [atom('UID'), atom('BODYSTRUCTURE')];
  if (binary) items.push({ type: 'ATOM', value: 'BINARY.SIZE', section: [atom(part)] });
  let structure: MessageStructureObject | undefined;
  let binarySize: number | undefined;
  let seen = false;
  const res = await rawExec(client).exec('UID FETCH', [{ type: 'SEQUENCE', value: String(uid) }, items], {
    untagged: {
      FETCH: async (u) => {
        const list = u.attributes?.[1];
        if (!Array.isArray(list)) return;
        let rowUid: number | undefined;
        let rowStructure: MessageStructureObject | undefined;
        let rowSize: number | undefined;
        for (let i = 0; i + 1 < list.length; i += 2) {
          const key = String((list[i] as Token | null)?.value ?? '').toUpperCase();
          const value = list[i + 1];
          if (key === 'UID') rowUid = Number((value as Token | null)?.value);
          else if (key === 'BODYSTRUCTURE' && Array.isArray(value)) rowStructure = parseBodystructure(value as never);
          else if (key.startsWith('BINARY.SIZE')) rowSize = Number((value as Token | null)?.value);
        }
        // Unsolicited FETCH rows (another client's flag change) carry no structure.
        if (rowUid !== uid || !rowStructure) return;
        seen = true;
        structure = rowStructure;
        binarySize = rowSize;
      },
    },
  });
  res.next();
  if (!seen || !structure) throw new MessageNotFoundError(uid);
  const node = findPart(structure, part);
  if (!node) throw new PartNotFoundError(uid, part);
  const contentType = (node.type || 'application/octet-stream').toLowerCase();
  if (binarySize !== undefined && Number.isSafeInteger(binarySize) && binarySize >= 0) {
    return { size: await exactBinarySize(client, uid, part, binarySize), contentType };
  }
  const encoding = (node.encoding ?? '7bit').toLowerCase();
  if (encoding === 'base64' || encoding === 'quoted-printable') {
    throw new MailBackendError(`the server cannot report the decoded size of a ${encoding} part (no BINARY)`);
  }
  return { size: node.size ?? 0, contentType };
}

/**
 * The decoded size of the part, starting from a guess. probe(o) fetches bytes [o, o+2): one byte
 * back means the size is o+1; none, at most o; two, at least o+2.
 */
async function exactBinarySize(client: ImapFlow, uid: number, part: string, guess: number): Promise<number> {
  const probe = async (o: number): Promise<number> => {
    const msg = await client.fetchOne(String(uid), { uid: true, bodyParts: [{ key: part, start: o, maxLength: 2 }] }, { uid: true, binary: true });
    if (!msg) throw new MessageNotFoundError(uid);
    return Math.min(2, msg.bodyParts?.get(part.toLowerCase())?.length ?? 0);
  };
  let o = Math.max(0, guess - 1);
  let n = await probe(o);
  if (n === 1) return o + 1;
  if (n === 0 && o === 0) return 0;
  // Bracket the size in [lo, hi], moving away from the guess in doubling steps.
  let lo: number;
  let hi: number;
  let step = 1024;
  if (n === 2) {
    lo = o + 2;
    for (;;) {
      o = lo + step;
      n = await probe(o);
      if (n === 1) return o + 1;
      if (n === 0) {
        hi = o;
        break;
      }
      lo = o + 2;
      step *= 2;
    }
  } else {
    hi = o;
    for (;;) {
      o = Math.max(0, hi - step);
      n = await probe(o);
      if (n === 1) return o + 1;
      if (n === 2) {
        lo = o + 2;
        break;
      }
      hi = o;
      if (o === 0) return 0;
      step *= 2;
    }
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    n = await probe(mid - 1);
    if (n === 1) return mid;
    if (n === 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return lo;
}

/** The structure node of IMAP section `part`; the root of a single-part message is "1". */
function findPart(root: MessageStructureObject, part: string): MessageStructureObject | undefined {
  const stack: MessageStructureObject[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const id = node.part ?? (node === root && !node.type.startsWith('multipart/') ? '1' : undefined);
    if (id === part) return node;
    if (node.childNodes) stack.push(...node.childNodes);
  }
  return undefined;
}

/**
 * Decoded bytes [range.start, range.start + range.length) of the part: DIRECT_MIN_BYTES or more
 * from its start on the direct route when offered, otherwise one partial fetch per chunk. A base64 part read from its start comes as BODY sections decoded here: Dovecot answers
 * a BINARY partial fetch by decoding the part from its beginning up to the offset asked for, so
 * a whole download in BINARY chunks costs the server O(size^2 / chunk), while BODY sections are
 * plain seeks (50 MiB: ~2.2 s in BINARY 1 MiB chunks, ~0.7 s in BODY chunks decoded here). A
 * Range from further in uses BINARY, once. A message that shrinks or vanishes midway throws
 * rather than ending early: a short attachment passed off as complete is a corrupt one.
 */
export async function* readPartChunks(client: ImapFlow, uid: number, part: string, range: ByteRange, direct?: DirectRead): AsyncGenerator<Uint8Array> {
  const encoding = range.start === 0 ? await partEncoding(client, uid, part) : undefined;
  if (direct && encoding !== undefined && range.length >= DIRECT_MIN_BYTES) {
    const how = encoding === 'base64' ? 'base64' : IDENTITY.has(encoding) ? 'identity' : undefined;
    const chunks = how ? await direct(how, range.length) : undefined;
    if (chunks) {
      yield* chunks;
      return;
    }
  }
  if (encoding === 'base64') {
    yield* base64PartChunks(client, uid, part, range.length);
    return;
  }
  const binary = hasBinary(client);
  const end = range.start + range.length;
  for (let offset = range.start; offset < end; ) {
    const want = Math.min(PART_CHUNK_BYTES, end - offset);
    const chunk = await fetchSection(client, uid, part, offset, want, binary);
    if (chunk.length === 0) {
      if (range.length === Number.MAX_SAFE_INTEGER) return;
      throw new MailBackendError(`part ${part} of UID ${uid} ended at ${offset} of ${end} bytes`);
    }
    offset += chunk.length;
    yield chunk;
    if (chunk.length < want && range.length === Number.MAX_SAFE_INTEGER) return;
  }
}

/**
 * The whole part (or its first `length` bytes) on a connection of its own that reads without
 * allocating per byte (../direct/part-download.ts); undefined when that route is not open (the
 * chunks then come through the pooled session as below).
 */
export type DirectRead = (encoding: 'base64' | 'identity', length: number) => Promise<AsyncIterable<Uint8Array> | undefined>;

/**
 * From this size on a part read from its start goes the direct route: below it, the extra login
 * costs more than the garbage the pooled route leaves (a few MB at most, collected in time).
 */
export const DIRECT_MIN_BYTES = 1024 * 1024;

/** Transfer encodings whose content is the part's bytes as they are. */
const IDENTITY = new Set(['7bit', '8bit', 'binary']);

async function fetchSection(client: ImapFlow, uid: number, part: string, start: number, length: number, binary: boolean): Promise<Buffer> {
  const msg = await client.fetchOne(String(uid), { uid: true, bodyParts: [{ key: part, start, maxLength: length }] }, { uid: true, binary });
  if (!msg) throw new MessageNotFoundError(uid);
  const chunk = msg.bodyParts?.get(part.toLowerCase()) ?? Buffer.alloc(0);
  return chunk.length > length ? chunk.subarray(0, length) : chunk;
}

async function partEncoding(client: ImapFlow, uid: number, part: string): Promise<string> {
  const msg = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
  if (!msg || !msg.bodyStructure) throw new MessageNotFoundError(uid);
  return findPart(msg.bodyStructure, part)?.encoding?.toLowerCase() ?? '7bit';
}

/** base64 alphabet -> sextet; -1 for line breaks, padding and anything else, which are skipped. */
const SEXTET = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) SEXTET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/**
 * The first `length` decoded bytes of a base64 part (all of it for MAX_SAFE_INTEGER), from raw
 * BODY sections, decoded byte by byte in place (the output never overtakes the input: 3 bytes
 * out per 4 in): no strings and no second buffer, so a download leaves as little garbage as
 * imapflow allows. Dead Buffers are what raises a streaming gateway's RSS: V8 collects them late.
 */
async function* base64PartChunks(client: ImapFlow, uid: number, part: string, length: number): AsyncGenerator<Uint8Array> {
  let left = length;
  let acc = 0;
  let sextets = 0;
  for (let offset = 0; left > 0; ) {
    const raw = await fetchSection(client, uid, part, offset, PART_CHUNK_BYTES, false);
    offset += raw.length;
    // The section is ours alone (imapflow's buffer for this FETCH): decoded into itself. A group
    // begun in the previous chunk would write ahead of the reading position, so its 3 bytes go
    // apart (`head`); every later group reads 4 bytes before it writes 3.
    const out = raw;
    let n = 0;
    let headPending = sextets > 0;
    let head: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const v = SEXTET[raw[i]!]!;
      if (v < 0) continue;
      acc = (acc << 6) | v;
      if (++sextets === 4) {
        if (headPending) {
          head = [(acc >> 16) & 0xff, (acc >> 8) & 0xff, acc & 0xff];
          headPending = false;
        } else {
          out[n++] = (acc >> 16) & 0xff;
          out[n++] = (acc >> 8) & 0xff;
          out[n++] = acc & 0xff;
        }
        acc = 0;
        sextets = 0;
      }
    }
    const last = raw.length < PART_CHUNK_BYTES;
    if (last && sextets >= 2) {
      // Unpadded (or padded, the padding being skipped) tail: 2 sextets are 1 byte, 3 are 2.
      acc <<= 6 * (4 - sextets);
      const tail = sextets === 3 ? [(acc >> 16) & 0xff, (acc >> 8) & 0xff] : [(acc >> 16) & 0xff];
      if (headPending) head = tail;
      else for (const b of tail) out[n++] = b;
    }
    for (const piece of [Buffer.from(head), out.subarray(0, n)]) {
      const bytes = piece.subarray(0, Math.min(piece.length, left));
      left -= bytes.length;
      if (bytes.length > 0) yield bytes;
    }
    if (last) break;
  }
  if (left > 0 && length !== Number.MAX_SAFE_INTEGER) throw new MailBackendError(`part ${part} of UID ${uid} ended ${left} bytes short`);
}
