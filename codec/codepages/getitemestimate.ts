import type { CodePage } from './types.js';

/**
 * WBXML code page 6: GetItemEstimate ([MS-ASWBXML] section 2.1.2.1.7).
 */
export const GetItemEstimate: CodePage = {
  page: 6,
  namespace: 'GetItemEstimate',
  tags: {
    0x05: 'GetItemEstimate',
    0x07: 'Collections',
    0x08: 'Collection',
    0x09: 'Class',
    0x0A: 'CollectionId',
    0x0C: 'Estimate',
    0x0D: 'Response',
    0x0E: 'Status',
  },
};
