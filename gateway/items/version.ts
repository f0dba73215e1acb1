/**
 * The protocol versions an item schema can name. This is the same list as
 * `PROTOCOL_VERSIONS` in gateway/commands/types.ts (a unit test keeps them equal), repeated
 * here because item schemas sit below the commands: commands and converters import items,
 * never the other way round.
 */
export const ITEM_VERSIONS = ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'] as const;
export type ItemVersion = (typeof ITEM_VERSIONS)[number];

/** Negative when a is older than b. */
export function compareItemVersions(a: ItemVersion, b: ItemVersion): number {
  return ITEM_VERSIONS.indexOf(a) - ITEM_VERSIONS.indexOf(b);
}

/** Which versions carry a field: both bounds inclusive, either may be open. */
export interface VersionRange {
  readonly min?: ItemVersion;
  readonly max?: ItemVersion;
}

export function inRange(version: ItemVersion, range: VersionRange): boolean {
  if (range.min !== undefined && compareItemVersions(version, range.min) < 0) return false;
  if (range.max !== undefined && compareItemVersions(version, range.max) > 0) return false;
  return true;
}
