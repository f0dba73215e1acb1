/**
 * Errors of the item schema engine. A client's malformed ApplicationData is the client's fault
 * and maps to an EAS Status; a converter handing the encoder a value of the wrong type is ours.
 */

/**
 * A value in a client's ApplicationData that the schema cannot read (an Importance of "high", a
 * date that is not one). MS-ASCMD 2.2.3.177.17: Sync Status 6, "error in client/server conversion".
 */
export class ItemConversionError extends Error {
  /** The Status a Sync Add/Change response carries for this item. */
  readonly easStatus = 6;
  constructor(
    /** Element path, e.g. "ApplicationData/Email:Flag/Email:Status". */
    readonly path: string,
    /** Short machine-readable cause: not-int, not-bool, not-date, not-text, not-opaque, not-container. */
    readonly reason: string,
    detail: string,
  ) {
    super(`${detail}: ${path}`);
    this.name = 'ItemConversionError';
  }
}

/** The encoder got a property value of the wrong type for its field: a bug in the caller. */
export class ItemValueError extends TypeError {
  constructor(
    readonly path: string,
    expected: string,
    got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describe(got)}`);
    this.name = 'ItemValueError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}
