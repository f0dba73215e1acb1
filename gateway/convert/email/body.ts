/**
 * The body of an email item from the fetched sections: decode, convert to the chosen type, cut
 * to TruncationSize, and fill Truncated, EstimatedDataSize and Preview.
 */
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
