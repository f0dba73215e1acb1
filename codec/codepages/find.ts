import type { CodePage } from './types.js';

/**
 * WBXML code page 25: Find ([MS-ASWBXML] section 2.1.2.1.26).
 *
 * Protocol 16.1 only. libwbxml 0.11.8 does not know this page at all.
 */
export const Find: CodePage = {
  page: 25,
  namespace: 'Find',
  tags: {
    0x05: 'Find',
    0x06: 'SearchId',
    0x07: 'ExecuteSearch',
    0x08: 'MailBoxSearchCriterion',
    0x09: 'Query',
    0x0A: 'Status',
    0x0B: 'FreeText',
    0x0C: 'Options',
    0x0D: 'Range',
    0x0E: 'DeepTraversal',
    0x11: 'Response',
    0x12: 'Result',
    0x13: 'Properties',
    0x14: 'Preview',
    0x15: 'HasAttachments',
    0x16: 'Total',
    0x17: 'DisplayCc',
    0x18: 'DisplayBcc',
    0x19: 'GalSearchCriterion',
    0x20: 'MaxPictures',
    0x21: 'MaxSize',
    0x22: 'Picture',
  },
};
