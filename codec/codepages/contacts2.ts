import type { CodePage } from './types.js';

/**
 * WBXML code page 12: Contacts2 ([MS-ASWBXML] section 2.1.2.1.13).
 */
export const Contacts2: CodePage = {
  page: 12,
  namespace: 'Contacts2',
  tags: {
    0x05: 'CustomerId',
    0x06: 'GovernmentId',
    0x07: 'IMAddress',
    0x08: 'IMAddress2',
    0x09: 'IMAddress3',
    0x0A: 'ManagerName',
    0x0B: 'CompanyMainPhone',
    0x0C: 'AccountName',
    0x0D: 'NickName',
    0x0E: 'MMS',
  },
};
