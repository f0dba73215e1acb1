/**
 * Every limit the WBXML decoder enforces, in one place (the imapflow/msgpack pattern).
 * Each is checked BEFORE the corresponding allocation, so hostile input can make the decoder
 * fail fast but never make it allocate more than these bounds allow.
 *
 * The defaults fit EAS traffic with wide margins: the largest legitimate requests are SendMail /
 * SmartReply / Sync drafts carrying a MIME message as OPAQUE (attachments included), and a Sync
 * request of 512 changes is a few tens of thousands of elements.
 */
export interface DecodeLimits {
  /** Largest accepted document, header included. */
  readonly maxInputBytes: number;
  /** Deepest element nesting; the root is depth 1. EAS documents nest about 10 deep. */
  readonly maxDepth: number;
  /** Most elements in one document. Each costs ~100 bytes of heap, and 1 byte of input at least. */
  readonly maxElements: number;
  /** Longest single string (one STR_I or STR_T) and longest concatenated text of one element, in bytes. */
  readonly maxStringBytes: number;
  /** Longest OPAQUE payload (one token, or the concatenation of several in one element). */
  readonly maxOpaqueBytes: number;
  /** Longest string table. EAS never uses one; it is accepted for WBXML conformance. */
  readonly maxStringTableBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxInputBytes: 64 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 200_000,
  maxStringBytes: 16 * 1024 * 1024,
  maxOpaqueBytes: 64 * 1024 * 1024,
  maxStringTableBytes: 64 * 1024,
});

/** Defaults overridden by the given fields; rejects limits that are not non-negative integers. */
export function resolveLimits(overrides?: Partial<DecodeLimits>): DecodeLimits {
  if (overrides === undefined) return DEFAULT_DECODE_LIMITS;
  const merged = { ...DEFAULT_DECODE_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`DecodeLimits.${key} must be a non-negative integer, got ${String(value)}`);
    }
  }
  return merged;
}
