import type { CodePage } from './types.js';

/**
 * WBXML code page 16: GAL ([MS-ASWBXML] section 2.1.2.1.17).
 *
 * The namespace is "GAL" (libwbxml writes "Gal:").
 */
export const GAL: CodePage = {
  page: 16,
  namespace: 'GAL',
  tags: {
    0x05: 'DisplayName',
    0x06: 'Phone',
    0x07: 'Office',
    0x08: 'Title',
    0x09: 'Company',
    0x0A: 'Alias',
    0x0B: 'FirstName',
    0x0C: 'LastName',
    0x0D: 'HomePhone',
    0x0E: 'MobilePhone',
    0x0F: 'EmailAddress',
    0x10: 'Picture',
    0x11: 'Status',
    0x12: 'Data',
  },
};
