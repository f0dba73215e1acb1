/** One WBXML code page of MS-ASWBXML: its number, namespace and token -> tag name table. */
export interface CodePage {
  /** Code page number, 0..25. */
  readonly page: number;
  /** Namespace without the trailing colon, e.g. "AirSync". */
  readonly namespace: string;
  /** Tag token (0x05..0x3F, without the content bit 0x40) -> tag name. */
  readonly tags: Readonly<Record<number, string>>;
}
