/**
 * The body of an email item from the fetched sections: decode, convert to the chosen type, cut
 * to TruncationSize, and fill Truncated, EstimatedDataSize and Preview.
 */
import { isUtf8 } from 'node:buffer';
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

const NOT_ASCII = /[^\x00-\x7f]/;

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
  const latin1 = ascii || type === 2 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : '';
  if (ascii && NOT_ASCII.test(latin1)) return undefined;
  if (type === 2 && !metaCharsetsAreUtf8(latin1)) return undefined;
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

/** Valid UTF-8 without what sanitizeText drops: C0 controls but tab/LF/CR, U+FFFE and U+FFFF. */
function cleanUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20) {
      if (b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
    } else if (b === 0xbf && (bytes[i + 1] === 0xbe || bytes[i + 1] === 0xbf) && bytes[i - 1] === 0xef) {
      return false;
    }
  }
  return isUtf8(bytes);
}

/** True when declareUtf8 would leave the HTML as it is (its bytes read as Latin-1: the tags are ASCII). */
function metaCharsetsAreUtf8(html: string): boolean {
  for (const m of html.matchAll(/<meta\b[^>]*?\bcharset\s*=\s*["']?([A-Za-z0-9_.:-]+)/gi)) if (m[1] !== 'utf-8') return false;
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
