/**
 * easgate's EAS WBXML codec: a standalone library (no Koa, no config, no logging).
 *
 *   bytes --decode--> WbxmlElement tree --encode / encodeChunks / encodeToStream--> bytes
 *   tree <--fromXml / toXml--> XML text (logs, transcripts, fixtures, the CLI)
 *
 * Every failure is a CodecError: WbxmlError (bad bytes, with offset), EncodeError (bad tree, with
 * path), XmlError, SchemaError (typed accessors). Decode limits live in `limits.ts`.
 */
export { decode, decodeDocument, type DecodeOptions, type WbxmlDocument, type WbxmlHeader } from './decoder.js';
export {
  encode,
  encodePooled,
  BufferPool,
  encodeChunks,
  encodeToStream,
  encodedLength,
  EAS_HEADER,
  type ChunkSink,
  type BufferPoolOptions,
  type PooledBytes,
  type EncodeOptions,
  type EncodeStreamOptions,
  type EncodeToStreamOptions,
} from './encoder.js';
export { toXml, fromXml, LOG_REDACTIONS, WBXML_XML_NAMESPACE, type ToXmlOptions, type FromXmlOptions, type RedactOptions } from './xml.js';
export {
  CodecError,
  WbxmlError,
  EncodeError,
  XmlError,
  SchemaError,
  type WbxmlErrorReason,
  type EncodeErrorReason,
  type XmlErrorReason,
  type SchemaErrorReason,
} from './errors.js';
export { DEFAULT_DECODE_LIMITS, resolveLimits, type DecodeLimits } from './limits.js';
export { el, elUtf8, qname, textString, treesEqual, type WbxmlElement, type OpaqueSource } from './tree.js';
export {
  child,
  children,
  requireChild,
  textOf,
  requireText,
  intOf,
  requireInt,
  boolOf,
  requireBool,
  opaqueOf,
  requireOpaque,
  accessorsFor,
} from './access.js';
export { CODE_PAGES, pageByNamespace, tokenFor, type CodePage } from './codepages/index.js';
