/**
 * The one UID FETCH that makes MessageViews:
 *
 *   UID FETCH <set> (UID FLAGS ENVELOPE BODYSTRUCTURE INTERNALDATE RFC822.SIZE [PREVIEW]
 *                    BODY.PEEK[HEADER.FIELDS (IMPORTANCE X-PRIORITY ... REFERENCES)])
 *
 * imapflow's fetch() cannot ask for PREVIEW (RFC 8970) and drops it from answers, so this goes
 * through imapflow's command queue directly with the rows tokenized by fetch-rows.ts, and reads
 * ENVELOPE and BODYSTRUCTURE as imapflow's parsers do (structure-parse.ts). Rows are turned into views as
 * they arrive, so the raw response of a large window is not kept.
 */
import type { ImapFlow, MessageEnvelopeObject, MessageStructureObject } from 'imapflow';
import type { MessageView } from '../../../convert/email/message-view.js';
import { fetchRows } from '../fetch-rows.js';
import type { ImapAttribute, ImapToken } from '../raw-exec.js';
import { parseBodystructure, parseEnvelope } from './structure-parse.js';
import { toMessageView, VIEW_HEADER_FIELDS, type FetchedRow } from './to-view.js';

type Token = ImapToken;
type Attribute = ImapAttribute;

const atom = (value: string): Token => ({ type: 'ATOM', value });

/** Compact IMAP sequence set of UIDs: "3:7,9,12:13". */
export function uidSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].filter((u) => Number.isInteger(u) && u > 0).sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Splits UIDs into sets whose text stays well under servers' command line limits (Dovecot: 64 KiB). */
export function uidSets(uids: readonly number[], maxChars = 8000): string[] {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const sets: string[] = [];
  let batch: number[] = [];
  let chars = 0;
  for (const u of sorted) {
    batch.push(u);
    chars += String(u).length + 1;
    if (chars >= maxChars) {
      sets.push(uidSet(batch));
      batch = [];
      chars = 0;
    }
  }
  if (batch.length) sets.push(uidSet(batch));
  return sets;
}

function str(t: Attribute | undefined): string | undefined {
  const v = (t as Token | null | undefined)?.value;
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

/** One untagged FETCH row's attributes (key, value, key, value, ...) as a FetchedRow plus its UID. */
export function parseViewRow(list: Attribute[]): { uid: number | undefined; row: FetchedRow; complete: boolean } {
  let uid: number | undefined;
  let envelope: MessageEnvelopeObject | undefined;
  let bodyStructure: MessageStructureObject | undefined;
  let flags: string[] | undefined;
  let internalDate: string | undefined;
  let size: number | undefined;
  let preview: string | undefined;
  let headers: Uint8Array | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const keyToken = list[i] as Token | null;
    const key = typeof keyToken?.value === 'string' ? keyToken.value.toUpperCase() : '';
    const value = list[i + 1];
    switch (key) {
      case 'UID':
        uid = Number(str(value)) || undefined;
        break;
      case 'FLAGS':
        flags = Array.isArray(value) ? value.map((f) => str(f)).filter((f): f is string => f !== undefined) : [];
        break;
      case 'ENVELOPE':
        if (Array.isArray(value)) envelope = parseEnvelope(value);
        break;
      case 'BODYSTRUCTURE':
        if (Array.isArray(value)) bodyStructure = parseBodystructure(value);
        break;
      case 'INTERNALDATE':
        internalDate = str(value);
        break;
      case 'RFC822.SIZE':
        size = Number(str(value));
        break;
      case 'PREVIEW':
        // RFC 8970: nstring; NIL when the server has none (yet). Dovecot answers a string.
        preview = Array.isArray(value) ? undefined : str(value);
        break;
      case 'BODY': {
        const v = (value as Token | null)?.value;
        headers = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.alloc(0);
        break;
      }
      default:
        break;
    }
  }
  const row: FetchedRow = { envelope, bodyStructure, flags, internalDate, size: Number.isFinite(size) ? size : undefined, preview, headers };
  return { uid, row, complete: bodyStructure !== undefined && flags !== undefined };
}

export async function fetchViewRows(client: ImapFlow, set: string, opts: { preview: boolean }): Promise<Map<number, MessageView>> {
  const items: Token[] = [atom('UID'), atom('FLAGS'), atom('ENVELOPE'), atom('BODYSTRUCTURE'), atom('INTERNALDATE'), atom('RFC822.SIZE')];
  if (opts.preview && client.capabilities.has('PREVIEW')) items.push(atom('PREVIEW'));
  items.push({ type: 'ATOM', value: 'BODY.PEEK', section: [atom('HEADER.FIELDS'), VIEW_HEADER_FIELDS.map((h) => atom(h.toUpperCase()))] });
  const views = new Map<number, MessageView>();
  await fetchRows(client, 'UID FETCH', [{ type: 'SEQUENCE', value: set }, items], (list) => {
    const { uid, row, complete } = parseViewRow(list);
    // Unsolicited FETCH rows (a flag change by another client) carry no structure: not ours.
    if (uid !== undefined && complete) views.set(uid, toMessageView(row));
  });
  return views;
}
