import type { CodePage } from './types.js';

/**
 * WBXML code page 21: ComposeMail ([MS-ASWBXML] section 2.1.2.1.22).
 */
export const ComposeMail: CodePage = {
  page: 21,
  namespace: 'ComposeMail',
  tags: {
    0x05: 'SendMail',
    0x06: 'SmartForward',
    0x07: 'SmartReply',
    0x08: 'SaveInSentItems',
    0x09: 'ReplaceMime',
    0x0B: 'Source',
    0x0C: 'FolderId',
    0x0D: 'ItemId',
    0x0E: 'LongId',
    0x0F: 'InstanceId',
    /** libwbxml writes "MIME". */
    0x10: 'Mime',
    0x11: 'ClientId',
    0x12: 'Status',
    0x13: 'AccountId',
    /** 16.0+. */
    0x15: 'Forwardees',
    /** 16.0+. */
    0x16: 'Forwardee',
    /**
     * 16.0+. Forwardee display name; earlier revisions of the specification (and the Interop-TestSuites
     * XSD, and libwbxml) call it "ForwardeeName".
     */
    0x17: 'Name',
    /**
     * 16.0+. Forwardee address; earlier revisions (and the Interop-TestSuites XSD, and libwbxml) call it
     * "ForwardeeEmail".
     */
    0x18: 'Email',
  },
};
