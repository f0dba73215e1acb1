import type { CodePage } from './types.js';

/**
 * WBXML code page 11: ValidateCert ([MS-ASWBXML] section 2.1.2.1.12).
 */
export const ValidateCert: CodePage = {
  page: 11,
  namespace: 'ValidateCert',
  tags: {
    0x05: 'ValidateCert',
    0x06: 'Certificates',
    0x07: 'Certificate',
    0x08: 'CertificateChain',
    /**
     * MS-ASWBXML and the MS-ASCMD element section spell "CheckCRL"; the MS-ASCMD request XSD writes
     * "CheckCrl".
     */
    0x09: 'CheckCRL',
    0x0A: 'Status',
  },
};
