/** The request line both query parsers produce (MS-ASHTTP 2.2.1.1.1). */
import type { CommandParameters } from '../commands/types.js';

export interface EasRequestLine {
  readonly encoding: 'plain' | 'base64';
  /** As sent (plain), or the name for the code (base64); undefined for an unassigned code. */
  readonly command: string | undefined;
  /** The base64 command code, kept so an unassigned code can be reported. */
  readonly commandCode?: number;
  /** The User parameter: informational only, authentication comes from Authorization. */
  readonly user?: string;
  readonly deviceId: string;
  readonly deviceType: string;
  /** "14.1" from the header or from the base64 version byte; not yet checked. */
  readonly protocolVersion?: string;
  readonly policyKey?: string;
  readonly locale?: number;
  readonly params: CommandParameters;
}

/** Limits that keep hostile request lines out of logs and the state store. */
export const MAX_ID_LENGTH = 128;

export const NO_PARAMS: CommandParameters = Object.freeze({ saveInSent: false, acceptMultiPart: false });

/** `{ key: value }` when value is defined, `{}` otherwise: keeps absent fields absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
