import type { CodePage } from './types.js';

/**
 * WBXML code page 23: Notes ([MS-ASWBXML] section 2.1.2.1.24).
 */
export const Notes: CodePage = {
  page: 23,
  namespace: 'Notes',
  tags: {
    0x05: 'Subject',
    0x06: 'MessageClass',
    0x07: 'LastModifiedDate',
    0x08: 'Categories',
    0x09: 'Category',
  },
};
