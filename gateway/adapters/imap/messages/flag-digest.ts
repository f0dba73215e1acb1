import { createHash } from 'node:crypto';

/**
 * A message's version where the mailbox has no mod-sequences: a 32-bit digest of its sorted
 * flags without \Recent (per session, not a change of the message). It must equal what the
 * change feed's fallback computes (imap-change-feed.ts allFlags), or a client's own STORE is
 * echoed back once as a Change.
 */
export function flagDigest(flags: Iterable<string>): number {
  const text = [...flags].filter((f) => f !== '\\Recent').sort().join(' ');
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}
