import type { CodePage } from './types.js';

/**
 * WBXML code page 18: Settings ([MS-ASWBXML] section 2.1.2.1.19).
 */
export const Settings: CodePage = {
  page: 18,
  namespace: 'Settings',
  tags: {
    0x05: 'Settings',
    0x06: 'Status',
    0x07: 'Get',
    0x08: 'Set',
    0x09: 'Oof',
    0x0A: 'OofState',
    0x0B: 'StartTime',
    0x0C: 'EndTime',
    0x0D: 'OofMessage',
    0x0E: 'AppliesToInternal',
    0x0F: 'AppliesToExternalKnown',
    0x10: 'AppliesToExternalUnknown',
    0x11: 'Enabled',
    0x12: 'ReplyMessage',
    0x13: 'BodyType',
    0x14: 'DevicePassword',
    0x15: 'Password',
    0x16: 'DeviceInformation',
    0x17: 'Model',
    0x18: 'IMEI',
    0x19: 'FriendlyName',
    0x1A: 'OS',
    0x1B: 'OSLanguage',
    0x1C: 'PhoneNumber',
    0x1D: 'UserInformation',
    0x1E: 'EmailAddresses',
    /** libwbxml writes "SmtpAddress". */
    0x1F: 'SMTPAddress',
    0x20: 'UserAgent',
    0x21: 'EnableOutboundSMS',
    0x22: 'MobileOperator',
    0x23: 'PrimarySmtpAddress',
    0x24: 'Accounts',
    0x25: 'Account',
    0x26: 'AccountId',
    0x27: 'AccountName',
    0x28: 'UserDisplayName',
    0x29: 'SendDisabled',
    /** libwbxml 0.11.8 writes "ihsManagementInformation" (a truncated name). */
    0x2B: 'RightsManagementInformation',
  },
};
