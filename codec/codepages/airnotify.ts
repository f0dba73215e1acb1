import type { CodePage } from './types.js';

/**
 * WBXML code page 3: AirNotify ([MS-ASWBXML] section 2.1.2.1.4).
 *
 * MS-ASWBXML marks this code page as no longer in use: tokens 0x05-0x17 are defined, but the
 * specification does not name them. The names below are the ones libwbxml and other
 * implementations use, kept so that a stray AirNotify token decodes to something readable.
 */
export const AirNotify: CodePage = {
  page: 3,
  namespace: 'AirNotify',
  tags: {
    0x05: 'Notify',
    0x06: 'Notification',
    0x07: 'Version',
    0x08: 'LifeTime',
    0x09: 'DeviceInfo',
    0x0A: 'Enable',
    0x0B: 'Folder',
    0x0C: 'ServerId',
    0x0D: 'DeviceAddress',
    0x0E: 'ValidCarrierProfiles',
    0x0F: 'CarrierProfile',
    0x10: 'Status',
    0x11: 'Responses',
    0x12: 'Devices',
    0x13: 'Device',
    0x14: 'Id',
    0x15: 'Expiry',
    0x16: 'NotifyGUID',
    0x17: 'DeviceFriendlyName',
  },
};
