/**
 * toEmailItem: one message (MessageView + the sections planBodyFetch asked for) as an EmailItem
 * for the email schema. Pure: the state store's knowledge (flag details, last verb times) comes
 * in through the options.
 */
import type { EmailAttachment, EmailFlag, EmailItem, EmailMeetingRequest } from '../../items/email.js';
import type { ItemVersion } from '../../items/version.js';
import { buildBody } from './body.js';
import { planBodyFetch, type BodyFetchPlan, type BodyRequest } from './body-plan.js';
import { decodeHeaderWords } from './decode.js';
import {
  categoriesOf,
  conversationId,
  conversationIndex,
  displayNames,
  formatAddressList,
  importance,
  lastVerb,
  threadTopic,
} from './envelope.js';
import { contentClass, messageClass } from './message-class.js';
import type { FetchedPart, MailAddress, MessageView } from './message-view.js';
import { decodedSize, findAttachments, type AttachmentPart } from './structure.js';

export interface ToEmailItemOptions {
  readonly version: ItemVersion;
  /** The collection's body options; the same that were given to planBodyFetch. */
  readonly body: BodyRequest;
  /** FileReference (2.5: AttName) of an attachment, e.g. `${collectionId}:${uid}:${section}`. */
  readonly fileReference: (section: string, attachment: AttachmentPart) => string;
  /** Flag details the gateway stored when a client set them (dates, reminder, subject); IMAP keeps only \Flagged. */
  readonly storedFlag?: EmailFlag;
  /** The user's own addresses (lower case compare): a message not addressed to any of them in To/Cc was received as Bcc. */
  readonly userAddresses?: readonly string[];
  /** What the gateway recorded when the client replied or forwarded (SmartReply/SmartForward). */
  readonly lastVerb?: { readonly verb: 1 | 2 | 3; readonly time?: Date };
  /**
   * The Email:MeetingRequest of an iMIP message, from the Calendar converter (not written yet).
   * Given, the text/calendar part is not listed as an attachment; absent, it is (invite.ics), so a
   * client still gets the invitation while MessageClass already says IPM.Schedule.Meeting.*.
   */
  readonly meetingRequest?: EmailMeetingRequest;
  /** planBodyFetch(view, body, version) when the caller already made it (to fetch the sections). */
  readonly plan?: BodyFetchPlan;
}

const FOLLOW_UP = 'Flag for follow up';

export function toEmailItem(view: MessageView, fetched: readonly FetchedPart[], options: ToEmailItemOptions): EmailItem {
  const plan = options.plan ?? planBodyFetch(view, options.body, options.version);
  const { body, calendarText } = buildBody(view, plan, fetched);
  const cls = messageClass(view, plan.parts, calendarText);
  const flags = view.flags;
  const has = hasFlag(flags);
  const changeable = changeableFields(flags, options.storedFlag);
  const verb = options.lastVerb?.verb ?? lastVerb(flags);
  const sender = formatAddressList(view.sender);
  const from = formatAddressList(view.from);
  const isDraft = has('\\Draft');
  // IMAP's ENVELOPE fills Reply-To (and Sender) with From when the header is absent (RFC 3501).
  const replyTo = formatAddressList(view.replyTo);
  const convId = conversationId(view);
  return {
    to: formatAddressList(view.to),
    cc: formatAddressList(view.cc),
    bcc: isDraft ? formatAddressList(view.bcc) : undefined,
    from,
    subject: view.subject === undefined ? undefined : decodeHeaderWords(view.subject),
    replyTo: replyTo !== from ? replyTo : undefined,
    dateReceived: view.internalDate ?? view.date,
    displayTo: displayNames(view.to),
    threadTopic: threadTopic(view),
    importance: importance(view),
    read: changeable.read,
    attachments: attachmentsOf(view, plan.parts, options),
    body,
    messageClass: cls,
    meetingRequest: plan.parts.calendar ? options.meetingRequest : undefined,
    internetCpid: '65001',
    flag: changeable.flag,
    contentClass: contentClass(view, cls),
    nativeBodyType: plan.parts.html ? 2 : 1,
    conversationId: convId,
    conversationIndex: conversationIndex(view, convId),
    lastVerbExecuted: verb,
    lastVerbExecutionTime: options.lastVerb?.time,
    receivedAsBcc: receivedAsBcc(view, options.userAddresses),
    sender: sender !== undefined && sender !== from ? sender : undefined,
    categories: changeable.categories,
    isDraft,
  };
}

const hasFlag =
  (flags: readonly string[]) =>
  (f: string): boolean =>
    flags.some((x) => x.toLowerCase() === f.toLowerCase());

/**
 * What IMAP lets another client change on a message, from its flags and keywords alone: Read
 * (\Seen), Flag (\Flagged with the details the gateway stored) and Categories (keywords). A
 * Sync Change of an e-mail carries exactly these.
 */
export function changeableFields(flags: readonly string[], storedFlag: EmailFlag | undefined): Pick<EmailItem, 'read' | 'flag' | 'categories'> {
  const has = hasFlag(flags);
  return { read: has('\\Seen'), flag: flagOf(has('\\Flagged'), storedFlag), categories: categoriesOf(flags) };
}

/**
 * \Flagged is an active flag (Status 2, "Flag for follow up") with whatever details were stored;
 * without \Flagged a stored completed flag stays complete (IMAP cannot say so) and anything else
 * is the empty <Flag/> MS-ASEMAIL 2.2.2.34 wants for an unflagged message.
 */
function flagOf(flagged: boolean, stored: EmailFlag | undefined): EmailFlag {
  if (flagged) return { ...stored, status: 2, flagType: stored?.flagType ?? FOLLOW_UP };
  if (stored?.status === 1) return stored;
  return {};
}

function attachmentsOf(view: MessageView, parts: ReturnType<typeof planBodyFetch>['parts'], options: ToEmailItemOptions): EmailAttachment[] {
  return findAttachments(view.structure, parts, options.meetingRequest !== undefined).map((a) => {
    const contentId = a.part.id?.trim().replace(/^<|>$/g, '');
    return {
      displayName: a.name,
      fileReference: options.fileReference(a.section, a),
      method: a.method,
      estimatedDataSize: decodedSize(a.part),
      contentId: contentId || undefined,
      contentLocation: a.part.location || undefined,
      isInline: a.isInline,
    };
  });
}

function receivedAsBcc(view: MessageView, own: readonly string[] | undefined): boolean | undefined {
  if (!own || own.length === 0 || (view.to === undefined && view.cc === undefined)) return undefined;
  const mine = (list: readonly MailAddress[] | undefined): boolean =>
    (list ?? []).some((a) => a.address !== undefined && own.some((o) => o.toLowerCase() === a.address!.toLowerCase()));
  return !(mine(view.to) || mine(view.cc));
}

/**
 * The header fields beyond ENVELOPE the converters read: the adapter fetches them with
 * BODY.PEEK[HEADER.FIELDS (...)] and puts References in `references`, the rest in `headers`.
 */
export const HEADER_FIELDS = ['References', 'Importance', 'X-Priority', 'X-MSMail-Priority', 'Priority', 'Content-Class', 'Thread-Topic'] as const;
