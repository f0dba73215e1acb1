import type { CodePage } from './types.js';

/**
 * WBXML code page 8: MeetingResponse ([MS-ASWBXML] section 2.1.2.1.9).
 */
export const MeetingResponse: CodePage = {
  page: 8,
  namespace: 'MeetingResponse',
  tags: {
    0x05: 'CalendarId',
    0x06: 'CollectionId',
    0x07: 'MeetingResponse',
    0x08: 'RequestId',
    0x09: 'Request',
    0x0A: 'Result',
    0x0B: 'Status',
    0x0C: 'UserResponse',
    0x0E: 'InstanceId',
    /** 16.0+. */
    0x10: 'ProposedStartTime',
    /** 16.0+. */
    0x11: 'ProposedEndTime',
    /** 16.0+. */
    0x12: 'SendResponse',
  },
};
