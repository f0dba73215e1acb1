import type { CodePage } from './types.js';

/**
 * WBXML code page 7: FolderHierarchy ([MS-ASWBXML] section 2.1.2.1.8).
 */
export const FolderHierarchy: CodePage = {
  page: 7,
  namespace: 'FolderHierarchy',
  tags: {
    0x05: 'Folders',
    0x06: 'Folder',
    0x07: 'DisplayName',
    0x08: 'ServerId',
    0x09: 'ParentId',
    0x0A: 'Type',
    0x0C: 'Status',
    0x0E: 'Changes',
    0x0F: 'Add',
    0x10: 'Delete',
    0x11: 'Update',
    0x12: 'SyncKey',
    0x13: 'FolderCreate',
    0x14: 'FolderDelete',
    0x15: 'FolderUpdate',
    0x16: 'FolderSync',
    0x17: 'Count',
  },
};
