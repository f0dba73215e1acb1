/**
 * A client's email Change (already typed by fromClientEmailChange) as IMAP flag operations:
 * Read -> \Seen, Flag -> \Flagged (status 2 sets, 1 complete and cleared flags clear it),
 * Categories -> keywords. Pure, so the mapping is unit-tested without a server.
 */
import { categoryToKeyword, keywordToCategory, MAX_KEYWORD_LENGTH, sameKeyword } from '../../../convert/email/category-keywords.js';
import type { EmailChange } from '../../../convert/email/client-change.js';
import type { EmailFlag } from '../../../items/email.js';
import { ItemConversionError } from '../../../items/errors.js';

export interface FlagPlan {
  /** Flags to add and remove in the first STORE (categories only added here). */
  readonly add: readonly string[];
  readonly remove: readonly string[];
  /** The keywords of the new category set, when Categories was sent: others that are categories go. */
  readonly categories?: readonly string[];
  /** What to store as flag details once the STORE succeeded: a flag, null to forget, undefined to leave. */
  readonly flag?: EmailFlag | null;
}

export function planFlags(change: EmailChange): FlagPlan {
  const add: string[] = [];
  const remove: string[] = [];
  if (change.read === true) add.push('\\Seen');
  if (change.read === false) remove.push('\\Seen');
  if (change.flag !== undefined) {
    if (change.flag?.status === 2) add.push('\\Flagged');
    else remove.push('\\Flagged');
  }
  let categories: string[] | undefined;
  if (change.categories !== undefined) {
    categories = categoryKeywords(change.categories);
    add.push(...categories);
  }
  return { add, remove, ...(categories ? { categories } : {}), ...(change.flag !== undefined ? { flag: change.flag } : {}) };
}

/** The keywords of a category list, without duplicates; ItemConversionError (Status 6) for one IMAP cannot keep. */
export function categoryKeywords(categories: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of categories) {
    const k = categoryToKeyword(c);
    if (k === undefined || out.some((x) => sameKeyword(x, k))) continue;
    if (k.length > MAX_KEYWORD_LENGTH) throw new ItemConversionError('ApplicationData/Email:Categories/Email:Category', 'category-too-long', `a category is stored as an IMAP keyword of at most ${MAX_KEYWORD_LENGTH} characters`);
    out.push(k);
  }
  return out;
}

/** The category keywords a message carries that are not in the new set: the second STORE removes them. */
export function staleCategoryKeywords(flags: readonly string[], wanted: readonly string[]): string[] {
  return flags.filter((f) => keywordToCategory(f) !== undefined && !wanted.some((w) => sameKeyword(w, f)));
}

/** A key under which STOREs with the same flags are batched into one command. */
export function storeKey(add: readonly string[], remove: readonly string[]): string {
  return JSON.stringify([[...add].sort(), [...remove].sort()]);
}
