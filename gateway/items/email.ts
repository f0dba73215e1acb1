/**
 * The Email class (MS-ASEMAIL, with the AirSyncBase elements of MS-ASAIRS) as a declarative
 * schema: what a Sync response carries for one message, per protocol version 2.5 ... 16.1.
 *
 * Element order: the XSDs allow any order inside ApplicationData (a repeated choice), but some
 * clients read positionally, so the order is the one Exchange writes and MS-ASEMAIL's examples
 * show: To, Cc, From, Subject, ReplyTo, DateReceived, DisplayTo, ThreadTopic, Importance, Read,
 * Attachments, Body, MessageClass, MeetingRequest, InternetCPID, Flag, ContentClass,
 * NativeBodyType, then the Email2 elements, Categories last. Inside containers the order is the
 * one MS-ASAIRS/MS-ASEMAIL list (Body: Type, EstimatedDataSize, Truncated, Data, Preview).
 */
import { el } from '../../codec/tree.js';
import { ItemValueError } from './errors.js';
import { fieldsOf, type CustomCodec, type ItemSchema } from './schema.js';
import { encodeScalar } from './values.js';

const EM = 'Email';
const E2 = 'Email2';
const ASB = 'AirSyncBase';
const TK = 'Tasks';

/** MS-ASAIRS 2.2.2.41.1 Type: 1 plain text, 2 HTML, 3 RTF, 4 MIME. */
export type BodyType = 1 | 2 | 3 | 4;

/** AirSyncBase:Body (12.0+); at 2.5 the same value becomes Email:Body/BodySize/BodyTruncated or MIMEData/MIMESize/MIMETruncated. */
export interface EmailBody {
  readonly type: BodyType;
  /** The size of the whole body in this type, in bytes (MS-ASAIRS 2.2.2.23.2: an estimate). */
  readonly estimatedDataSize?: number;
  readonly truncated?: boolean;
  /** Absent with AllOrNone when the body exceeds TruncationSize. Bytes for MIME that is not UTF-8. */
  readonly data?: string | Uint8Array;
  /** 14.0+: up to 255 characters of plain text. */
  readonly preview?: string;
}

/** AirSyncBase:Attachment (12.0+) or 2.5's Email:Attachment (AttName, AttSize, AttMethod, DisplayName). */
export interface EmailAttachment {
  readonly displayName?: string;
  /** What the client hands back to ItemOperations/GetAttachment; 2.5's AttName. */
  readonly fileReference: string;
  /** MS-ASAIRS 2.2.2.31: 1 normal attachment, 5 embedded message, 6 OLE. */
  readonly method?: number;
  readonly estimatedDataSize?: number;
  readonly contentId?: string;
  readonly contentLocation?: string;
  readonly isInline?: boolean;
  /** 2.5's Email:Att0Id. Never set by the converters: Microsoft's Email.xsd does not allow it in Attachment. */
  readonly att0Id?: string;
}

/** Email:Flag. An empty object is the empty `<Flag/>` MS-ASEMAIL 2.2.2.34 asks for when nothing is flagged. */
export interface EmailFlag {
  readonly subject?: string;
  /** 0 cleared, 1 complete, 2 active (MS-ASEMAIL 2.2.2.74). */
  readonly status?: 0 | 1 | 2;
  readonly flagType?: string;
  readonly dateCompleted?: Date;
  readonly completeTime?: Date;
  readonly startDate?: Date;
  readonly dueDate?: Date;
  readonly utcStartDate?: Date;
  readonly utcDueDate?: Date;
  readonly reminderSet?: boolean;
  readonly reminderTime?: Date;
  readonly ordinalDate?: Date;
  readonly subOrdinalDate?: string;
}

/**
 * Email:MeetingRequest: a seam for the Calendar converter (iMIP -> MeetingRequest). The scalar
 * elements are declared; Recurrences, airsyncbase:Location (16.x) and the 16.x Forwardees/UID
 * branch come with the Calendar class.
 */
export interface EmailMeetingRequest {
  readonly allDayEvent?: number;
  readonly startTime?: Date;
  readonly dtStamp?: Date;
  readonly endTime?: Date;
  readonly instanceType?: number;
  readonly location?: string;
  readonly organizer?: string;
  readonly recurrenceId?: Date;
  readonly reminder?: number;
  readonly responseRequested?: number;
  readonly sensitivity?: number;
  readonly busyStatus?: number;
  /** Base64 of the 172-byte TIME_ZONE_INFORMATION (MS-ASDTYPE 2.7.4). */
  readonly timeZone?: string;
  readonly globalObjId?: string;
  readonly disallowNewTimeProposal?: number;
  readonly meetingMessageType?: number;
}

export interface EmailItem {
  /** `"Name" <addr>` entries, comma-separated (MS-ASDTYPE 2.7.3). */
  readonly to?: string;
  readonly cc?: string;
  /** 16.0+ drafts only. */
  readonly bcc?: string;
  readonly from?: string;
  readonly subject?: string;
  readonly replyTo?: string;
  readonly dateReceived?: Date;
  /** Display names of the To recipients, separated by "; ". */
  readonly displayTo?: string;
  readonly threadTopic?: string;
  /** 0 low, 1 normal, 2 high. */
  readonly importance?: 0 | 1 | 2;
  readonly read?: boolean;
  readonly attachments?: readonly EmailAttachment[];
  readonly body?: EmailBody;
  readonly messageClass?: string;
  readonly meetingRequest?: EmailMeetingRequest;
  /** The code page of the message, as a decimal string ("65001": the gateway always sends UTF-8). */
  readonly internetCpid?: string;
  readonly flag?: EmailFlag;
  readonly contentClass?: string;
  /** MS-ASAIRS 2.2.2.32: the type the message is stored in (1 plain, 2 HTML, 3 RTF). */
  readonly nativeBodyType?: BodyType;
  readonly conversationId?: Uint8Array;
  readonly conversationIndex?: Uint8Array;
  /** 0 unknown, 1 REPLYTOSENDER, 2 REPLYTOALL, 3 FORWARD (MS-ASEMAIL 2.2.2.44). */
  readonly lastVerbExecuted?: 0 | 1 | 2 | 3;
  readonly lastVerbExecutionTime?: Date;
  readonly receivedAsBcc?: boolean;
  readonly sender?: string;
  /** An empty list is the empty `<Categories/>` an Add carries when none are set (MS-ASEMAIL 2.2.2.16). */
  readonly categories?: readonly string[];
  readonly umCallerId?: string;
  readonly umUserNotes?: string;
  readonly accountId?: string;
  readonly isDraft?: boolean;
}

const A = fieldsOf<EmailAttachment>();

export const ATTACHMENT_SCHEMA: ItemSchema<EmailAttachment> = {
  name: 'AirSyncBase:Attachment',
  fields: [
    A.string(ASB, 'DisplayName', 'displayName'),
    A.string(ASB, 'FileReference', 'fileReference'),
    A.int(ASB, 'Method', 'method'),
    A.int(ASB, 'EstimatedDataSize', 'estimatedDataSize'),
    A.string(ASB, 'ContentId', 'contentId'),
    A.string(ASB, 'ContentLocation', 'contentLocation'),
    A.bool(ASB, 'IsInline', 'isInline'),
  ],
};

/** Email.xsd's 2.5 Attachment is a sequence AttName, AttSize, AttMethod, DisplayName. */
export const ATTACHMENT_25_SCHEMA: ItemSchema<EmailAttachment> = {
  name: 'Email:Attachment',
  fields: [
    A.string(EM, 'AttName', 'fileReference'),
    A.int(EM, 'AttSize', 'estimatedDataSize'),
    A.int(EM, 'AttMethod', 'method'),
    A.string(EM, 'DisplayName', 'displayName'),
    A.string(EM, 'Att0Id', 'att0Id'),
  ],
};

const B = fieldsOf<EmailBody>();

export const BODY_SCHEMA: ItemSchema<EmailBody> = {
  name: 'AirSyncBase:Body',
  fields: [
    B.int(ASB, 'Type', 'type'),
    B.int(ASB, 'EstimatedDataSize', 'estimatedDataSize'),
    B.bool(ASB, 'Truncated', 'truncated'),
    B.textOrOpaque(ASB, 'Data', 'data'),
    B.string(ASB, 'Preview', 'preview', { min: '14.0' }),
  ],
};

/**
 * 2.5 has no Body container: plain text goes as Email:Body, BodySize, BodyTruncated and MIME (for
 * MIMESupport) as Email:MIMEData, MIMESize, MIMETruncated, each group in Email.xsd's order.
 * Sizes are sent only when known; 2.5 counts them in characters, which the converter provides.
 */
const BODY_25: CustomCodec = {
  encode(value, _version, _field, path) {
    const body = value as EmailBody;
    if (typeof body !== 'object' || body === null || ![1, 4].includes(body.type)) {
      throw new ItemValueError(path, 'a body of type 1 or 4 (2.5 has neither HTML nor RTF)', value);
    }
    const [data, size, truncated] = body.type === 4 ? ['MIMEData', 'MIMESize', 'MIMETruncated'] : ['Body', 'BodySize', 'BodyTruncated'];
    const out = [];
    if (body.data !== undefined) out.push(encodeScalar('text-or-opaque', EM, data, body.data, `${path}/${data}`));
    if (body.estimatedDataSize !== undefined) out.push(encodeScalar('int', EM, size, body.estimatedDataSize, `${path}/${size}`));
    out.push(el(EM, truncated, body.truncated ? '1' : '0'));
    return out;
  },
};

const FL = fieldsOf<EmailFlag>();

/** MS-ASEMAIL 2.2.2.34: the children in the order it lists them. */
export const FLAG_SCHEMA: ItemSchema<EmailFlag> = {
  name: 'Email:Flag',
  fields: [
    FL.string(TK, 'Subject', 'subject'),
    FL.int(EM, 'Status', 'status'),
    FL.string(EM, 'FlagType', 'flagType'),
    FL.emailDate(TK, 'DateCompleted', 'dateCompleted'),
    FL.emailDate(EM, 'CompleteTime', 'completeTime'),
    FL.emailDate(TK, 'StartDate', 'startDate'),
    FL.emailDate(TK, 'DueDate', 'dueDate'),
    FL.emailDate(TK, 'UtcStartDate', 'utcStartDate'),
    FL.emailDate(TK, 'UtcDueDate', 'utcDueDate'),
    FL.bool(TK, 'ReminderSet', 'reminderSet'),
    FL.emailDate(TK, 'ReminderTime', 'reminderTime'),
    FL.emailDate(TK, 'OrdinalDate', 'ordinalDate'),
    FL.string(TK, 'SubOrdinalDate', 'subOrdinalDate'),
  ],
};

const M = fieldsOf<EmailMeetingRequest>();

/** Email.xsd's MeetingRequest sequence, scalar part. */
export const MEETING_REQUEST_SCHEMA: ItemSchema<EmailMeetingRequest> = {
  name: 'Email:MeetingRequest',
  fields: [
    M.int(EM, 'AllDayEvent', 'allDayEvent'),
    M.emailDate(EM, 'StartTime', 'startTime'),
    M.emailDate(EM, 'DtStamp', 'dtStamp'),
    M.emailDate(EM, 'EndTime', 'endTime'),
    M.int(EM, 'InstanceType', 'instanceType'),
    // 16.x carries the location in airsyncbase:Location, which comes with the Calendar class.
    M.string(EM, 'Location', 'location', { max: '14.1' }),
    M.string(EM, 'Organizer', 'organizer'),
    M.emailDate(EM, 'RecurrenceId', 'recurrenceId'),
    M.int(EM, 'Reminder', 'reminder'),
    M.int(EM, 'ResponseRequested', 'responseRequested'),
    M.int(EM, 'Sensitivity', 'sensitivity'),
    M.int(EM, 'BusyStatus', 'busyStatus'),
    M.string(EM, 'TimeZone', 'timeZone'),
    M.string(EM, 'GlobalObjId', 'globalObjId'),
    M.int(EM, 'DisallowNewTimeProposal', 'disallowNewTimeProposal'),
    M.int(E2, 'MeetingMessageType', 'meetingMessageType', { min: '14.1' }),
  ],
};

const F = fieldsOf<EmailItem>();

export const EMAIL_SCHEMA: ItemSchema<EmailItem> = {
  name: 'Email',
  fields: [
    F.string(EM, 'To', 'to'),
    F.string(EM, 'Cc', 'cc'),
    F.string(E2, 'Bcc', 'bcc', { min: '16.0' }),
    F.string(EM, 'From', 'from'),
    F.string(EM, 'Subject', 'subject'),
    F.string(EM, 'ReplyTo', 'replyTo'),
    F.emailDate(EM, 'DateReceived', 'dateReceived'),
    F.string(EM, 'DisplayTo', 'displayTo'),
    F.string(EM, 'ThreadTopic', 'threadTopic'),
    F.int(EM, 'Importance', 'importance'),
    F.bool(EM, 'Read', 'read'),
    F.containerList(EM, 'Attachments', 'Attachment', 'attachments', ATTACHMENT_25_SCHEMA, { max: '2.5' }),
    F.containerList(ASB, 'Attachments', 'Attachment', 'attachments', ATTACHMENT_SCHEMA, { min: '12.0' }),
    F.custom(EM, 'Body', 'body', BODY_25, { max: '2.5' }),
    F.container(ASB, 'Body', 'body', BODY_SCHEMA, { min: '12.0' }),
    F.string(EM, 'MessageClass', 'messageClass'),
    F.container(EM, 'MeetingRequest', 'meetingRequest', MEETING_REQUEST_SCHEMA),
    F.string(EM, 'InternetCPID', 'internetCpid'),
    F.container(EM, 'Flag', 'flag', FLAG_SCHEMA, { min: '12.0' }),
    F.string(EM, 'ContentClass', 'contentClass', { min: '12.0' }),
    F.int(ASB, 'NativeBodyType', 'nativeBodyType', { min: '12.0' }),
    // MS-ASEMAIL 2.2.2.21: a client that sends ConversationId in a Change gets Status 6.
    F.opaque(E2, 'ConversationId', 'conversationId', { min: '14.0', readOnly: true }),
    F.opaque(E2, 'ConversationIndex', 'conversationIndex', { min: '14.0', readOnly: true }),
    F.int(E2, 'LastVerbExecuted', 'lastVerbExecuted', { min: '14.0' }),
    F.emailDate(E2, 'LastVerbExecutionTime', 'lastVerbExecutionTime', { min: '14.0' }),
    F.bool(E2, 'ReceivedAsBcc', 'receivedAsBcc', { min: '14.0' }),
    F.string(E2, 'Sender', 'sender', { min: '14.0' }),
    F.stringList(EM, 'Categories', 'Category', 'categories', { min: '14.0' }),
    F.string(E2, 'UmCallerID', 'umCallerId', { min: '14.0' }),
    F.string(E2, 'UmUserNotes', 'umUserNotes', { min: '14.0' }),
    F.string(E2, 'AccountId', 'accountId', { min: '14.1' }),
    F.bool(E2, 'IsDraft', 'isDraft', { min: '16.0' }),
  ],
};
