/**
 * A small subset of MS-ASWBXML for unit tests that must not depend on the full tables
 * (codec/codepages/, written separately). Values from MS-ASWBXML 2.1.2.1.
 */
import type { CodePage } from '../../../../codec/codepages/types.js';

export const AIRSYNC: CodePage = {
  page: 0,
  namespace: 'AirSync',
  tags: {
    0x05: 'Sync', 0x06: 'Responses', 0x07: 'Add', 0x08: 'Change', 0x09: 'Delete', 0x0a: 'Fetch',
    0x0b: 'SyncKey', 0x0c: 'ClientId', 0x0d: 'ServerId', 0x0e: 'Status', 0x0f: 'Collection',
    0x10: 'Class', 0x12: 'CollectionId', 0x13: 'GetChanges', 0x14: 'MoreAvailable', 0x15: 'WindowSize',
    0x16: 'Commands', 0x17: 'Options', 0x18: 'FilterType', 0x1b: 'Conflict', 0x1c: 'Collections',
    0x1d: 'ApplicationData', 0x1e: 'DeletesAsMoves', 0x20: 'Supported', 0x21: 'SoftDelete',
    0x22: 'MIMESupport', 0x23: 'MIMETruncation', 0x24: 'Wait', 0x25: 'Limit', 0x26: 'Partial',
    0x27: 'ConversationMode', 0x28: 'MaxItems', 0x29: 'HeartbeatInterval',
  },
};

export const EMAIL: CodePage = {
  page: 2,
  namespace: 'Email',
  tags: {
    0x0f: 'DateReceived', 0x11: 'DisplayTo', 0x12: 'Importance', 0x13: 'MessageClass', 0x14: 'Subject',
    0x15: 'Read', 0x16: 'To', 0x17: 'Cc', 0x18: 'From', 0x19: 'ReplyTo',
  },
};

export const FOLDER_HIERARCHY: CodePage = {
  page: 7,
  namespace: 'FolderHierarchy',
  tags: {
    0x07: 'DisplayName', 0x08: 'ServerId', 0x09: 'ParentId', 0x0a: 'Type', 0x0c: 'Status', 0x0e: 'Changes',
    0x0f: 'Add', 0x10: 'Delete', 0x11: 'Update', 0x12: 'SyncKey', 0x13: 'FolderCreate', 0x14: 'FolderDelete',
    0x15: 'FolderUpdate', 0x16: 'FolderSync', 0x17: 'Count',
  },
};

export const AIRSYNCBASE: CodePage = {
  page: 17,
  namespace: 'AirSyncBase',
  tags: {
    0x05: 'BodyPreference', 0x06: 'Type', 0x07: 'TruncationSize', 0x08: 'AllOrNone', 0x0a: 'Body', 0x0b: 'Data',
    0x0c: 'EstimatedDataSize', 0x0d: 'Truncated', 0x0e: 'Attachments', 0x0f: 'Attachment', 0x10: 'DisplayName',
    0x11: 'FileReference', 0x12: 'Method', 0x13: 'ContentId', 0x14: 'ContentLocation', 0x15: 'IsInline',
    0x16: 'NativeBodyType', 0x17: 'ContentType', 0x18: 'Preview',
  },
};

export const COMPOSEMAIL: CodePage = {
  page: 21,
  namespace: 'ComposeMail',
  tags: {
    0x05: 'SendMail', 0x06: 'SmartForward', 0x07: 'SmartReply', 0x08: 'SaveInSentItems', 0x09: 'ReplaceMime',
    0x0b: 'Source', 0x0c: 'FolderId', 0x0d: 'ItemId', 0x0e: 'LongId', 0x0f: 'InstanceId', 0x10: 'MIME',
    0x11: 'ClientId', 0x12: 'Status', 0x13: 'AccountId',
  },
};

/** The local table: pages 0, 2, 7, 17, 21. */
export const LOCAL_PAGES: readonly CodePage[] = [AIRSYNC, EMAIL, FOLDER_HIERARCHY, AIRSYNCBASE, COMPOSEMAIL];
