/**
 * The Sync request (MS-ASCMD 2.2.1.21) as typed values, for every protocol version: 2.5's
 * Class and its options directly in Collection, 12.x-16.x's Options (the one for the
 * collection's own class; a second Options for SMS is ignored), Commands, and the 12.1+
 * request-level Wait, HeartbeatInterval, WindowSize and Partial. Anything unreadable is a
 * SyncRequestError (Status 4); ranges of Wait and HeartbeatInterval are the handler's to check.
 */
import { boolOf, child, children, intOf, SchemaError, textOf, type WbxmlElement } from '../../../codec/index.js';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import { BodyOptionsError, hasBodyOptions, parseBodyRequest } from '../email/body-options.js';

const AS = 'AirSync';

/** At most this many collections in one request; more is a protocol error, not a workload. */
export const MAX_COLLECTIONS = 500;
/** At most this many client operations in one collection. */
export const MAX_COMMANDS = 1000;

/** The same shape as client-changes.ts ClientCommand (structural), kept here so parsing stands alone. */
export type SyncClientCommand =
  | { readonly kind: 'add'; readonly clientId: string; readonly data: readonly WbxmlElement[]; readonly send?: true }
  | { readonly kind: 'change'; readonly serverId: string; readonly data: readonly WbxmlElement[]; readonly send?: true }
  | { readonly kind: 'delete'; readonly serverId: string };

export interface SyncOptions {
  /** Absent: the FilterType the collection was last synced with. */
  readonly filterType?: number;
  /** 0 client wins, 1 server wins. */
  readonly conflict?: 0 | 1;
  readonly body: BodyRequest;
  /** Whether the Options carried body settings at all (an empty Options keeps earlier ones). */
  readonly hasBody: boolean;
}

export interface SyncCollectionRequest {
  readonly syncKey: string;
  readonly collectionId: string;
  /** 2.5 (and 12.0) name the class in the collection. */
  readonly className?: string;
  /** Absent: true. */
  readonly deletesAsMoves?: boolean;
  /** Absent: true, except for SyncKey 0. */
  readonly getChanges?: boolean;
  readonly windowSize?: number;
  /** Absent when the client sent no Options (nor, at 2.5, options in the collection). */
  readonly options?: SyncOptions;
  readonly commands: readonly SyncClientCommand[];
  /** ServerIds of Fetch operations, in request order. */
  readonly fetches: readonly string[];
}

export interface SyncRequest {
  /** Undefined for an empty request, or one without Collections. */
  readonly collections?: readonly SyncCollectionRequest[];
  /** Minutes (12.1+). */
  readonly wait?: number;
  /** Seconds (14.0+). */
  readonly heartbeatInterval?: number;
  readonly windowSize?: number;
  readonly partial: boolean;
}

export class SyncRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SyncRequestError';
  }
}

/** root undefined: the empty Sync request (12.1+), answered from the cached one. */
export function parseSyncRequest(root: WbxmlElement | undefined): SyncRequest {
  if (!root) return { partial: false };
  if (root.ns !== AS || root.tag !== 'Sync') throw new SyncRequestError(`Sync body has root ${root.ns}:${root.tag}`);
  try {
    const list = child(root, AS, 'Collections');
    const collections = list ? children(list, AS, 'Collection') : undefined;
    if (collections && collections.length > MAX_COLLECTIONS) throw new SyncRequestError(`more than ${MAX_COLLECTIONS} collections`);
    const wait = intOf(root, AS, 'Wait');
    const heartbeatInterval = intOf(root, AS, 'HeartbeatInterval');
    if (wait !== undefined && heartbeatInterval !== undefined) throw new SyncRequestError('both Wait and HeartbeatInterval');
    const windowSize = intOf(root, AS, 'WindowSize');
    const parsed = collections?.map(parseCollection);
    if (parsed) {
      const ids = new Set(parsed.map((c) => c.collectionId));
      if (ids.size !== parsed.length) throw new SyncRequestError('a collection is listed twice');
    }
    return {
      ...(parsed ? { collections: parsed } : {}),
      ...(wait !== undefined ? { wait } : {}),
      ...(heartbeatInterval !== undefined ? { heartbeatInterval } : {}),
      ...(windowSize !== undefined ? { windowSize } : {}),
      partial: boolOf(root, AS, 'Partial') ?? false,
    };
  } catch (err) {
    if (err instanceof SchemaError || err instanceof BodyOptionsError) throw new SyncRequestError(err.message, { cause: err });
    throw err;
  }
}

function parseCollection(c: WbxmlElement): SyncCollectionRequest {
  const syncKey = requiredText(c, 'SyncKey');
  const collectionId = requiredText(c, 'CollectionId');
  const className = textOf(c, AS, 'Class')?.trim();
  const deletesAsMoves = boolOf(c, AS, 'DeletesAsMoves');
  const getChanges = boolOf(c, AS, 'GetChanges');
  const windowSize = intOf(c, AS, 'WindowSize');
  if (windowSize !== undefined && windowSize < 0) throw new SyncRequestError('negative WindowSize');
  const options = parseOptions(c);
  const commandsEl = child(c, AS, 'Commands');
  const { commands, fetches } = commandsEl ? parseCommands(commandsEl) : { commands: [], fetches: [] };
  return {
    syncKey,
    collectionId,
    ...(className ? { className } : {}),
    ...(deletesAsMoves !== undefined ? { deletesAsMoves } : {}),
    ...(getChanges !== undefined ? { getChanges } : {}),
    ...(windowSize !== undefined ? { windowSize } : {}),
    ...(options ? { options } : {}),
    commands,
    fetches,
  };
}

/**
 * The Options for the collection's own items: one without Class, or with an email-ish class.
 * 2.5 clients may put FilterType, Truncation, MIMESupport and Conflict in the Collection itself.
 */
function parseOptions(c: WbxmlElement): SyncOptions | undefined {
  const all = children(c, AS, 'Options');
  const own = all.find((o) => {
    const cls = textOf(o, AS, 'Class')?.trim();
    return cls === undefined || cls === '' || cls === 'Email';
  });
  const source = own ?? (all.length === 0 && hasLegacyOptions(c) ? c : undefined);
  if (!source) return undefined;
  const filterType = intOf(source, AS, 'FilterType');
  if (filterType !== undefined && (filterType < 0 || filterType > 8)) throw new SyncRequestError(`FilterType ${filterType} is not 0-8`);
  const conflict = intOf(source, AS, 'Conflict');
  if (conflict !== undefined && conflict !== 0 && conflict !== 1) throw new SyncRequestError(`Conflict ${conflict} is not 0 or 1`);
  const body = parseBodyRequest(source);
  return {
    ...(filterType !== undefined ? { filterType } : {}),
    ...(conflict !== undefined ? { conflict } : {}),
    body,
    hasBody: hasBodyOptions(source) || body.truncation !== undefined || body.mimeTruncation !== undefined,
  };
}

function hasLegacyOptions(c: WbxmlElement): boolean {
  return ['FilterType', 'Truncation', 'MIMETruncation', 'MIMESupport', 'Conflict'].some((t) => child(c, AS, t) !== undefined);
}

function parseCommands(el: WbxmlElement): { commands: SyncClientCommand[]; fetches: string[] } {
  const commands: SyncClientCommand[] = [];
  const fetches: string[] = [];
  for (const op of el.children) {
    if (op.ns !== AS) throw new SyncRequestError(`unexpected ${op.ns}:${op.tag} in Commands`);
    const data = (): WbxmlElement[] => child(op, AS, 'ApplicationData')?.children ?? [];
    switch (op.tag) {
      case 'Add':
        commands.push({ kind: 'add', clientId: requiredText(op, 'ClientId'), data: data(), ...sendOf(op) });
        break;
      case 'Change':
        commands.push({ kind: 'change', serverId: requiredText(op, 'ServerId'), data: data(), ...sendOf(op) });
        break;
      case 'Delete':
        commands.push({ kind: 'delete', serverId: requiredText(op, 'ServerId') });
        break;
      case 'Fetch':
        fetches.push(requiredText(op, 'ServerId'));
        break;
      default:
        throw new SyncRequestError(`unexpected ${op.tag} in Commands`);
    }
  }
  if (commands.length + fetches.length > MAX_COMMANDS) throw new SyncRequestError(`more than ${MAX_COMMANDS} operations in one collection`);
  return { commands, fetches };
}

/** Email2:Send (16.0+), beside ApplicationData: the draft is to be sent once saved. */
function sendOf(op: WbxmlElement): { send?: true } {
  return child(op, 'Email2', 'Send') !== undefined ? { send: true } : {};
}

function requiredText(parent: WbxmlElement, tag: string): string {
  const t = textOf(parent, AS, tag)?.trim();
  if (!t) throw new SyncRequestError(`${parent.tag} without ${tag}`);
  return t;
}
