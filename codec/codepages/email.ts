import type { CodePage } from './types.js';

/**
 * WBXML code page 2: Email ([MS-ASWBXML] section 2.1.2.1.3).
 */
export const Email: CodePage = {
  page: 2,
  namespace: 'Email',
  tags: {
    /** Protocol 2.5 only (12.0+ carries this in AirSyncBase). */
    0x05: 'Attachment',
    /** Protocol 2.5 only (12.0+ carries this in AirSyncBase). */
    0x06: 'Attachments',
    /** Protocol 2.5 only. */
    0x07: 'AttName',
    /** Protocol 2.5 only. */
    0x08: 'AttSize',
    /** Protocol 2.5 only. Spelled with the digit zero; libwbxml writes "AttOId" (letter O). */
    0x09: 'Att0Id',
    /** Protocol 2.5 only. */
    0x0A: 'AttMethod',
    /** Protocol 2.5 only; 12.0+ uses AirSyncBase:Body. */
    0x0C: 'Body',
    /** Protocol 2.5 only. */
    0x0D: 'BodySize',
    /** Protocol 2.5 only. */
    0x0E: 'BodyTruncated',
    0x0F: 'DateReceived',
    /** Protocol 2.5 only (attachment display name). */
    0x10: 'DisplayName',
    0x11: 'DisplayTo',
    0x12: 'Importance',
    0x13: 'MessageClass',
    0x14: 'Subject',
    0x15: 'Read',
    0x16: 'To',
    0x17: 'Cc',
    0x18: 'From',
    0x19: 'ReplyTo',
    0x1A: 'AllDayEvent',
    0x1B: 'Categories',
    0x1C: 'Category',
    0x1D: 'DtStamp',
    0x1E: 'EndTime',
    0x1F: 'InstanceType',
    0x20: 'BusyStatus',
    /** Not used in 16.x, where meeting requests carry AirSyncBase:Location. */
    0x21: 'Location',
    0x22: 'MeetingRequest',
    0x23: 'Organizer',
    0x24: 'RecurrenceId',
    0x25: 'Reminder',
    0x26: 'ResponseRequested',
    0x27: 'Recurrences',
    0x28: 'Recurrence',
    0x29: 'Type',
    0x2A: 'Until',
    0x2B: 'Occurrences',
    0x2C: 'Interval',
    0x2D: 'DayOfWeek',
    0x2E: 'DayOfMonth',
    0x2F: 'WeekOfMonth',
    0x30: 'MonthOfYear',
    0x31: 'StartTime',
    0x32: 'Sensitivity',
    0x33: 'TimeZone',
    0x34: 'GlobalObjId',
    0x35: 'ThreadTopic',
    /** Protocol 2.5 only. */
    0x36: 'MIMEData',
    /** Protocol 2.5 only. */
    0x37: 'MIMETruncated',
    /** Protocol 2.5 only. */
    0x38: 'MIMESize',
    0x39: 'InternetCPID',
    0x3A: 'Flag',
    /** The flag status (child of Flag); libwbxml calls it "FlagStatus". */
    0x3B: 'Status',
    0x3C: 'ContentClass',
    0x3D: 'FlagType',
    0x3E: 'CompleteTime',
    0x3F: 'DisallowNewTimeProposal',
  },
};
