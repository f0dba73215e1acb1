/**
 * Deterministic, varied mail corpus: a list of message specs (who, when, thread, flags,
 * kind) generated in order by one RNG, and a renderer that turns one spec into RFC 5322
 * bytes with its own RNG (seeded from seed + index), so rendering order does not matter.
 */
import { createHash } from "node:crypto";
import { makePdf, makePng } from "./binaries.js";
import { ASCII_SUBJECTS, LATIN1_BODY, LATIN1_PEOPLE, LATIN1_SUBJECTS, PEOPLE, UNICODE_SUBJECTS, bodyParagraphs, paragraph, sentence, type Person } from "./corpus.js";
import { attachmentPart, formatAddress, formatAddressList, encodeWords, messagePart, multipart, rfc5322Date, serializeMessage, textPart, type Address, type Header, type Part } from "./mime.js";
import { Rng } from "./rng.js";

export type MessageKind = "plain" | "utf8-8bit" | "html" | "alternative" | "attachments" | "related" | "forward" | "invite" | "latin1";

export const ALL_KINDS: readonly MessageKind[] = ["plain", "alternative", "html", "attachments", "latin1", "related", "forward", "invite", "utf8-8bit"];

const KIND_WEIGHTS: readonly (readonly [MessageKind, number])[] = [
  ["plain", 30],
  ["alternative", 28],
  ["html", 10],
  ["attachments", 12],
  ["related", 5],
  ["utf8-8bit", 5],
  ["forward", 3],
  ["invite", 4],
  ["latin1", 3],
];

export interface MessageSpec {
  index: number;
  /** Message-ID without angle brackets. */
  messageId: string;
  subject: string;
  from: Person;
  to: Address[];
  cc: Address[];
  /** Date header instant. */
  date: Date;
  /** INTERNALDATE given to APPEND (a little after `date`). */
  internalDate: Date;
  flags: string[];
  kind: MessageKind;
  /** Message-ID of the first message of the thread (itself for a thread root). */
  threadRoot: string;
  inReplyTo?: string;
  references: string[];
  /** File names of the attachments (inline ones included); filled in by renderMessage. */
  attachments: string[];
}

export interface CorpusOptions {
  seed: number;
  count: number;
  /** The mailbox owner: recipient of INBOX mail, sender of Sent/Drafts mail. */
  user: Address;
  mailbox: string;
  /** Newest possible date; messages spread over the 365 days before. Default: today 00:00 UTC. */
  anchor?: Date;
}

interface OpenThread {
  root: string;
  subject: string;
  refs: string[];
  participants: Person[];
  parentIndex: number;
}

const DAY = 86_400_000;

export function defaultAnchor(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function mailboxTag(user: string, mailbox: string): string {
  return createHash("sha256").update(`${user}\0${mailbox}`).digest("hex").slice(0, 8);
}

export function generateSpecs(opts: CorpusOptions): MessageSpec[] {
  const rng = new Rng(opts.seed);
  const anchor = (opts.anchor ?? defaultAnchor()).getTime();
  const start = anchor - 365 * DAY;
  const outgoing = /sent|draft|gesendet|envoy/i.test(opts.mailbox);
  const drafts = /draft|entw/i.test(opts.mailbox);
  const userPerson: Person = { name: opts.user.name ?? opts.user.address.split("@")[0]!, address: opts.user.address, tz: 60 };
  const tag = mailboxTag(opts.user.address, opts.mailbox);
  const specs: MessageSpec[] = [];
  const open: OpenThread[] = [];

  for (let i = 0; i < opts.count; i++) {
    const date = new Date(Math.floor((start + ((anchor - start) * (i + rng.next() * 0.9)) / Math.max(opts.count, 1)) / 1000) * 1000);
    const internalDate = new Date(date.getTime() + rng.int(1, 120) * 1000);
    let kind: MessageKind = i < ALL_KINDS.length ? ALL_KINDS[i]! : rng.weighted(KIND_WEIGHTS);
    const messageId = `easgate.${opts.seed}.${tag}.${i}.${rng.hex(4)}@${outgoing ? opts.user.address.split("@")[1] : "seed.example.net"}`;

    let subject: string;
    let from: Person;
    let inReplyTo: string | undefined;
    let references: string[] = [];
    let threadRoot = messageId;
    let participants: Person[];

    const replyTo = i >= ALL_KINDS.length && open.length > 0 && kind !== "latin1" && kind !== "invite" && rng.chance(0.3) ? rng.pick(open) : undefined;
    if (replyTo) {
      kind = rng.pick(["plain", "alternative", "plain", "utf8-8bit"] as const);
      const prefix = rng.weighted([["Re: ", 8], ["RE: ", 1], ["AW: ", 1]] as const);
      subject = replyTo.subject.startsWith("Re: ") ? replyTo.subject : prefix + replyTo.subject;
      participants = replyTo.participants;
      from = outgoing ? userPerson : rng.pick(participants);
      const parent = replyTo.refs[replyTo.refs.length - 1]!;
      inReplyTo = parent;
      references = [...replyTo.refs.slice(0, 1), ...replyTo.refs.slice(-9)].filter((v, k, a) => a.indexOf(v) === k);
      threadRoot = replyTo.root;
      replyTo.refs.push(messageId);
      const parentSpec = specs[replyTo.parentIndex];
      if (parentSpec && !outgoing && rng.chance(0.5) && !parentSpec.flags.includes("\\Answered")) parentSpec.flags.push("\\Answered");
      replyTo.parentIndex = i;
    } else {
      if (kind === "latin1") {
        subject = rng.pick(LATIN1_SUBJECTS);
        from = rng.pick(LATIN1_PEOPLE);
      } else {
        subject = rng.chance(0.2) ? rng.pick(UNICODE_SUBJECTS) : rng.pick(ASCII_SUBJECTS);
        from = rng.pick(PEOPLE);
      }
      if (kind === "invite") subject = `Invitation: ${subject}`;
      if (kind === "forward") subject = `Fwd: ${subject}`;
      participants = [from, ...rng.sample(PEOPLE, rng.int(0, 2))];
      if (outgoing) from = userPerson;
      if (kind !== "latin1" && kind !== "invite" && kind !== "forward") {
        open.push({ root: messageId, subject, refs: [messageId], participants, parentIndex: i });
        if (open.length > 40) open.shift();
      }
    }

    const others = rng.sample(participants.filter((p) => p.address !== from.address), rng.int(0, 2));
    const to: Address[] = outgoing ? (others.length ? others : [rng.pick(PEOPLE)]) : [opts.user, ...others.slice(0, 1)];
    const cc: Address[] = rng.chance(0.15) ? rng.sample(PEOPLE, 1).filter((p) => p.address !== from.address) : [];

    const flags: string[] = [];
    const recent = i >= opts.count * 0.97;
    if (drafts) flags.push("\\Draft");
    else if (outgoing || rng.chance(recent ? 0.3 : 0.85)) flags.push("\\Seen");
    if (rng.chance(0.04)) flags.push("\\Flagged");
    if (!outgoing && rng.chance(0.01)) flags.push("$Forwarded");

    const spec: MessageSpec = { index: i, messageId, subject, from, to, cc, date, internalDate, flags, kind, threadRoot, references, attachments: [] };
    if (inReplyTo) spec.inReplyTo = inReplyTo;
    specs.push(spec);
  }
  return specs;
}

function messageRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function toHtml(paras: string[], rng: Rng, inlineCid?: string): string {
  const body = paras.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>\n")}</p>`);
  if (rng.chance(0.4)) body.splice(1, 0, `<p><b>Note:</b> see <a href="https://intranet.example.com/wiki/${rng.hex(3)}">the wiki page</a>.</p>`);
  if (rng.chance(0.2)) body.splice(2, 0, `<table border="1" cellpadding="4"><tr><th>Item</th><th>Qty</th></tr><tr><td>Widgets</td><td>${rng.int(1, 99)}</td></tr></table>`);
  if (inlineCid) body.push(`<p><img src="cid:${inlineCid}" alt="chart" width="32" height="32"></p>`);
  return `<!DOCTYPE html>\n<html>\n<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n<body style="font-family: sans-serif">\n${body.join("\n")}\n</body>\n</html>\n`;
}

function quoteBlock(spec: MessageSpec, rng: Rng): string {
  if (!spec.inReplyTo) return "";
  return `\n\nOn ${rfc5322Date(new Date(spec.date.getTime() - rng.int(1, 72) * 3_600_000))}, someone wrote:\n> ${sentence(rng)}\n> ${sentence(rng)}\n`;
}

interface Attachment {
  name: string;
  type: string;
  data: Buffer;
}

function makeAttachments(spec: MessageSpec, rng: Rng): Attachment[] {
  const options = ["pdf", "png", "txt", "csv"] as const;
  const picked = spec.index < ALL_KINDS.length ? [...options] : rng.sample(options, rng.int(1, 3));
  return picked.map((what, k): Attachment => {
    switch (what) {
      case "pdf":
        return { name: `report-${spec.index}.pdf`, type: "application/pdf", data: makePdf(`Report ${spec.index}`, [sentence(rng), sentence(rng), sentence(rng)]) };
      case "png":
        return { name: `image${k}.png`, type: "image/png", data: makePng(rng, rng.pick([16, 32, 48]), rng.pick([16, 32])) };
      case "txt":
        return { name: rng.chance(0.5) ? "Übersicht – Notizen.txt" : "notes.txt", type: "text/plain; charset=utf-8", data: Buffer.from(`${paragraph(rng)}\r\nÄÖÜ äöü ß – ✓\r\n`, "utf8") };
      case "csv":
        return { name: "data.csv", type: "text/csv; charset=utf-8", data: Buffer.from(`id,name,amount\r\n1,Widgets,${rng.int(1, 999)}\r\n2,Gadgets,${rng.int(1, 999)}\r\n`, "utf8") };
    }
  });
}

function collectAttachmentNames(part: Part): string[] {
  if (part.kind === "multipart") return part.parts.flatMap(collectAttachmentNames);
  const disp = part.headers.find(([n]) => n === "Content-Disposition");
  if (!disp) return [];
  const m = /filename\*=utf-8''([^;\s]+)|filename="([^"]*)"/i.exec(disp[1]);
  return m ? [m[1] ? decodeURIComponent(m[1]) : m[2]!] : [];
}

function renderInvite(spec: MessageSpec, rng: Rng): string {
  const start = new Date(spec.date.getTime() + rng.int(2, 14) * DAY);
  start.setUTCHours(rng.int(7, 15), rng.pick([0, 30]), 0, 0);
  const end = new Date(start.getTime() + rng.pick([30, 60, 90]) * 60_000);
  const fmt = (d: Date): string => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const to = spec.to[0]!;
  return [
    "BEGIN:VCALENDAR",
    "PRODID:-//easgate//seed//EN",
    "VERSION:2.0",
    "METHOD:REQUEST",
    "BEGIN:VEVENT",
    `UID:${spec.messageId.replace("@", ".invite@")}`,
    `DTSTAMP:${fmt(spec.date)}`,
    `DTSTART:${fmt(start)}`,
    `DTEND:${fmt(end)}`,
    `SUMMARY:${spec.subject.replace(/^Invitation: /, "").replace(/[,;\\]/g, "\\$&")}`,
    "LOCATION:Room 4.01",
    `ORGANIZER;CN="${spec.from.name.replace(/["]/g, "")}":mailto:${spec.from.address}`,
    `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${to.address}`,
    "SEQUENCE:0",
    "STATUS:CONFIRMED",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

function renderRoot(spec: MessageSpec, rng: Rng): Part {
  const b = (n: number): string => `=_easgate_${spec.index}_${n}_${rng.hex(4)}`;
  const unicode = rng.chance(0.25);
  const paras = bodyParagraphs(rng, spec.from, unicode || spec.kind === "utf8-8bit");
  const plain = paras.join("\n\n") + quoteBlock(spec, rng);
  switch (spec.kind) {
    case "plain":
      return textPart(plain, "plain", "utf-8", undefined, rng.chance(0.2) ? "; format=flowed" : "");
    case "utf8-8bit":
      return textPart(plain, "plain", "utf-8", "8bit");
    case "latin1":
      return textPart(LATIN1_BODY + spec.from.name + "\n", "plain", "iso-8859-1", rng.chance(0.5) ? "8bit" : "quoted-printable");
    case "html":
      return textPart(toHtml(paras, rng), "html");
    case "alternative":
      return multipart("alternative", b(1), [textPart(plain, "plain"), textPart(toHtml(paras, rng), "html")]);
    case "related": {
      const cid = `chart.${spec.index}@seed.example.net`;
      const related = multipart("related", b(2), [textPart(toHtml(paras, rng, cid), "html"), attachmentPart("chart.png", "image/png", makePng(rng), { inline: true, contentId: cid })], '; type="text/html"');
      return multipart("alternative", b(1), [textPart(plain, "plain"), related]);
    }
    case "attachments": {
      const text = rng.chance(0.5) ? textPart(plain, "plain") : multipart("alternative", b(2), [textPart(plain, "plain"), textPart(toHtml(paras, rng), "html")]);
      return multipart("mixed", b(1), [text, ...makeAttachments(spec, rng).map((a) => attachmentPart(a.name, a.type, a.data))]);
    }
    case "forward": {
      const inner = serializeMessage(
        [
          ["From", formatAddress(rng.pick(PEOPLE))],
          ["To", formatAddress(spec.from)],
          ["Date", rfc5322Date(new Date(spec.date.getTime() - 3 * DAY))],
          ["Subject", encodeWords(spec.subject.replace(/^Fwd: /, ""))],
          ["Message-ID", `<fwd.${spec.messageId}>`],
        ],
        textPart(paragraph(rng) + "\n\n" + paragraph(rng), "plain"),
      );
      return multipart("mixed", b(1), [textPart(`FYI, see below.\n\n${spec.from.name}`, "plain"), messagePart(inner, "forwarded.eml")]);
    }
    case "invite":
      return multipart("alternative", b(1), [
        textPart(`You are invited.\n\n${paragraph(rng)}`, "plain"),
        textPart(renderInvite(spec, rng), "calendar", "utf-8", undefined, "; method=REQUEST"),
      ]);
  }
}

/** The RFC 5322 bytes of one message; also fills in `spec.attachments`. */
export function renderMessage(spec: MessageSpec, seed: number): Buffer {
  const rng = messageRng(seed, spec.index);
  const root = renderRoot(spec, rng);
  spec.attachments = collectAttachmentNames(root);
  const charset = spec.kind === "latin1" ? "ISO-8859-1" : "UTF-8";
  const headers: Header[] = [
    ["Date", rfc5322Date(spec.date, spec.from.tz)],
    ["From", formatAddress(spec.from, charset)],
    ["To", formatAddressList(spec.to, charset)],
  ];
  if (spec.cc.length) headers.push(["Cc", formatAddressList(spec.cc, charset)]);
  headers.push(["Subject", encodeWords(spec.subject, charset)], ["Message-ID", `<${spec.messageId}>`]);
  if (spec.inReplyTo) headers.push(["In-Reply-To", `<${spec.inReplyTo}>`]);
  if (spec.references.length) headers.push(["References", spec.references.map((r) => `<${r}>`).join("\r\n ")]);
  if (spec.kind === "latin1") headers.push(["X-Mailer", "Legacy Mail 4.2 (Windows 98)"]);
  else headers.push(["X-Mailer", rng.pick(["easgate-seed/1.0", "Thunderbird-ish 115.0", "iPhone Mail (21A329)"])]);
  headers.push(["X-Easgate-Seed", `${seed}/${spec.index}/${spec.kind}`]);
  return serializeMessage(headers, root);
}
