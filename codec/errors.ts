/**
 * The codec's error classes. Every failure the codec reports is a `CodecError`, so a caller
 * (the HTTP edge, the CLI) needs exactly one `instanceof` check; the subclass says where it came from:
 *
 * - `WbxmlError`: bytes that are not an acceptable EAS WBXML document. `offset` is the byte offset
 *   of the offending token (or the input length when the input ended early).
 * - `EncodeError`: a tree the encoder cannot write (unknown namespace/tag, mixed content, ...);
 *   `path` names the element.
 * - `XmlError`: XML text that `fromXml` cannot turn into a tree.
 * - `SchemaError`: a typed accessor found a missing or malformed element; `path` names it.
 */

/** Short machine-readable codes. `limit:*` codes are the `DecodeLimits` fields that were exceeded. */
export type WbxmlErrorReason =
  | 'truncated'
  | 'version'
  | 'charset'
  | 'mb-u-int32'
  | 'string-table'
  | 'unknown-page'
  | 'unknown-token'
  | 'attribute'
  | 'unsupported-token'
  | 'mixed-content'
  | 'unbalanced-end'
  | 'text-outside-root'
  | 'trailing-data'
  | 'invalid-utf8'
  | 'limit:input'
  | 'limit:depth'
  | 'limit:elements'
  | 'limit:string'
  | 'limit:opaque'
  | 'limit:string-table';

export type EncodeErrorReason =
  | 'unknown-namespace'
  | 'unknown-tag'
  | 'mixed-content'
  | 'nul-in-text'
  | 'opaque-source-sync'
  | 'opaque-source-length'
  | 'stream-closed';

export type XmlErrorReason = 'xml' | 'namespace' | 'attribute' | 'mixed-content' | 'base64' | 'redacted';

export type SchemaErrorReason = 'missing' | 'not-text' | 'not-int' | 'not-bool' | 'not-opaque';

/** Base class of every error the codec throws. */
export class CodecError extends Error {
  readonly reason: string;
  /** The message without the location (offset or path) that `message` appends. */
  readonly detail: string;
  constructor(reason: string, message: string, detail: string = message) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
    this.detail = detail;
  }
}

/** Malformed, unsupported or over-limit WBXML input. */
export class WbxmlError extends CodecError {
  declare readonly reason: WbxmlErrorReason;
  /** Byte offset into the input where the problem was found. */
  readonly offset: number;
  constructor(reason: WbxmlErrorReason, message: string, offset: number) {
    super(reason, `${message} (at offset ${offset})`, message);
    this.offset = offset;
  }
}

/** A tree the encoder cannot write. */
export class EncodeError extends CodecError {
  declare readonly reason: EncodeErrorReason;
  /** Slash-separated element path from the root, e.g. "Sync/Collections/Collection/Foo". */
  readonly path: string;
  constructor(reason: EncodeErrorReason, message: string, path: string) {
    super(reason, path ? `${message} at ${path}` : message, message);
    this.path = path;
  }
}

/** XML text that cannot be read into an element tree. */
export class XmlError extends CodecError {
  declare readonly reason: XmlErrorReason;
  constructor(reason: XmlErrorReason, message: string) {
    super(reason, message);
  }
}

/** A typed accessor did not find what the caller requires. */
export class SchemaError extends CodecError {
  declare readonly reason: SchemaErrorReason;
  /** Slash-separated path of the missing or malformed element, e.g. "Collection/AirSync:SyncKey". */
  readonly path: string;
  constructor(reason: SchemaErrorReason, message: string, path: string) {
    super(reason, `${message}: ${path}`, message);
    this.path = path;
  }
}
