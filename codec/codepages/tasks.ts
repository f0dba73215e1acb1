import type { CodePage } from './types.js';

/**
 * WBXML code page 9: Tasks ([MS-ASWBXML] section 2.1.2.1.10).
 */
export const Tasks: CodePage = {
  page: 9,
  namespace: 'Tasks',
  tags: {
    /** Protocol 2.5 only; 12.0+ uses AirSyncBase:Body. */
    0x05: 'Body',
    /** Protocol 2.5 only. */
    0x06: 'BodySize',
    /** Protocol 2.5 only. */
    0x07: 'BodyTruncated',
    0x08: 'Categories',
    0x09: 'Category',
    0x0A: 'Complete',
    0x0B: 'DateCompleted',
    0x0C: 'DueDate',
    0x0D: 'UtcDueDate',
    0x0E: 'Importance',
    0x0F: 'Recurrence',
    0x10: 'Type',
    0x11: 'Start',
    0x12: 'Until',
    0x13: 'Occurrences',
    0x14: 'Interval',
    0x15: 'DayOfMonth',
    0x16: 'DayOfWeek',
    0x17: 'WeekOfMonth',
    0x18: 'MonthOfYear',
    0x19: 'Regenerate',
    0x1A: 'DeadOccur',
    0x1B: 'ReminderSet',
    0x1C: 'ReminderTime',
    0x1D: 'Sensitivity',
    0x1E: 'StartDate',
    0x1F: 'UtcStartDate',
    0x20: 'Subject',
    0x22: 'OrdinalDate',
    0x23: 'SubOrdinalDate',
    0x24: 'CalendarType',
    0x25: 'IsLeapMonth',
    0x26: 'FirstDayOfWeek',
  },
};
