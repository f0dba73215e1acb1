import type { CodePage } from './types.js';

/** Every code page of MS-ASWBXML, indexed by page number. Filled in per namespace file. */
export const CODE_PAGES: readonly CodePage[] = [];
