import type { CodePage } from './types.js';

/**
 * WBXML code page 17: AirSyncBase ([MS-ASWBXML] section 2.1.2.1.18).
 */
export const AirSyncBase: CodePage = {
  page: 17,
  namespace: 'AirSyncBase',
  tags: {
    0x05: 'BodyPreference',
    0x06: 'Type',
    0x07: 'TruncationSize',
    0x08: 'AllOrNone',
    0x0A: 'Body',
    0x0B: 'Data',
    0x0C: 'EstimatedDataSize',
    0x0D: 'Truncated',
    0x0E: 'Attachments',
    0x0F: 'Attachment',
    0x10: 'DisplayName',
    0x11: 'FileReference',
    0x12: 'Method',
    0x13: 'ContentId',
    0x14: 'ContentLocation',
    0x15: 'IsInline',
    0x16: 'NativeBodyType',
    0x17: 'ContentType',
    0x18: 'Preview',
    0x19: 'BodyPartPreference',
    0x1A: 'BodyPart',
    0x1B: 'Status',
    /** 16.0+ (attachment changes on calendar items and drafts). */
    0x1C: 'Add',
    /** 16.0+. */
    0x1D: 'Delete',
    /** 16.0+. */
    0x1E: 'ClientId',
    /** 16.0+. */
    0x1F: 'Content',
    /** 16.0+ (replaces Email:Location and Calendar:Location). */
    0x20: 'Location',
    /** 16.0+. */
    0x21: 'Annotation',
    /** 16.0+. */
    0x22: 'Street',
    /** 16.0+. */
    0x23: 'City',
    /** 16.0+. */
    0x24: 'State',
    /** 16.0+. */
    0x25: 'Country',
    /** 16.0+. */
    0x26: 'PostalCode',
    /** 16.0+. */
    0x27: 'Latitude',
    /** 16.0+. */
    0x28: 'Longitude',
    /** 16.0+. */
    0x29: 'Accuracy',
    /** 16.0+. */
    0x2A: 'Altitude',
    /** 16.0+. */
    0x2B: 'AltitudeAccuracy',
    /** 16.0+. */
    0x2C: 'LocationUri',
    /** 16.0+ (identifies a recurrence instance; replaces Calendar:ExceptionStartTime). */
    0x2D: 'InstanceId',
  },
};
