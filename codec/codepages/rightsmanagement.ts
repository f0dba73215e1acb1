import type { CodePage } from './types.js';

/**
 * WBXML code page 24: RightsManagement ([MS-ASWBXML] section 2.1.2.1.25).
 */
export const RightsManagement: CodePage = {
  page: 24,
  namespace: 'RightsManagement',
  tags: {
    0x05: 'RightsManagementSupport',
    0x06: 'RightsManagementTemplates',
    0x07: 'RightsManagementTemplate',
    0x08: 'RightsManagementLicense',
    0x09: 'EditAllowed',
    0x0A: 'ReplyAllowed',
    0x0B: 'ReplyAllAllowed',
    0x0C: 'ForwardAllowed',
    0x0D: 'ModifyRecipientsAllowed',
    0x0E: 'ExtractAllowed',
    0x0F: 'PrintAllowed',
    0x10: 'ExportAllowed',
    0x11: 'ProgrammaticAccessAllowed',
    /** libwbxml writes "RMOwner". */
    0x12: 'Owner',
    0x13: 'ContentExpiryDate',
    0x14: 'TemplateID',
    0x15: 'TemplateName',
    0x16: 'TemplateDescription',
    0x17: 'ContentOwner',
    /** libwbxml writes "RemoveRightsManagementDistribution". */
    0x18: 'RemoveRightsManagementProtection',
  },
};
