/**
 * The original's text under the client's new text: "> " quoting for a reply, an "Original
 * Message" block for a forward, in plain text and in HTML alike.
 */
import { formatAddressList } from '../envelope.js';
import type { MailAddress } from '../message-view.js';
import { htmlToText, textToHtml } from '../text.js';

export type SmartMode = 'reply' | 'forward';

export interface OriginalSummary {
  readonly from?: readonly MailAddress[];
  readonly to?: readonly MailAddress[];
  readonly cc?: readonly MailAddress[];
  readonly subject?: string;
  readonly date?: Date;
}

export interface OriginalBodies {
  /** Decoded text/plain body of the original, if it has one. */
  readonly text?: string;
  /** Decoded text/html body, if it has one. */
  readonly html?: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function dateLine(d: Date | undefined): string {
  return d ? d.toUTCString().replace('GMT', '+0000') : 'an unknown date';
}

function attribution(o: OriginalSummary): string {
  return `On ${dateLine(o.date)}, ${formatAddressList(o.from) ?? 'an unknown sender'} wrote:`;
}

function forwardHeader(o: OriginalSummary): string[] {
  const lines = ['-------- Original Message --------'];
  if (o.subject) lines.push(`Subject: ${o.subject}`);
  lines.push(`Date: ${dateLine(o.date)}`);
  const from = formatAddressList(o.from);
  if (from) lines.push(`From: ${from}`);
  const to = formatAddressList(o.to);
  if (to) lines.push(`To: ${to}`);
  const cc = formatAddressList(o.cc);
  if (cc) lines.push(`Cc: ${cc}`);
  return lines;
}

/** The original as plain text: its text part, else its HTML made plain. */
function originalText(b: OriginalBodies): string {
  if (b.text !== undefined) return b.text;
  return b.html !== undefined ? htmlToText(b.html) : '';
}

/** The inside of the original's <body>, so it nests in ours; plain text becomes HTML when there is no HTML part. */
function originalHtml(b: OriginalBodies): string {
  const html = b.html ?? textToHtml(b.text ?? '');
  const body = /<body[^>]*>([\s\S]*?)(<\/body>|$)/i.exec(html);
  const inner = body ? body[1]! : html.replace(/<head>[\s\S]*?<\/head>/i, '').replace(/<\/?(html|head)[^>]*>/gi, '');
  return inner.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '');
}

export function quotedText(mode: SmartMode, clientText: string, o: OriginalSummary, b: OriginalBodies): string {
  const orig = originalText(b).replace(/\r\n/g, '\n').replace(/\n+$/, '');
  const lead = clientText.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  const tail = mode === 'reply'
    ? [attribution(o), ...orig.split('\n').map((l) => (l.startsWith('>') ? `>${l}` : `> ${l}`))]
    : [...forwardHeader(o), '', orig];
  return [lead, '', ...tail, ''].join('\n').replace(/\n/g, '\r\n');
}

/** The client's HTML with the original appended inside its <body> (or at the end when it has none). */
export function quotedHtml(mode: SmartMode, clientHtml: string, o: OriginalSummary, b: OriginalBodies): string {
  const inner = originalHtml(b);
  const block = mode === 'reply'
    ? `<div>${escapeHtml(attribution(o))}</div><blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${inner}</blockquote>`
    : `<div>${forwardHeader(o).map(escapeHtml).join('<br>')}</div><div>${inner}</div>`;
  const close = clientHtml.search(/<\/body>/i);
  return close >= 0 ? `${clientHtml.slice(0, close)}${block}${clientHtml.slice(close)}` : `${clientHtml}${block}`;
}

/** Characters of the original compared when deciding whether the client quoted it already. */
const PROBE = 120;

/**
 * Whether the client's new text already carries the original (some phones quote it themselves
 * and still leave ReplaceMime out): then a second quote would repeat the whole message. Compared
 * without whitespace and quote markers, on the original's opening words.
 */
export function quotesOriginal(clientText: string, b: OriginalBodies): boolean {
  const squash = (s: string): string => s.replace(/^[ \t]*(>[ \t]*)+/gm, '').replace(/\s+/g, '');
  const probe = squash(originalText(b)).slice(0, PROBE);
  return probe.length >= 20 && squash(clientText).includes(probe);
}
