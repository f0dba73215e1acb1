import type { CodePage } from './types.js';

/**
 * WBXML code page 19: DocumentLibrary ([MS-ASWBXML] section 2.1.2.1.20).
 */
export const DocumentLibrary: CodePage = {
  page: 19,
  namespace: 'DocumentLibrary',
  tags: {
    0x05: 'LinkId',
    0x06: 'DisplayName',
    0x07: 'IsFolder',
    0x08: 'CreationDate',
    0x09: 'LastModifiedDate',
    0x0A: 'IsHidden',
    0x0B: 'ContentLength',
    0x0C: 'ContentType',
  },
};
