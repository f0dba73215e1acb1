import type { CodePage } from './types.js';

/**
 * WBXML code page 13: Ping ([MS-ASWBXML] section 2.1.2.1.14).
 */
export const Ping: CodePage = {
  page: 13,
  namespace: 'Ping',
  tags: {
    0x05: 'Ping',
    0x07: 'Status',
    0x08: 'HeartbeatInterval',
    0x09: 'Folders',
    0x0A: 'Folder',
    0x0B: 'Id',
    0x0C: 'Class',
    0x0D: 'MaxFolders',
  },
};
