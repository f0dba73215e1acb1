import { createHash } from 'node:crypto';

/**
 * A message's version where the mailbox has no mod-sequences: a 32-bit digest of its sorted
 * flags without \Recent (per session, not a change of the message). The change feed's fallback
 * and setFlags' reported versions both use it, so a client's own STORE is never echoed back.
 */
export function flagDigest(flags: Iterable<string>): number {
  const text = [...flags].filter((f) => f !== '\\Recent').sort().join(' ');
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}
