/**
 * The base64-encoded query value, MS-ASHTTP 2.2.1.1.1.1 (12.1 and later):
 *
 *   version (1 byte, 141 = "14.1") | command code (1) | locale (uint16 LE)
 *   | device id length (1) + device id | policy key length (1: 0 or 4) + uint32 LE
 *   | device type length (1) + device type | { tag (1) | length (1) | value }*
 *
 * Parameter tags (2.2.1.1.1.1.3): 0 AttachmentName, 1 CollectionId, 3 ItemId, 4 LongId,
 * 6 Occurrence, 7 Options (bit 0x01 SaveInSent, 0x02 AcceptMultiPart), 8 User.
 */
import { knownCommandByCode } from '../commands/registry.js';
import { BadRequestError } from '../errors.js';
import { MAX_ID_LENGTH, optional, type EasRequestLine } from './eas-request-line.js';

export const PARAMETER_TAGS = {
  AttachmentName: 0,
  CollectionId: 1,
  ItemId: 3,
  LongId: 4,
  Occurrence: 6,
  Options: 7,
  User: 8,
} as const;

export const OPTION_SAVE_IN_SENT = 0x01;
export const OPTION_ACCEPT_MULTIPART = 0x02;

const BASE64 = /^[A-Za-z0-9+/\-_]+={0,2}$/;

/** A plain query always has "name=value" pairs; a base64 one is a single token of the base64 alphabet. */
export function looksLikeBase64Query(rawQuery: string): boolean {
  if (rawQuery === '' || rawQuery.includes('&')) return false;
  const text = percentDecode(rawQuery);
  return text !== undefined && BASE64.test(text) && !/^[A-Za-z]+=/.test(text);
}

export function parseBase64Query(rawQuery: string): EasRequestLine {
  const text = percentDecode(rawQuery);
  if (text === undefined || !BASE64.test(text)) throw malformed('not base64');
  // base64url is not in the spec, but decoding it costs nothing and some proxies rewrite.
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const r = new Reader(bytes);

  const versionByte = r.u8('protocol version');
  const commandCode = r.u8('command code');
  const locale = r.u16le('locale');
  const deviceId = deviceIdText(r.bytes(r.u8('device id length'), 'device id'));
  const policyKeyLength = r.u8('policy key length');
  if (policyKeyLength !== 0 && policyKeyLength !== 4) throw malformed(`policy key length ${policyKeyLength} is neither 0 nor 4`);
  const policyKey = policyKeyLength === 4 ? String(r.u32le('policy key')) : undefined;
  const deviceType = r.bytes(r.u8('device type length'), 'device type').toString('utf8');
  if (deviceId === '') throw new BadRequestError('missing-deviceid', 'the base64 query has an empty device id');
  if (deviceType === '') throw new BadRequestError('missing-devicetype', 'the base64 query has an empty device type');
  if (deviceType.length > MAX_ID_LENGTH) throw new BadRequestError('invalid-devicetype', `device type is longer than ${MAX_ID_LENGTH} characters`);

  const text8 = new Map<number, string>();
  let options = 0;
  while (!r.done) {
    const tag = r.u8('parameter tag');
    const value = r.bytes(r.u8('parameter length'), 'parameter value');
    if (tag === PARAMETER_TAGS.Options) {
      options = value[0] ?? 0;
    } else if (!text8.has(tag)) {
      // Unassigned tags (2, 5, 9+) are skipped, as the length makes them skippable.
      text8.set(tag, value.toString('utf8'));
    }
  }

  const known = knownCommandByCode(commandCode);
  return {
    encoding: 'base64',
    command: known?.name,
    commandCode,
    ...optional('user', text8.get(PARAMETER_TAGS.User)),
    deviceId,
    deviceType,
    protocolVersion: versionText(versionByte),
    ...optional('policyKey', policyKey),
    locale,
    params: {
      ...optional('attachmentName', text8.get(PARAMETER_TAGS.AttachmentName)),
      ...optional('collectionId', text8.get(PARAMETER_TAGS.CollectionId)),
      ...optional('itemId', text8.get(PARAMETER_TAGS.ItemId)),
      ...optional('longId', text8.get(PARAMETER_TAGS.LongId)),
      ...optional('occurrence', text8.get(PARAMETER_TAGS.Occurrence)),
      saveInSent: (options & OPTION_SAVE_IN_SENT) !== 0,
      acceptMultiPart: (options & OPTION_ACCEPT_MULTIPART) !== 0,
    },
  };
}

/** 141 -> "14.1", 25 -> "2.5": the byte is the version times ten. */
export function versionText(byte: number): string {
  return `${Math.floor(byte / 10)}.${byte % 10}`;
}

/**
 * Device ids are text on every client we know; early Windows Mobile sent a binary GUID.
 * Text stays text, anything else becomes upper-case hex so it is still a stable id.
 */
function deviceIdText(bytes: Buffer): string {
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  const id = printable ? bytes.toString('latin1') : bytes.toString('hex').toUpperCase();
  if (id.length > MAX_ID_LENGTH) throw new BadRequestError('invalid-deviceid', `device id is longer than ${MAX_ID_LENGTH} characters`);
  return id;
}

function percentDecode(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function malformed(why: string): BadRequestError {
  return new BadRequestError('malformed-base64-query', `malformed base64 query: ${why}`);
}

class Reader {
  #pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.#pos >= this.buf.length;
  }

  u8(field: string): number {
    return this.take(1, field).readUInt8(0);
  }

  u16le(field: string): number {
    return this.take(2, field).readUInt16LE(0);
  }

  u32le(field: string): number {
    return this.take(4, field).readUInt32LE(0);
  }

  bytes(n: number, field: string): Buffer {
    return this.take(n, field);
  }

  private take(n: number, field: string): Buffer {
    if (this.#pos + n > this.buf.length) throw malformed(`${field} runs past the end (${this.buf.length} bytes)`);
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }
}
