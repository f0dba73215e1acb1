/**
 * MessageClass (MS-ASEMAIL 2.2.2.49) and ContentClass of a message, from its structure and, for
 * meeting replies, the iCalendar text.
 */
import { header } from './envelope.js';
import type { MessageView } from './message-view.js';
import { calendarMethod, type BodyParts } from './structure.js';

/** The METHOD property of an iCalendar text, if the Content-Type did not say. */
export function icalMethod(ical: string | undefined): string | undefined {
  return ical ? /^METHOD:\s*([A-Za-z-]+)/m.exec(ical)?.[1]?.toUpperCase() : undefined;
}

/** PARTSTAT of the (first) ATTENDEE of a REPLY: ACCEPTED, DECLINED, TENTATIVE. */
function replyPartstat(ical: string | undefined): string | undefined {
  if (!ical) return undefined;
  const unfolded = ical.replace(/\r?\n[ \t]/g, '');
  return /^ATTENDEE[^:\r\n]*;PARTSTAT=([A-Za-z-]+)/im.exec(unfolded)?.[1]?.toUpperCase();
}

/**
 * IPM.Note, or:
 * - IPM.Note.SMIME for application/pkcs7-mime (encrypted or opaque-signed),
 * - IPM.Note.SMIME.MultipartSigned for multipart/signed,
 * - IPM.Schedule.Meeting.Request / .Canceled / .Resp.Pos / .Resp.Neg / .Resp.Tent for iMIP,
 * - REPORT.IPM.Note.NDR / REPORT.IPM.Note.IPNRN for delivery reports and read receipts.
 */
export function messageClass(view: MessageView, body: BodyParts, calendarText?: string): string {
  const root = view.structure;
  if (body.encrypted) return 'IPM.Note.SMIME';
  if (body.signed) return 'IPM.Note.SMIME.MultipartSigned';
  const rootType = root.type.toLowerCase();
  if (rootType === 'multipart/report') {
    const report = root.parameters?.['report-type']?.toLowerCase();
    if (report === 'delivery-status') return 'REPORT.IPM.Note.NDR';
    if (report === 'disposition-notification') return 'REPORT.IPM.Note.IPNRN';
  }
  if (body.calendar) {
    const method = calendarMethod(body.calendar) ?? icalMethod(calendarText);
    if (method === 'REQUEST') return 'IPM.Schedule.Meeting.Request';
    if (method === 'CANCEL') return 'IPM.Schedule.Meeting.Canceled';
    if (method === 'REPLY') {
      const partstat = replyPartstat(calendarText);
      if (partstat === 'DECLINED') return 'IPM.Schedule.Meeting.Resp.Neg';
      if (partstat === 'TENTATIVE') return 'IPM.Schedule.Meeting.Resp.Tent';
      return 'IPM.Schedule.Meeting.Resp.Pos';
    }
  }
  return 'IPM.Note';
}

/** ContentClass: a Content-Class header if the message has one, else what Exchange writes for the message class. */
export function contentClass(view: MessageView, cls: string): string {
  const explicit = header(view, 'content-class');
  if (explicit && /^urn:content-classes:[a-z0-9.-]+$/i.test(explicit)) return explicit;
  if (cls.startsWith('IPM.Schedule.Meeting')) return 'urn:content-classes:calendarmessage';
  if (cls === 'REPORT.IPM.Note.NDR') return 'urn:content-classes:dsn';
  return 'urn:content-classes:message';
}
