/**
 * What a client may change on an email with Sync Change (MS-ASEMAIL 3.1.5.3/3.2.5.4): Read, Flag
 * and Categories; from 16.0 also the fields of a draft. Everything is typed here so the Sync
 * command turns it into IMAP STORE flags (and stored flag details) without reading WBXML.
 */
import type { WbxmlElement } from '../../../codec/tree.js';
import { EMAIL_SCHEMA, type EmailFlag, type EmailItem } from '../../items/email.js';
import { ItemConversionError } from '../../items/errors.js';
import { fromApplicationData, type SkippedElement } from '../../items/schema.js';
import { compareItemVersions, type ItemVersion } from '../../items/version.js';

export interface EmailChange {
  /** \Seen on or off. */
  readonly read?: boolean;
  /**
   * The new flag: status 2 sets \Flagged, status 1 clears it and marks the flag complete (keep the
   * details), null (an empty <Flag/> or Status 0, MS-ASEMAIL 3.2.5.4.2) clears it.
   */
  readonly flag?: EmailFlag | null;
  /** The complete new set of categories (keywords); [] removes all (an empty <Categories/>). */
  readonly categories?: readonly string[];
  /** 16.0+: other properties of a draft (To, Cc, Bcc, Subject, Importance, Body, ...). */
  readonly draft?: Partial<EmailItem>;
  /** Elements the change carried that are not read: unknown, of another version, not changeable. */
  readonly skipped: readonly SkippedElement[];
}

/**
 * The Change's ApplicationData children as typed changes. Throws ItemConversionError (Status 6)
 * for malformed values, a flag Status other than 0, 1, 2 (MS-ASEMAIL 2.2.2.74) and a
 * ConversationId/ConversationIndex, which the client must not change (MS-ASEMAIL 2.2.2.21).
 */
export function fromClientEmailChange(elements: readonly WbxmlElement[], version: ItemVersion): EmailChange {
  const { item, skipped } = fromApplicationData(EMAIL_SCHEMA, elements, version);
  const readOnly = skipped.find((s) => s.reason === 'read-only');
  if (readOnly) throw new ItemConversionError(readOnly.path, 'read-only', 'the client may not change this element');
  const { read, flag, categories, ...rest } = item;
  const extra: SkippedElement[] = [];
  let draft: Partial<EmailItem> | undefined;
  if (compareItemVersions(version, '16.0') >= 0 && Object.keys(rest).length > 0) draft = rest;
  else for (const key of Object.keys(rest)) extra.push({ path: `ApplicationData/${pathOf(key)}`, reason: 'read-only' });
  return { read, flag: flag === undefined ? undefined : normalizeFlag(flag), categories, draft, skipped: [...skipped, ...extra] };
}

function normalizeFlag(flag: EmailFlag): EmailFlag | null {
  if (flag.status === undefined) return Object.keys(flag).length === 0 ? null : { ...flag, status: 2 };
  if (![0, 1, 2].includes(flag.status)) {
    throw new ItemConversionError('ApplicationData/Email:Flag/Email:Status', 'bad-flag-status', `flag Status must be 0, 1 or 2, not ${flag.status}`);
  }
  return flag.status === 0 ? null : flag;
}

function pathOf(property: string): string {
  const f = EMAIL_SCHEMA.fields.find((x) => x.property === property);
  return f ? `${f.ns}:${f.tag}` : property;
}
