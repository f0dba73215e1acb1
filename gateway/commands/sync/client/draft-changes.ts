/**
 * 16.0+ Change of a draft's own properties (To, Subject, Body, ...): the message is composed
 * anew and replaces the old one in Drafts.
 */
import type { EmailChange } from '../../../convert/email/client-change.js';
import type { ClientChangeInput } from '../client-changes.js';

export interface DraftChangeOutcome {
  /** Change index -> Status where the draft part failed. */
  readonly statuses: Map<number, number>;
  /** Item ids replaced by a new message (the old id is gone, the new one arrives as an Add). */
  readonly replaced: Set<string>;
}

export async function applyDraftChanges(
  _input: ClientChangeInput,
  _parsed: ReadonlyMap<number, { uid: number; change: EmailChange }>,
  _requests: readonly unknown[],
): Promise<DraftChangeOutcome> {
  return { statuses: new Map(), replaced: new Set() };
}
