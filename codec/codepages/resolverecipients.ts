import type { CodePage } from './types.js';

/**
 * WBXML code page 10: ResolveRecipients ([MS-ASWBXML] section 2.1.2.1.11).
 */
export const ResolveRecipients: CodePage = {
  page: 10,
  namespace: 'ResolveRecipients',
  tags: {
    0x05: 'ResolveRecipients',
    0x06: 'Response',
    0x07: 'Status',
    0x08: 'Type',
    0x09: 'Recipient',
    0x0A: 'DisplayName',
    0x0B: 'EmailAddress',
    0x0C: 'Certificates',
    0x0D: 'Certificate',
    0x0E: 'MiniCertificate',
    0x0F: 'Options',
    0x10: 'To',
    0x11: 'CertificateRetrieval',
    0x12: 'RecipientCount',
    0x13: 'MaxCertificates',
    0x14: 'MaxAmbiguousRecipients',
    0x15: 'CertificateCount',
    0x16: 'Availability',
    0x17: 'StartTime',
    0x18: 'EndTime',
    0x19: 'MergedFreeBusy',
    0x1A: 'Picture',
    0x1B: 'MaxSize',
    0x1C: 'Data',
    0x1D: 'MaxPictures',
  },
};
