/**
 * Minimal MIME writer for the seed corpus. Hand-built (rather than a mail composer) so
 * every byte, boundary and encoding is deterministic for a given seed, and so it can
 * write legacy-charset (ISO-8859-1) bodies and headers.
 */
export interface Address {
  name?: string;
  address: string;
}

export type Header = readonly [name: string, value: string];

export interface LeafPart {
  kind: "leaf";
  headers: Header[];
  body: Buffer; // already transfer-encoded, CRLF line ends
}

export interface MultiPart {
  kind: "multipart";
  subtype: string; // mixed, alternative, related
  boundary: string;
  parts: Part[];
  extraParams?: string; // e.g. type="text/html" for related
}

export type Part = LeafPart | MultiPart;

const CRLF = "\r\n";

export function isPlainAscii(s: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(s);
}

/** RFC 2047 encoded words, split so each word stays under the 75-character limit. */
export function encodeWords(text: string, charset: "UTF-8" | "ISO-8859-1" = "UTF-8"): string {
  if (isPlainAscii(text) && !text.includes("=?")) return text;
  if (charset === "ISO-8859-1") {
    if (/[^\x00-\xff]/.test(text)) throw new Error(`not representable in ISO-8859-1: ${text}`);
    // Q encoding, as legacy mailers do.
    const bytes = Buffer.from(text, "latin1");
    const words: string[] = [];
    let cur = "";
    for (const b of bytes) {
      const ch = String.fromCharCode(b);
      const enc = b === 0x20 ? "_" : /[A-Za-z0-9!*+\-/]/.test(ch) ? ch : "=" + b.toString(16).toUpperCase().padStart(2, "0");
      if (cur.length + enc.length > 45) {
        words.push(cur);
        cur = "";
      }
      cur += enc;
    }
    if (cur) words.push(cur);
    return words.map((w) => `=?ISO-8859-1?Q?${w}?=`).join(CRLF + " ");
  }
  const words: string[] = [];
  let chunk = "";
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, "utf8") > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join(CRLF + " ");
}

export function formatAddress(a: Address, charset: "UTF-8" | "ISO-8859-1" = "UTF-8"): string {
  if (!a.name) return `<${a.address}>`;
  if (!isPlainAscii(a.name)) {
    // A name outside Latin-1 still goes out as UTF-8, even in a legacy-charset message.
    const cs = charset === "ISO-8859-1" && /[^\x00-\xff]/.test(a.name) ? "UTF-8" : charset;
    return `${encodeWords(a.name, cs)} <${a.address}>`;
  }
  if (/^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~]*$/.test(a.name)) return `${a.name} <${a.address}>`;
  return `"${a.name.replace(/["\\]/g, "\\$&")}" <${a.address}>`;
}

export function formatAddressList(list: readonly Address[], charset: "UTF-8" | "ISO-8859-1" = "UTF-8"): string {
  return list.map((a) => formatAddress(a, charset)).join("," + CRLF + " ");
}

/** Quoted-printable (RFC 2045) of bytes whose line breaks are CRLF or LF. */
export function quotedPrintable(data: Buffer): string {
  const lines: string[] = [];
  let start = 0;
  const raw: Buffer[] = [];
  for (let i = 0; i <= data.length; i++) {
    if (i === data.length || data[i] === 0x0a) {
      let end = i;
      if (end > start && data[end - 1] === 0x0d) end--;
      raw.push(data.subarray(start, end));
      start = i + 1;
    }
  }
  for (const line of raw) {
    let out = "";
    let cur = "";
    for (let i = 0; i < line.length; i++) {
      const b = line[i]!;
      const last = i === line.length - 1;
      let enc: string;
      if ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last)) enc = String.fromCharCode(b);
      else enc = "=" + b.toString(16).toUpperCase().padStart(2, "0");
      if (cur.length + enc.length > 75) {
        out += cur + "=" + CRLF;
        cur = "";
      }
      cur += enc;
    }
    lines.push(out + cur);
  }
  return lines.join(CRLF);
}

export function base64Lines(data: Buffer): string {
  const b64 = data.toString("base64");
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += 76) out.push(b64.slice(i, i + 76));
  return out.join(CRLF);
}

/** CRLF line ends, whatever came in. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, CRLF);
}

export type TextCharset = "utf-8" | "iso-8859-1" | "us-ascii";
export type TransferEncoding = "7bit" | "8bit" | "quoted-printable" | "base64";

/** A text/* leaf. Picks 7bit for plain ASCII, else quoted-printable unless told otherwise. */
export function textPart(text: string, subtype: string, charset: TextCharset = "utf-8", cte?: TransferEncoding, extraParams = ""): LeafPart {
  const bytes = Buffer.from(crlf(text), charset === "iso-8859-1" ? "latin1" : "utf8");
  const ascii = bytes.every((b) => b < 0x80) && crlf(text).split(CRLF).every((l) => l.length <= 998);
  const enc: TransferEncoding = cte ?? (ascii ? "7bit" : "quoted-printable");
  let body: Buffer;
  if (enc === "quoted-printable") body = Buffer.from(quotedPrintable(bytes), "ascii");
  else if (enc === "base64") body = Buffer.from(base64Lines(bytes), "ascii");
  else body = bytes;
  return {
    kind: "leaf",
    headers: [
      ["Content-Type", `text/${subtype}; charset=${ascii && charset === "utf-8" ? "us-ascii" : charset}${extraParams}`],
      ["Content-Transfer-Encoding", enc],
    ],
    body,
  };
}

/** RFC 2231 parameter for a possibly non-ASCII file name, plus the RFC 2047 form old clients read. */
function filenameParams(param: "name" | "filename", filename: string): string {
  if (isPlainAscii(filename)) return `${param}="${filename.replace(/["\\]/g, "\\$&")}"`;
  const ext = `${param}*=utf-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())}`;
  return param === "name" ? `name="${encodeWords(filename).replace(/\r\n /g, " ")}"` : ext;
}

export function attachmentPart(
  filename: string,
  contentType: string,
  data: Buffer,
  opts: { inline?: boolean; contentId?: string } = {},
): LeafPart {
  const headers: Header[] = [
    ["Content-Type", `${contentType};${CRLF} ${filenameParams("name", filename)}`],
    ["Content-Transfer-Encoding", "base64"],
    ["Content-Disposition", `${opts.inline ? "inline" : "attachment"};${CRLF} ${filenameParams("filename", filename)}`],
  ];
  if (opts.contentId) headers.push(["Content-ID", `<${opts.contentId}>`]);
  return { kind: "leaf", headers, body: Buffer.from(base64Lines(data), "ascii") };
}

/** A message/rfc822 attachment wrapping an already serialised message. */
export function messagePart(raw: Buffer, filename: string): LeafPart {
  return {
    kind: "leaf",
    headers: [
      ["Content-Type", `message/rfc822;${CRLF} name="${filename}"`],
      ["Content-Transfer-Encoding", raw.every((b) => b < 0x80) ? "7bit" : "8bit"],
      ["Content-Disposition", `attachment;${CRLF} filename="${filename}"`],
    ],
    body: raw,
  };
}

export function multipart(subtype: string, boundary: string, parts: Part[], extraParams?: string): MultiPart {
  return extraParams === undefined ? { kind: "multipart", subtype, boundary, parts } : { kind: "multipart", subtype, boundary, parts, extraParams };
}

function partHeaders(part: Part): Header[] {
  if (part.kind === "leaf") return part.headers;
  return [["Content-Type", `multipart/${part.subtype};${CRLF} boundary="${part.boundary}"${part.extraParams ?? ""}`]];
}

function serializeBody(part: Part, out: Buffer[]): void {
  if (part.kind === "leaf") {
    out.push(part.body);
    return;
  }
  out.push(Buffer.from("This is a multi-part message in MIME format." + CRLF));
  for (const child of part.parts) {
    out.push(Buffer.from(`${CRLF}--${part.boundary}${CRLF}`));
    out.push(Buffer.from(partHeaders(child).map(([n, v]) => `${n}: ${v}`).join(CRLF) + CRLF + CRLF));
    serializeBody(child, out);
  }
  out.push(Buffer.from(`${CRLF}--${part.boundary}--${CRLF}`));
}

/** Whole message: top-level headers, then the root part's own headers, blank line, body. */
export function serializeMessage(headers: readonly Header[], root: Part): Buffer {
  const out: Buffer[] = [];
  const all = [...headers, ["MIME-Version", "1.0"] as const, ...partHeaders(root)];
  out.push(Buffer.from(all.map(([n, v]) => `${n}: ${v}`).join(CRLF) + CRLF + CRLF));
  serializeBody(root, out);
  const body = Buffer.concat(out);
  // Every message ends with CRLF.
  return body.length >= 2 && body[body.length - 2] === 0x0d && body[body.length - 1] === 0x0a ? body : Buffer.concat([body, Buffer.from(CRLF)]);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function zone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return sign + String(Math.floor(abs / 60)).padStart(2, "0") + String(abs % 60).padStart(2, "0");
}

const p2 = (n: number): string => String(n).padStart(2, "0");

/** RFC 5322 date-time as written by a sender in the given UTC offset. */
export function rfc5322Date(date: Date, offsetMinutes = 0): string {
  const d = new Date(date.getTime() + offsetMinutes * 60_000);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${zone(offsetMinutes)}`;
}

/** IMAP date-time (RFC 3501 date-time, in UTC). */
export function imapDate(date: Date): string {
  return `${p2(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${p2(date.getUTCHours())}:${p2(date.getUTCMinutes())}:${p2(date.getUTCSeconds())} +0000`;
}
