/**
 * Partial body fetches for many messages in few round trips. Messages whose body plans ask for
 * the same sections with the same byte limits form a group, and each group is one
 *
 *   UID FETCH <set> (UID BODY.PEEK[<part>]<0.N+1> ...)
 *
 * (split where the set grows long), so a Sync window of 100 similar messages costs a handful of
 * round trips instead of 100. One byte more than asked tells `truncated` without the structure,
 * as fetchParts does. BODY.PEEK never sets \Seen.
 */
import type { ImapFlow } from 'imapflow';
import type { FetchRequest } from '../../../convert/email/body-plan.js';
import type { FetchedPart } from '../../../convert/email/message-view.js';
import { fetchRows } from '../fetch-rows.js';
import type { ImapAttribute, ImapToken } from '../raw-exec.js';
import { uidSets } from './view-fetch.js';

/** One message's wanted sections: section -> byte limit (undefined: the whole section). */
export type WantedSections = Map<string, number | undefined>;

/** Asks for `part` up to `max` as well: the largest limit wins, no limit (the whole section) beats any. */
function widen(wanted: WantedSections, part: string, max: number | undefined): void {
  if (!wanted.has(part)) wanted.set(part, max);
  else {
    const had = wanted.get(part);
    wanted.set(part, had === undefined || max === undefined ? undefined : Math.max(had, max));
  }
}

/** Merges a plan's requests per section: the largest limit wins, no limit beats any. */
export function wantedSections(requests: readonly FetchRequest[]): WantedSections {
  const wanted: WantedSections = new Map();
  for (const r of requests) widen(wanted, r.part, r.maxBytes);
  return wanted;
}

type BodyPartQuery = { key: string; start: number; maxLength: number } | string;

/** imapflow's fetch query for one set of sections. */
export function partsQuery(wanted: WantedSections): { bodyParts?: BodyPartQuery[]; source?: { start: number; maxLength: number } | boolean } {
  const bodyParts: BodyPartQuery[] = [];
  let source: { start: number; maxLength: number } | boolean | undefined;
  for (const [part, max] of wanted) {
    if (part === '') source = max === undefined ? true : { start: 0, maxLength: max + 1 };
    else bodyParts.push(max === undefined ? part : { key: part, start: 0, maxLength: max + 1 });
  }
  return { ...(bodyParts.length ? { bodyParts } : {}), ...(source !== undefined ? { source } : {}) };
}

/** One fetched row -> the FetchedParts, cut at each limit. */
export function toFetchedParts(wanted: WantedSections, msg: { source?: Buffer; bodyParts?: Map<string, Buffer> }): FetchedPart[] {
  return [...wanted].map(([part, max]): FetchedPart => {
    const got = (part === '' ? msg.source : msg.bodyParts?.get(part.toLowerCase())) ?? Buffer.alloc(0);
    const truncated = max !== undefined && got.length > max;
    return { part, bytes: truncated ? got.subarray(0, max) : got, truncated };
  });
}

/** The section a BODY[...] key names ('' for BODY[]), lower case as toFetchedParts looks it up. */
function sectionKey(section: unknown): string | undefined {
  if (!Array.isArray(section)) return undefined;
  if (section.length === 0) return '';
  const first = section[0] as ImapToken | null;
  return section.length === 1 && typeof first?.value === 'string' ? first.value.toLowerCase() : undefined;
}

/** A section's value (nstring): a literal, a quoted string (UTF-8 as the tokenizer read it) or NIL. */
function sectionBytes(value: ImapAttribute | undefined): Buffer {
  const v = (value as ImapToken | null | undefined)?.value;
  return Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.alloc(0);
}

/** One untagged FETCH row of a parts fetch: its UID and sections ('' for the whole message). */
export function parsePartsRow(list: ImapAttribute[]): { uid: number | undefined; source?: Buffer; bodyParts?: Map<string, Buffer> } {
  let uid: number | undefined;
  let source: Buffer | undefined;
  let bodyParts: Map<string, Buffer> | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const k = list[i] as ImapToken | null;
    const name = typeof k?.value === 'string' ? k.value.toUpperCase() : '';
    if (name === 'UID') uid = Number((list[i + 1] as ImapToken | null)?.value) || undefined;
    else if (name === 'BODY') {
      const section = sectionKey(k!.section);
      if (section === '') source = sectionBytes(list[i + 1]);
      else if (section !== undefined) (bodyParts ??= new Map()).set(section, sectionBytes(list[i + 1]));
    }
  }
  return { uid, ...(source ? { source } : {}), ...(bodyParts ? { bodyParts } : {}) };
}

const atom = (value: string): ImapToken => ({ type: 'ATOM', value });

/** UID BODY.PEEK[<part>]<0.N+1> ... for one set of sections. */
function partsItems(wanted: WantedSections): ImapToken[] {
  const items: ImapToken[] = [atom('UID')];
  for (const [part, max] of wanted) {
    items.push({ type: 'ATOM', value: 'BODY.PEEK', section: part === '' ? [] : [atom(part.toUpperCase())], ...(max === undefined ? {} : { partial: [0, max + 1] }) } as ImapToken);
  }
  return items;
}

type Group = { sections: WantedSections; uids: number[] };

/**
 * Groups are merged into one FETCH of the union of their sections when every section is a short
 * partial read and there are few of them: a message's sections it did not ask for then cost the
 * server at most MERGE_MAX_SECTIONS reads of at most MERGE_MAX_BYTES each (and a section a message
 * does not have comes back empty), where every further group would cost a round trip. A Sync
 * window of mail whose HTML sits at 1, 2, 1.2 or 2.1 becomes one FETCH instead of four.
 */
const MERGE_MAX_SECTIONS = 4;
const MERGE_MAX_BYTES = 32 * 1024;

export function mergeGroups(groups: readonly Group[]): Group[] {
  if (groups.length <= 1) return [...groups];
  const union: WantedSections = new Map();
  for (const g of groups) {
    for (const [part, max] of g.sections) {
      if (max === undefined || max > MERGE_MAX_BYTES) return [...groups];
      widen(union, part, max);
    }
  }
  if (union.size > MERGE_MAX_SECTIONS) return [...groups];
  return [{ sections: union, uids: groups.flatMap((g) => g.uids) }];
}

/**
 * The selected mailbox's messages' sections; UIDs the server did not answer for (gone) are absent.
 * Through imapflow's command queue with the rows read here, as the view fetch does: its fetch()
 * compiles every key back to text and hashes an id per row, a tenth of a Sync window's parse time.
 */
export async function fetchPartsGrouped(client: ImapFlow, wanted: ReadonlyMap<number, WantedSections>, onParts?: (uid: number, parts: FetchedPart[]) => void): Promise<Map<number, FetchedPart[]>> {
  // Grouped by the sections asked for and whether each is read whole; a group reads each partial
  // section as far as its furthest-reaching message asks (each message is cut back to its own).
  const groups = new Map<string, Group>();
  for (const [uid, sections] of wanted) {
    if (sections.size === 0) continue;
    const signature = JSON.stringify([...sections].map(([part, max]) => [part, max === undefined]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    const group: Group = groups.get(signature) ?? { sections: new Map(), uids: [] };
    for (const [part, max] of sections) widen(group.sections, part, max);
    group.uids.push(uid);
    groups.set(signature, group);
  }
  const out = new Map<number, FetchedPart[]>();
  for (const { sections, uids } of mergeGroups([...groups.values()])) {
    const items = partsItems(sections);
    const ours = new Set(uids);
    for (const set of uidSets(uids)) {
      await fetchRows(client, 'UID FETCH', [{ type: 'SEQUENCE', value: set }, items], (list) => {
        const msg = parsePartsRow(list);
        // Skip rows that carry no body data (an unsolicited flag update for another message).
        if (msg.uid === undefined || !ours.has(msg.uid) || (msg.bodyParts === undefined && msg.source === undefined)) return;
        // Cut to what this message asked for: a merged group fetched others' sections too.
        const parts = toFetchedParts(wanted.get(msg.uid)!, msg);
        out.set(msg.uid, parts);
        onParts?.(msg.uid, parts);
      });
    }
  }
  return out;
}
