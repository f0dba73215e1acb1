/**
 * The body of an email item from the fetched sections: decode, convert to the chosen type, cut
 * to TruncationSize, and fill Truncated, EstimatedDataSize and Preview.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { EmailBody } from '../../items/email.js';
import { type BodyChoice, type BodyFetchPlan, sectionOf } from './body-plan.js';
import { completeUtf8Length, decodeCharset, transferDecode, utf8Boundary } from './decode.js';
import { WHOLE_MESSAGE, type FetchedPart, type MessageView, type MimePart } from './message-view.js';
import { charsetOf } from './structure.js';
import { declareUtf8, htmlToText, previewOf, textToHtml, truncateUtf8, unflow } from './text.js';

export class MissingPartError extends Error {
  constructor(readonly part: string) {
    super(`body section "${part}" was planned by planBodyFetch but not fetched`);
    this.name = 'MissingPartError';
  }
}

function fetchedOf(fetched: readonly FetchedPart[], part: string): FetchedPart | undefined {
  return fetched.find((f) => f.part === part);
}

/** The decoded text of a part, and whether it is only a prefix of the part. */
export function partText(p: MimePart, f: FetchedPart): { text: string; truncated: boolean } {
  const bytes = transferDecode(f.bytes, f.encoding ?? p.encoding, f.truncated);
  let text = decodeCharset(bytes, f.charset ?? charsetOf(p), f.truncated);
  const params = p.parameters ?? {};
  if (p.type.toLowerCase() === 'text/plain' && params.format?.toLowerCase() === 'flowed') {
    text = unflow(text, params.delsp?.toLowerCase() === 'yes');
  }
  return { text, truncated: f.truncated };
}

export interface BuiltBody {
  readonly body: EmailBody;
  /** Plain text read for the body or the preview, reused for nothing else yet. */
  readonly calendarText?: string;
}

export function buildBody(view: MessageView, plan: BodyFetchPlan, fetched: readonly FetchedPart[]): BuiltBody {
  const { choice, parts } = plan;
  const calendarFetch = parts.calendar ? fetchedOf(fetched, sectionOf(parts.calendar)) : undefined;
  const calendarText = parts.calendar && calendarFetch ? partText(parts.calendar, calendarFetch).text : undefined;
  const body = withPreview(view, plan, fetched, bodyData(view, choice, fetched));
  return { body, calendarText };
}

function bodyData(view: MessageView, choice: BodyChoice, fetched: readonly FetchedPart[]): EmailBody {
  const { type } = choice;
  if (choice.withheld) return { type, estimatedDataSize: choice.estimatedSize, truncated: true };
  if (choice.source === 'none') return { type, estimatedDataSize: 0, truncated: false, data: '' };
  if (choice.truncationSize === 0) return { type, estimatedDataSize: choice.estimatedSize, truncated: choice.estimatedSize > 0 };
  if (choice.source === 'mime') {
    const f = fetchedOf(fetched, WHOLE_MESSAGE);
    if (!f) throw new MissingPartError(WHOLE_MESSAGE);
    const max = choice.truncationSize;
    let cut = max !== undefined && f.bytes.length > max ? utf8Boundary(f.bytes, max) : f.bytes.length;
    const truncated = f.truncated || cut < f.bytes.length;
    // A cut (ours or the fetch's) must not leave half a UTF-8 sequence, or the MIME stops being text.
    if (truncated) cut = completeUtf8Length(f.bytes.subarray(0, cut));
    const size = Math.max(view.size ?? 0, f.bytes.length);
    if (truncated && choice.allOrNone) return { type, estimatedDataSize: size, truncated: true };
    return { type, estimatedDataSize: size, truncated, data: f.bytes.subarray(0, cut) };
  }
  const part = choice.part!;
  const f = fetchedOf(fetched, sectionOf(part));
  if (!f) throw new MissingPartError(sectionOf(part));
  const passed = passThrough(choice, part, f);
  if (passed) return passed;
  const { text: source, truncated: sourceCut } = partText(part, f);
  let text: string;
  if (type === 2) text = choice.source === 'html' ? declareUtf8(source) : textToHtml(source);
  else text = choice.source === 'html' ? htmlToText(source) : source;
  let cut = false;
  if (choice.truncationSize !== undefined) {
    if (choice.unit === 'chars') {
      const chars = Array.from(text);
      if (chars.length > choice.truncationSize) {
        text = chars.slice(0, choice.truncationSize).join('');
        cut = true;
      }
    } else {
      const t = truncateUtf8(text, choice.truncationSize, type === 2);
      text = t.text;
      cut = t.truncated;
    }
  }
  const truncated = cut || sourceCut;
  const sent = choice.unit === 'chars' ? Array.from(text).length : Buffer.byteLength(text, 'utf8');
  // Whole: the exact size of what was sent. Cut: the structure's estimate of the source, at least what was sent.
  const estimatedDataSize = truncated ? Math.max(choice.estimatedSize, sent + 1) : sent;
  if (truncated && choice.allOrNone) return { type, estimatedDataSize, truncated: true };
  return { type, estimatedDataSize, truncated, data: text };
}

/**
 * Type 1 from a text/plain part or Type 2 from a text/html part, when the part's bytes are already
 * the UTF-8 text the string path would send: they go out as they are (the codec copies them into
 * the inline string), saving a decode to a JS string and an encode back per message. Anything the
 * string path would change (another charset, format=flowed, a <meta charset> naming another
 * charset, characters the value writer strips, invalid UTF-8) takes the string path, so the data
 * sent is identical either way.
 */
function passThrough(choice: BodyChoice, part: MimePart, f: FetchedPart): EmailBody | undefined {
  const { type } = choice;
  if (choice.unit === 'chars') return undefined;
  if (!((type === 1 && choice.source === 'text') || (type === 2 && choice.source === 'html'))) return undefined;
  const charset = (f.charset ?? charsetOf(part) ?? '').trim().toLowerCase().replace(/^["']|["']$/g, '');
  const ascii = charset === '' || charset === 'us-ascii' || charset === 'ascii';
  if (!ascii && charset !== 'utf-8' && charset !== 'utf8') return undefined;
  if (type === 1 && part.parameters?.format?.toLowerCase() === 'flowed') return undefined;
  let bytes = transferDecode(f.bytes, f.encoding ?? part.encoding, f.truncated);
  if (f.truncated) bytes = bytes.subarray(0, completeUtf8Length(bytes));
  if (!cleanUtf8(bytes)) return undefined;
  // US-ASCII (or no charset) is read as Windows-1252: only pure ASCII is the same text in UTF-8.
  if (ascii && !isAscii(bytes)) return undefined;
  if (type === 2 && !metaCharsetsAreUtf8(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'))) return undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  let cut = false;
  if (choice.truncationSize !== undefined && bytes.length > choice.truncationSize) {
    let end = utf8Boundary(bytes, choice.truncationSize);
    if (type === 2) end = htmlCut(bytes, end);
    bytes = bytes.subarray(0, end);
    cut = true;
  }
  const truncated = cut || f.truncated;
  const sent = bytes.length;
  const estimatedDataSize = truncated ? Math.max(choice.estimatedSize, sent + 1) : sent;
  if (truncated && choice.allOrNone) return { type, estimatedDataSize, truncated: true };
  return { type, estimatedDataSize, truncated, data: bytes };
}

/** The C0 controls sanitizeText drops (tab, LF and CR stay). */
const DROPPED_CONTROLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
const EF_BF = Buffer.from([0xef, 0xbf]);

/**
 * Valid UTF-8 without what sanitizeText drops: those controls, U+FFFE and U+FFFF (EF BF BE/BF).
 * Native searches (memchr per control byte) rather than a JS loop over every byte: a Sync window
 * holds megabytes of bodies.
 */
function cleanUtf8(bytes: Uint8Array): boolean {
  if (!isUtf8(bytes)) return false;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const c of DROPPED_CONTROLS) if (b.indexOf(c) >= 0) return false;
  for (let i = b.indexOf(EF_BF); i >= 0; i = b.indexOf(EF_BF, i + 2)) if (b[i + 2] === 0xbe || b[i + 2] === 0xbf) return false;
  return true;
}

const META = /<meta/gi;
const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?([A-Za-z0-9_.:-]+)/iy;

/**
 * True when declareUtf8 would leave the HTML as it is (its bytes read as Latin-1: the tags are
 * ASCII). Every "<meta" is looked at with declareUtf8's pattern anchored there: a plain literal
 * search first, because the pattern itself scans slowly over a whole body.
 */
function metaCharsetsAreUtf8(html: string): boolean {
  META.lastIndex = 0;
  for (let m = META.exec(html); m !== null; m = META.exec(html)) {
    META_CHARSET.lastIndex = m.index;
    const c = META_CHARSET.exec(html);
    if (c !== null && c[1] !== 'utf-8') return false;
  }
  return true;
}

/** truncateUtf8's HTML rule on bytes: no half tag and no half entity at the end. */
function htmlCut(bytes: Uint8Array, end: number): number {
  // lastIndexOf counts a negative fromIndex from the end.
  if (end === 0) return 0;
  const lt = bytes.lastIndexOf(0x3c, end - 1);
  if (lt > bytes.lastIndexOf(0x3e, end - 1)) end = lt;
  const amp = end > 0 ? bytes.lastIndexOf(0x26, end - 1) : -1;
  if (amp >= 0 && amp > end - 12) {
    const tail = Buffer.from(bytes.buffer, bytes.byteOffset + amp, end - amp).toString('latin1');
    if (/^&#?[A-Za-z0-9]*$/.test(tail)) end = amp;
  }
  return end;
}

function withPreview(view: MessageView, plan: BodyFetchPlan, fetched: readonly FetchedPart[], body: EmailBody): EmailBody {
  const max = plan.choice.preview;
  if (max === undefined) return body;
  if (view.preview !== undefined) return { ...body, preview: previewOf(view.preview, max) };
  const { parts } = plan;
  const p = parts.encrypted ? undefined : (parts.text ?? parts.html);
  const f = p ? fetchedOf(fetched, sectionOf(p)) : undefined;
  if (!p || !f) return body;
  const { text } = partText(p, f);
  return { ...body, preview: previewOf(p === parts.html ? htmlToText(text) : text, max) };
}
