import type { CodePage } from './types.js';

/**
 * WBXML code page 5: Move ([MS-ASWBXML] section 2.1.2.1.6).
 */
export const Move: CodePage = {
  page: 5,
  namespace: 'Move',
  tags: {
    0x05: 'MoveItems',
    0x06: 'Move',
    0x07: 'SrcMsgId',
    0x08: 'SrcFldId',
    0x09: 'DstFldId',
    0x0A: 'Response',
    0x0B: 'Status',
    0x0C: 'DstMsgId',
  },
};
