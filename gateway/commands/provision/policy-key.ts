/**
 * Policy keys (MS-ASPROV 2.2.2.42): "a string representation of a 32-bit unsigned integer",
 * never 0 (0 is what a client sends when it has none, 3.1.5.1.1).
 *
 * A final key carries a 16-bit fingerprint of the policy it was issued under in its upper
 * half, the lower half is random. So a key stays valid exactly as long as the policy does:
 * when an operator changes the policy, every device's key stops matching the new
 * fingerprint and the device is told to re-provision (Status 143, PolicyRefresh) without
 * the state store having to remember which policy each device holds. Exchange, too, derives
 * its keys from the policy. Keys are not secrets (they travel in a header next to the
 * credentials that do the authenticating), so 16 random bits per device are plenty.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Source of random 32-bit unsigned integers; injectable so tests can force collisions. */
export type RandomUint32 = () => number;

export const cryptoRandomUint32: RandomUint32 = () => randomBytes(4).readUInt32BE(0);

const MAX_TRIES = 64;

/** 16 bits of SHA-256 over the policy's canonical JSON (keys sorted), so key order in the config does not matter. */
export function policyFingerprint(policy: object): number {
  const digest = createHash('sha256').update(canonicalJson(policy)).digest();
  return digest.readUInt16BE(0);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key of the first Provision round: fully random, non-zero, and unlike the keys the device holds. */
export function temporaryPolicyKey(random: RandomUint32, avoid: readonly (number | null)[] = []): number {
  return draw(() => random() >>> 0, avoid);
}

/** The key handed out on acknowledgement: the policy fingerprint, then 16 random bits. */
export function finalPolicyKey(fingerprint: number, random: RandomUint32, avoid: readonly (number | null)[] = []): number {
  return draw(() => (((fingerprint & 0xffff) << 16) | (random() & 0xffff)) >>> 0, avoid);
}

export function keyFingerprint(key: number): number {
  return key >>> 16;
}

function draw(next: () => number, avoid: readonly (number | null)[]): number {
  for (let i = 0; i < MAX_TRIES; i++) {
    const key = next();
    if (key !== 0 && !avoid.includes(key)) return key;
  }
  throw new Error('could not draw a usable policy key (broken random source?)');
}

/**
 * What the client sent in X-MS-PolicyKey (or the base64 query's policy key field):
 * undefined when absent or empty, 0 for "none", 'invalid' for anything that is not a
 * decimal 32-bit unsigned integer.
 */
export function parsePolicyKey(raw: string | undefined): number | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (!/^\d{1,10}$/.test(text)) return 'invalid';
  const n = Number(text);
  return n <= 0xffffffff ? n : 'invalid';
}
