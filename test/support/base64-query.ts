/**
 * Builds base64-encoded query values (MS-ASHTTP 2.2.1.1.1.1) field by field, so a test
 * states what it sends instead of pasting opaque strings.
 */
export interface Base64QueryFields {
  /** e.g. 141 for 14.1 */
  version: number;
  commandCode: number;
  locale?: number;
  deviceId: string | Uint8Array;
  policyKey?: number;
  deviceType: string;
  /** [tag, value] pairs in order; a number value is written as one byte (Options). */
  params?: Array<[number, string | number | Uint8Array]>;
}

export function encodeBase64Query(f: Base64QueryFields): string {
  const bytes: number[] = [f.version, f.commandCode];
  const locale = f.locale ?? 0x0409;
  bytes.push(locale & 0xff, (locale >> 8) & 0xff);
  pushCounted(bytes, typeof f.deviceId === 'string' ? Buffer.from(f.deviceId, 'latin1') : f.deviceId);
  if (f.policyKey === undefined) bytes.push(0);
  else {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(f.policyKey);
    pushCounted(bytes, key);
  }
  pushCounted(bytes, Buffer.from(f.deviceType, 'utf8'));
  for (const [tag, value] of f.params ?? []) {
    bytes.push(tag);
    pushCounted(bytes, typeof value === 'number' ? Uint8Array.of(value) : typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }
  return Buffer.from(bytes).toString('base64');
}

function pushCounted(out: number[], value: Uint8Array): void {
  if (value.length > 255) throw new Error('a base64 query field holds at most 255 bytes');
  out.push(value.length, ...value);
}
