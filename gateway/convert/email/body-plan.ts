/**
 * Which body a client gets, and which bytes the IMAP adapter has to fetch for it.
 *
 * MS-ASAIRS 2.2.2.3.2 (AllOrNone): "by default, the server returns the data truncated to the size
 * requested by TruncationSize for the Type element that matches the native storage format"; when
 * that preference has AllOrNone and the body is larger, "the server selects the next
 * BodyPreference element that will return the maximum amount of body text". So: the preference
 * of the native type (HTML when the message has an HTML part, else plain text) wins; without
 * one, the client's first; RTF (3) is never available. MIME (4) wins when MIMESupport asks for
 * it (2: every message; 1: S/MIME messages, MS-ASCMD 2.2.3.110.3).
 *
 * Protocol 2.5 has no BodyPreference: plain text with the Truncation code's size in characters,
 * or MIME with MIMETruncation's, when MIMESupport asks for MIME.
 */
import type { BodyType } from '../../items/email.js';
import { compareItemVersions, type ItemVersion } from '../../items/version.js';
import { WHOLE_MESSAGE, type MessageView, type MimePart } from './message-view.js';
import { calendarMethod, decodedSize, findBodyParts, type BodyParts } from './structure.js';

/** One airsyncbase:BodyPreference of the request. */
export interface BodyPreference {
  readonly type: BodyType;
  readonly truncationSize?: number;
  readonly allOrNone?: boolean;
  /** 14.0+: characters of plain-text preview wanted (0..255). */
  readonly preview?: number;
}

/** The body options of a Sync collection (or ItemOperations/Search fetch). */
export interface BodyRequest {
  readonly bodyPreferences?: readonly BodyPreference[];
  /** airsync:MIMESupport: 0 never MIME, 1 MIME for S/MIME only, 2 MIME for all. */
  readonly mimeSupport?: 0 | 1 | 2;
  /** 2.5's airsync:Truncation code (0..9). */
  readonly truncation?: number;
  /** 2.5's airsync:MIMETruncation code (0..8). */
  readonly mimeTruncation?: number;
}

/** MS-ASCMD 2.2.3.185 Truncation (2.5): code -> characters kept; 9 (and no code) keeps everything. */
export const TRUNCATION_25: readonly (number | undefined)[] = [0, 512, 1024, 2048, 5120, 10240, 20480, 51200, 102400, undefined];
/** MS-ASCMD 2.2.3.111 MIMETruncation: code -> characters kept; 8 (and no code) keeps everything. */
export const MIME_TRUNCATION_25: readonly (number | undefined)[] = [0, 4096, 5120, 7168, 10240, 20480, 51200, 102400, undefined];

export type BodySource = 'text' | 'html' | 'mime' | 'none';

export interface BodyChoice {
  readonly type: BodyType;
  /** Where Data comes from: a text part, an HTML part, the whole message, or nothing readable. */
  readonly source: BodySource;
  readonly part?: MimePart;
  readonly truncationSize?: number;
  readonly allOrNone: boolean;
  readonly preview?: number;
  /** 2.5's Body counts characters; everything else bytes of UTF-8. */
  readonly unit: 'bytes' | 'chars';
  /** Decoded size of the source as the structure tells it (before any conversion). */
  readonly estimatedSize: number;
  /** AllOrNone and the body is larger than TruncationSize: no Data, Truncated=1, nothing to fetch. */
  readonly withheld: boolean;
}

export interface FetchRequest {
  /** IMAP section ("1.2"), or WHOLE_MESSAGE for BODY[]. */
  readonly part: string;
  /** Fetch BODY.PEEK[part]<0.maxBytes>; absent: the whole section. */
  readonly maxBytes?: number;
}

export interface BodyFetchPlan {
  readonly choice: BodyChoice;
  readonly parts: BodyParts;
  readonly fetch: readonly FetchRequest[];
}

/** Raw bytes of text to fetch when only a preview is needed (255 characters need far less). */
const PREVIEW_TEXT_BYTES = 2048;
const PREVIEW_HTML_BYTES = 16384;
const CALENDAR_BYTES = 65536;

export function selectBody(view: MessageView, request: BodyRequest, version: ItemVersion): { choice: BodyChoice; parts: BodyParts } {
  const parts = findBodyParts(view.structure);
  const smime = parts.encrypted || parts.signed;
  const mimeWanted = request.mimeSupport === 2 || (request.mimeSupport === 1 && smime);
  const messageSize = view.size ?? 0;
  const sourceFor = (type: BodyType): { source: BodySource; part?: MimePart; size: number } => {
    if (type === 4) return { source: 'mime', size: messageSize };
    const first = type === 2 ? parts.html : parts.text;
    const second = type === 2 ? parts.text : parts.html;
    const p = first ?? second;
    if (!p || parts.encrypted) return { source: 'none', size: 0 };
    return { source: p === parts.html ? 'html' : 'text', part: p, size: decodedSize(p) };
  };
  const make = (type: BodyType, pref: BodyPreference | undefined, truncationSize: number | undefined, unit: 'bytes' | 'chars'): BodyChoice => {
    const s = sourceFor(type);
    const allOrNone = pref?.allOrNone === true && truncationSize !== undefined;
    return {
      type, source: s.source, part: s.part, truncationSize, allOrNone, unit,
      preview: compareItemVersions(version, '14.0') >= 0 && pref?.preview ? Math.min(pref.preview, 255) : undefined,
      estimatedSize: s.size,
      withheld: allOrNone && s.size > truncationSize!,
    };
  };
  if (version === '2.5') {
    const choice = mimeWanted
      ? make(4, undefined, MIME_TRUNCATION_25[request.mimeTruncation ?? 8], 'bytes')
      : make(1, undefined, TRUNCATION_25[request.truncation ?? 9], 'chars');
    return { choice, parts };
  }
  const prefs = (request.bodyPreferences ?? []).filter((p) => p.type === 1 || p.type === 2 || p.type === 4);
  if (prefs.length === 0) return { choice: make(1, undefined, undefined, 'bytes'), parts };
  const native: BodyType = parts.html ? 2 : 1;
  const pick = (p: BodyPreference): BodyChoice => make(p.type, p, p.truncationSize, 'bytes');
  const mimePref = prefs.find((p) => p.type === 4);
  let pref = (mimeWanted || parts.encrypted) && mimePref ? mimePref : (prefs.find((p) => p.type === native) ?? prefs[0]!);
  let choice = pick(pref);
  if (choice.withheld) {
    // The next preference that returns the most text: one that fits whole, else the largest cut.
    const others = prefs.filter((p) => p !== pref).map(pick).filter((c) => !c.withheld && c.source !== 'none');
    const whole = others.find((c) => c.truncationSize === undefined || c.estimatedSize <= c.truncationSize);
    const largest = [...others].sort((a, b) => (b.truncationSize ?? Infinity) - (a.truncationSize ?? Infinity))[0];
    const better = whole ?? largest;
    if (better) {
      choice = better;
      pref = prefs.find((p) => p.type === better.type)!;
    }
  }
  return { choice, parts };
}

/**
 * The sections the adapter fetches (BODY.PEEK[part]<0.maxBytes>) for `request`: the body source
 * cut to what TruncationSize needs after decoding, a little text for a preview, the iCalendar
 * part of a meeting reply. Never the whole message unless MIME is asked for untruncated.
 */
export function planBodyFetch(view: MessageView, request: BodyRequest, version: ItemVersion): BodyFetchPlan {
  const { choice, parts } = selectBody(view, request, version);
  const wanted = new Map<string, number | undefined>();
  const want = (part: string, maxBytes: number | undefined): void => {
    if (!wanted.has(part)) wanted.set(part, maxBytes);
    else {
      const had = wanted.get(part);
      wanted.set(part, had === undefined || maxBytes === undefined ? undefined : Math.max(had, maxBytes));
    }
  };
  if (!choice.withheld && choice.truncationSize !== 0) {
    if (choice.source === 'mime') want(WHOLE_MESSAGE, choice.truncationSize);
    else if (choice.part && choice.source !== 'none') {
      const derived = (choice.type === 1 && choice.source === 'html') ? 4 : 1;
      const outBytes = choice.truncationSize === undefined ? undefined : choice.truncationSize * (choice.unit === 'chars' ? 4 : 1) * derived;
      want(sectionOf(choice.part), rawBytesFor(choice.part, outBytes));
    }
  }
  if (choice.preview !== undefined && view.preview === undefined) {
    const p = parts.text ?? parts.html;
    if (p && !parts.encrypted) want(sectionOf(p), rawBytesFor(p, p === parts.text ? PREVIEW_TEXT_BYTES : PREVIEW_HTML_BYTES));
  }
  const method = calendarMethod(parts.calendar);
  if (parts.calendar && (method === undefined || method === 'REPLY')) want(sectionOf(parts.calendar), rawBytesFor(parts.calendar, CALENDAR_BYTES));
  return { choice, parts, fetch: [...wanted].map(([part, maxBytes]) => (maxBytes === undefined ? { part } : { part, maxBytes })) };
}

export function sectionOf(p: MimePart): string {
  return p.part ?? '1';
}

/**
 * Encoded bytes to fetch so that decoding yields at least `outBytes` bytes of UTF-8: base64 needs
 * 78 octets per 57 bytes, quoted-printable up to 3 per byte, UTF-16/32 shrink when re-encoded,
 * plus slack for a cut sequence; for a part smaller than that, its size and some slack. Undefined
 * (the whole part) only when no truncation is asked for.
 */
export function rawBytesFor(p: MimePart, outBytes: number | undefined): number | undefined {
  if (outBytes === undefined) return undefined;
  const enc = (p.encoding ?? '').toLowerCase();
  let n = enc === 'base64' ? Math.ceil(outBytes / 57) * 78 + 78 : enc === 'quoted-printable' ? outBytes * 3 : outBytes;
  const charset = (p.parameters?.charset ?? '').toLowerCase();
  if (/^utf-?(16|32)/.test(charset)) n *= charset.includes('32') ? 4 : 2;
  else if (charset.startsWith('iso-2022')) n = Math.ceil(n * 1.5);
  n += 64;
  if (p.size === undefined || n < p.size) return n;
  // A part smaller than what the truncation needs: a read bounded a little above its size still
  // brings all of it, and bounded reads of many messages share one FETCH (parts-fetch.ts merges
  // them). The slack covers a size reported a little short.
  return Math.min(n, p.size + Math.max(1024, Math.ceil(p.size / 4)));
}
