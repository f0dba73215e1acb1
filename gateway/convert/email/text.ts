/**
 * Text conversions for bodies: HTML to plain text (for clients that want type 1 of an HTML-only
 * message, and for previews), plain text to minimal HTML, format=flowed, and cutting text to a
 * byte budget without splitting a UTF-8 sequence, an HTML tag or an entity.
 *
 * The HTML to text conversion is deliberately small (no DOM): phones show the result as a
 * fallback or a preview, so block structure, line breaks, entities and dropping script/style
 * matter, CSS layout does not. That keeps html-to-text and its parser out of the dependencies.
 */
import { utf8Boundary } from './decode.js';

const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', bull: '•', middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶',
  deg: '°', plusmn: '±', times: '×', divide: '÷', frac12: '½', frac14: '¼', frac34: '¾', sup2: '²', sup3: '³',
  iexcl: '¡', iquest: '¿', ordf: 'ª', ordm: 'º', micro: 'µ', dagger: '†', Dagger: '‡', permil: '‰', rarr: '→', larr: '←',
  zwnj: '\u200c', zwj: '\u200d', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', szlig: 'ß', AElig: 'Æ', aelig: 'æ',
  Oslash: 'Ø', oslash: 'ø', Aring: 'Å', aring: 'å', Ccedil: 'Ç', ccedil: 'ç', ETH: 'Ð', eth: 'ð', THORN: 'Þ', thorn: 'þ',
  Ntilde: 'Ñ', ntilde: 'ñ', OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ', yuml: 'ÿ', Zcaron: 'Ž', zcaron: 'ž',
};
// Latin-1 letters with the five common accents: &auml; &Eacute; ...
const ACCENTS: Readonly<Record<string, string>> = { grave: '\u0300', acute: '\u0301', circ: '\u0302', tilde: '\u0303', uml: '\u0308' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    const named = NAMED[name];
    if (named !== undefined) return named;
    const accent = /^([A-Za-z])(grave|acute|circ|tilde|uml)$/.exec(name);
    return accent ? (accent[1]! + ACCENTS[accent[2]!]!).normalize('NFC') : whole;
  });
}

const BLOCK = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'blockquote', 'pre', 'hr', 'form', 'section', 'article', 'header', 'footer', 'address', 'dl', 'center']);
const LINE = new Set(['br', 'tr', 'li', 'dt', 'dd', 'caption']);

/** Plain text of an HTML document or fragment, lines separated by CRLF as in a MIME text body. */
export function htmlToText(html: string): string {
  const s = html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<(script|style|head|title|template|noscript)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>/g, '');
  const tagRe = /<\/?([A-Za-z][A-Za-z0-9]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>/g;
  let out = '';
  let pre = 0;
  let at = 0;
  for (let m = tagRe.exec(s); ; m = tagRe.exec(s)) {
    const text = decodeEntities(s.slice(at, m ? m.index : s.length));
    // Outside <pre> every run of HTML white space is one space; U+00A0 (&nbsp;) is not white space.
    if (pre > 0) out += text.replace(/\r\n?/g, '\n');
    else {
      const folded = text.replace(/[ \t\r\n\f]+/g, ' ');
      out += out === '' || out.endsWith('\n') ? folded.replace(/^ /, '') : folded;
    }
    if (!m) break;
    at = m.index + m[0].length;
    const tag = m[1]!.toLowerCase();
    const closing = m[0][1] === '/';
    if (tag === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (BLOCK.has(tag)) out += '\n\n';
    else if (tag === 'li' && !closing) out += '\n- ';
    else if (LINE.has(tag) && (tag === 'tr' ? closing : !closing)) out += '\n';
    else if ((tag === 'td' || tag === 'th') && closing) out += '\t';
  }
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '')
    .replace(/\u00a0/g, ' ')
    .replace(/\n/g, '\r\n');
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Plain text as a minimal UTF-8 HTML document (line breaks kept), for clients that asked for type 2 only. */
export function textToHtml(text: string): string {
  const body = text.replace(/[&<>"]/g, (c) => ESCAPES[c]!).replace(/\r?\n/g, '<br>\r\n');
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${body}</body></html>`;
}

/**
 * The body is sent as UTF-8 whatever charset the message had, so a `<meta charset>` inside the
 * HTML must say so too, or a client honouring it shows mojibake.
 */
export function declareUtf8(html: string): string {
  return html.replace(/(<meta\b[^>]*?\bcharset\s*=\s*["']?)([A-Za-z0-9_.:-]+)/gi, '$1utf-8');
}

/**
 * RFC 3676 format=flowed to plain lines: a line ending in a space continues on the next line of
 * the same quote depth (the space removed too with DelSp=yes); space-stuffing is undone; the
 * signature separator "-- " stays a hard break.
 */
export function unflow(text: string, delSp: boolean): string {
  const out: string[] = [];
  let openDepth = -1;
  for (const raw of text.split(/\r?\n/)) {
    const quote = /^>*/.exec(raw)![0];
    let content = raw.slice(quote.length);
    if (content.startsWith(' ')) content = content.slice(1);
    const soft = content.endsWith(' ') && content !== '-- ';
    const piece = soft && delSp ? content.slice(0, -1) : content;
    if (openDepth === quote.length) out[out.length - 1] += piece;
    else out.push(quote.length > 0 ? `${quote} ${piece}` : piece);
    openDepth = soft ? quote.length : -1;
  }
  return out.join('\r\n');
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, cut on a character
 * boundary. With `html`, a cut that would leave an open tag or entity moves back before it.
 */
export function truncateUtf8(text: string, maxBytes: number, html = false): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let cut = Buffer.from(bytes.subarray(0, utf8Boundary(bytes, maxBytes))).toString('utf8');
  if (html) {
    const lt = cut.lastIndexOf('<');
    if (lt > cut.lastIndexOf('>')) cut = cut.slice(0, lt);
    const amp = cut.lastIndexOf('&');
    if (amp >= 0 && amp > cut.length - 12 && !cut.slice(amp).includes(';') && /^&#?[A-Za-z0-9]*$/.test(cut.slice(amp))) cut = cut.slice(0, amp);
  }
  return { text: cut, truncated: true };
}

/** Up to `max` characters (code points) of plain text with whitespace runs folded, for airsyncbase:Preview. */
export function previewOf(text: string, max: number): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return Array.from(folded).slice(0, max).join('');
}
