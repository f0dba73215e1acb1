/**
 * Reading BODYSTRUCTURE: which parts are the body (text and HTML alternatives), which are
 * attachments, whether the message is S/MIME or a meeting message, and size estimates.
 */
import { decodeParameter } from './decode.js';
import type { MessageView, MimePart } from './message-view.js';

export interface BodyParts {
  /** The text/plain body part, if the message has one. */
  readonly text?: MimePart;
  /** The text/html body part, if the message has one. */
  readonly html?: MimePart;
  /** The text/calendar part of an iMIP message (RFC 6047), not shown as an attachment. */
  readonly calendar?: MimePart;
  /** Encrypted or opaque-signed S/MIME (application/pkcs7-mime): no readable body. */
  readonly encrypted: boolean;
  /** Clear-signed (multipart/signed). */
  readonly signed: boolean;
}

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();
const isAttachment = (p: MimePart): boolean => lower(p.disposition) === 'attachment';
const isPkcs7Mime = (p: MimePart): boolean => /^application\/(x-)?pkcs7-mime$/.test(lower(p.type));
const isPkcs7Signature = (p: MimePart): boolean => /^application\/(x-)?pkcs7-signature$/.test(lower(p.type));

/** The body parts of a message: the first text and HTML alternatives outside attachments and enclosed messages. */
export function findBodyParts(root: MimePart): BodyParts {
  let text: MimePart | undefined;
  let html: MimePart | undefined;
  let calendar: MimePart | undefined;
  let encrypted = false;
  let signed = false;
  const visit = (p: MimePart, inAlternative: boolean): void => {
    const type = lower(p.type);
    if (type.startsWith('multipart/')) {
      const kids = p.childNodes ?? [];
      if (type === 'multipart/signed') {
        signed = true;
        if (kids[0]) visit(kids[0], false);
      } else if (type === 'multipart/alternative') {
        // RFC 2046 5.1.4: the last alternative is the richest; take the last of each kind.
        let t: MimePart | undefined;
        let h: MimePart | undefined;
        for (const k of kids) {
          const kt = lower(k.type);
          if (kt === 'text/plain' && !isAttachment(k)) t = k;
          else if (kt === 'text/html' && !isAttachment(k)) h = k;
          else if (kt === 'text/calendar' && !calendar) calendar = k;
          else if (kt.startsWith('multipart/') && !text && !html) visit(k, true);
        }
        if (!text && t) text = t;
        if (!html && h) html = h;
      } else if (type === 'multipart/related') {
        // RFC 2387: the root is the first part unless the start parameter names another.
        if (kids[0]) visit(kids[0], inAlternative);
      } else {
        for (const k of kids) visit(k, inAlternative);
      }
      return;
    }
    if (isPkcs7Mime(p) && p === root) encrypted = true;
    if (isAttachment(p) || text || html) {
      if (type === 'text/calendar' && !calendar && !isAttachment(p)) calendar = p;
      return;
    }
    if (type === 'text/plain') text = p;
    else if (type === 'text/html') html = p;
    else if (type === 'text/calendar' && !calendar) calendar = p;
  };
  visit(root, false);
  return { text, html, calendar, encrypted, signed };
}

export interface AttachmentPart {
  readonly part: MimePart;
  /** The part number, for FileReference. */
  readonly section: string;
  readonly name: string;
  readonly isInline: boolean;
  /** Method 5 for an enclosed message (message/rfc822), else 1 (MS-ASAIRS 2.2.2.31). */
  readonly method: 1 | 5;
}

/**
 * Every part the client shows as an attachment: leaves that are not the body, enclosed messages
 * as one attachment each, inline images of multipart/related. Left out: the body parts, the
 * S/MIME signature (a client without S/MIME has no use for it), and the iMIP calendar part when
 * a MeetingRequest carries it (`hideCalendar`); without one it stays, so the invitation is not lost.
 */
export function findAttachments(root: MimePart, body: BodyParts, hideCalendar = false): AttachmentPart[] {
  const out: AttachmentPart[] = [];
  const visit = (p: MimePart, inRelated: boolean): void => {
    const type = lower(p.type);
    if (type.startsWith('multipart/')) {
      for (const k of p.childNodes ?? []) visit(k, inRelated || type === 'multipart/related');
      return;
    }
    if (p === body.text || p === body.html || (hideCalendar && p === body.calendar) || isPkcs7Signature(p)) return;
    if (body.encrypted && p === root) return;
    const section = p.part ?? '1';
    const method = type === 'message/rfc822' ? 5 : 1;
    const cid = p.id?.trim();
    const isInline = !isAttachment(p) && (inRelated || lower(p.disposition) === 'inline') && cid !== undefined && cid !== '';
    out.push({ part: p, section, name: attachmentName(p, out.length + 1), isInline, method });
  };
  visit(root, false);
  return out;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'message/rfc822': 'eml', 'text/plain': 'txt', 'text/html': 'html', 'text/calendar': 'ics', 'image/png': 'png',
  'image/jpeg': 'jpg', 'image/gif': 'gif', 'application/pdf': 'pdf', 'application/pkcs7-mime': 'p7m',
};

/** File name: Content-Disposition filename, Content-Type name, the enclosed message's subject, or a made-up one. */
export function attachmentName(p: MimePart, index: number): string {
  const raw = p.dispositionParameters?.filename ?? p.dispositionParameters?.['filename*'] ?? p.parameters?.name ?? p.parameters?.['name*'];
  const name = raw ? decodeParameter(raw).replace(/[\\/]/g, '_').trim() : '';
  if (name) return name;
  const type = lower(p.type);
  if (type === 'message/rfc822' && p.messageSubject?.trim()) return `${decodeParameter(p.messageSubject).trim().replace(/[\\/:*?"<>|]/g, '_')}.eml`;
  // The iMIP part of an invitation, listed while no MeetingRequest carries it.
  if (type === 'text/calendar') return 'invite.ics';
  return `attachment${index}.${EXTENSIONS[type] ?? 'dat'}`;
}

/** Decoded size estimate of a part from its encoded size: base64 carries 57 bytes per 78-octet line. */
export function decodedSize(p: MimePart): number {
  const size = p.size ?? 0;
  return lower(p.encoding) === 'base64' ? Math.floor((size * 57) / 78) : size;
}

export function charsetOf(p: MimePart): string | undefined {
  return p.parameters?.charset;
}

export function isSmime(view: MessageView): boolean {
  const b = findBodyParts(view.structure);
  return b.encrypted || b.signed;
}

/** The iCalendar METHOD of a meeting message from the part's Content-Type method parameter (RFC 6047 2.4). */
export function calendarMethod(p: MimePart | undefined): string | undefined {
  return p?.parameters?.method?.trim().toUpperCase() || undefined;
}
