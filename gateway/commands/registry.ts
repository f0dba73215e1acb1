/**
 * Which EAS commands exist (the spec's table) and which this gateway implements
 * (the registry built in gateway/main.ts). Routing, the base64 query and OPTIONS all
 * read from here; adding a command is one handler file plus one row.
 */
import {
  compareVersions,
  type BodyKind,
  type CommandDefinition,
  type CommandName,
  type ProtocolVersion,
} from './types.js';

export interface KnownCommand {
  readonly name: CommandName;
  /** The base64 query's command code, MS-ASHTTP 2.2.1.1.1.1.2. */
  readonly code: number;
  readonly minVersion: ProtocolVersion;
  readonly maxVersion: ProtocolVersion;
}

/**
 * MS-ASHTTP 2.2.1.1.1.1.2 (codes; 5-8 belong to pre-2.5 commands and are unassigned
 * here) and MS-ASCMD 2.2.1.x "Protocol Versions" (ranges): Settings, ItemOperations,
 * ResolveRecipients and ValidateCert arrived in 12.0, Find in 16.1, and GetAttachment
 * is not supported from 14.0 on (ItemOperations Fetch replaces it).
 */
export const KNOWN_COMMANDS: readonly KnownCommand[] = [
  { name: 'Sync', code: 0, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'SendMail', code: 1, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'SmartForward', code: 2, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'SmartReply', code: 3, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'GetAttachment', code: 4, minVersion: '2.5', maxVersion: '12.1' },
  { name: 'FolderSync', code: 9, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'FolderCreate', code: 10, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'FolderDelete', code: 11, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'FolderUpdate', code: 12, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'MoveItems', code: 13, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'GetItemEstimate', code: 14, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'MeetingResponse', code: 15, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'Search', code: 16, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'Settings', code: 17, minVersion: '12.0', maxVersion: '16.1' },
  { name: 'Ping', code: 18, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'ItemOperations', code: 19, minVersion: '12.0', maxVersion: '16.1' },
  { name: 'Provision', code: 20, minVersion: '2.5', maxVersion: '16.1' },
  { name: 'ResolveRecipients', code: 21, minVersion: '12.0', maxVersion: '16.1' },
  { name: 'ValidateCert', code: 22, minVersion: '12.0', maxVersion: '16.1' },
  { name: 'Find', code: 23, minVersion: '16.1', maxVersion: '16.1' },
];

const byName = new Map(KNOWN_COMMANDS.map((c) => [c.name.toLowerCase(), c]));
const byCode = new Map(KNOWN_COMMANDS.map((c) => [c.code, c]));

/** Case-insensitive, since nothing is gained by refusing "sync" for "Sync". */
export function knownCommandByName(name: string): KnownCommand | undefined {
  return byName.get(name.toLowerCase());
}

export function knownCommandByCode(code: number): KnownCommand | undefined {
  return byCode.get(code);
}

/** SendMail, SmartReply and SmartForward carry raw MIME before 14.0 and WBXML from 14.0 on (MS-ASCMD 2.2.1.17). */
export function mimeBefore14(version: ProtocolVersion): BodyKind {
  return compareVersions(version, '14.0') < 0 ? 'mime' : 'wbxml';
}

/** A registry row with the spec's defaults filled in. */
export interface RegisteredCommand extends Required<Pick<CommandDefinition, 'minVersion' | 'maxVersion'>> {
  readonly name: CommandName;
  readonly code: number;
  readonly needsProvisioning: boolean;
  readonly handler: CommandDefinition['handler'];
  readonly statusResponse: CommandDefinition['statusResponse'];
  bodyKind(version: ProtocolVersion): BodyKind;
  supports(version: ProtocolVersion): boolean;
}

/** The commands this gateway implements. Immutable once built. */
export class CommandRegistry {
  readonly #rows: ReadonlyMap<CommandName, RegisteredCommand>;

  constructor(definitions: readonly CommandDefinition[] = []) {
    const rows = new Map<CommandName, RegisteredCommand>();
    for (const def of definitions) {
      if (rows.has(def.name)) throw new Error(`command ${def.name} registered twice`);
      rows.set(def.name, register(def));
    }
    this.#rows = rows;
  }

  get(name: CommandName): RegisteredCommand | undefined {
    return this.#rows.get(name);
  }

  /** Implemented command names in code order, for MS-ASProtocolCommands. */
  names(): CommandName[] {
    return [...this.#rows.values()].sort((a, b) => a.code - b.code).map((r) => r.name);
  }

  get size(): number {
    return this.#rows.size;
  }
}

function register(def: CommandDefinition): RegisteredCommand {
  const known = knownCommandByName(def.name);
  if (!known) throw new Error(`unknown EAS command ${def.name}`);
  const minVersion = def.minVersion ?? known.minVersion;
  const maxVersion = def.maxVersion ?? known.maxVersion;
  if (compareVersions(minVersion, maxVersion) > 0) throw new Error(`command ${def.name}: minVersion ${minVersion} is after maxVersion ${maxVersion}`);
  const body = def.body;
  return Object.freeze({
    name: known.name,
    code: known.code,
    minVersion,
    maxVersion,
    needsProvisioning: def.needsProvisioning,
    handler: def.handler,
    statusResponse: def.statusResponse,
    bodyKind: (version: ProtocolVersion) => (typeof body === 'function' ? body(version) : body),
    supports: (version: ProtocolVersion) => compareVersions(version, minVersion) >= 0 && compareVersions(version, maxVersion) <= 0,
  });
}

