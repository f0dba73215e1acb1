/**
 * The contract between the HTTP edge and a command handler. A handler gets a typed
 * context and a decoded request and returns a typed result; it never sees HTTP, query
 * strings, bytes on the wire or passwords.
 */
import type { Logger } from 'pino';
import type { WbxmlElement } from '../../codec/tree.js';
import type { CommandPorts } from '../ports/index.js';
import type { AuthenticatedUser } from '../ports/identity.js';

export { makeAuthenticatedUser, type AuthenticatedUser } from '../ports/identity.js';

/** The EAS protocol versions this gateway speaks (MS-ASHTTP 2.2.1.1.2.6), oldest first. */
export const PROTOCOL_VERSIONS = ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

export function isProtocolVersion(value: string): value is ProtocolVersion {
  return (PROTOCOL_VERSIONS as readonly string[]).includes(value);
}

/** Negative when a is older than b; versions compare by their position in PROTOCOL_VERSIONS. */
export function compareVersions(a: ProtocolVersion, b: ProtocolVersion): number {
  return PROTOCOL_VERSIONS.indexOf(a) - PROTOCOL_VERSIONS.indexOf(b);
}

export interface DeviceIdentity {
  readonly id: string;
  readonly type: string;
  /** The HTTP User-Agent, when sent. */
  readonly userAgent?: string;
}

/**
 * Command parameters of the request line, the same whether they came from the plain
 * query (MS-ASHTTP 2.2.1.1.1.2.5) or the base64 query (2.2.1.1.1.1.3).
 */
export interface CommandParameters {
  readonly attachmentName?: string;
  readonly collectionId?: string;
  readonly itemId?: string;
  readonly longId?: string;
  readonly occurrence?: string;
  /** SaveInSent=T, or Options bit 0x01. */
  readonly saveInSent: boolean;
  /** MS-ASAcceptMultiPart: T, or Options bit 0x02. */
  readonly acceptMultiPart: boolean;
}

export interface CommandContext {
  readonly command: CommandName;
  readonly user: AuthenticatedUser;
  readonly device: DeviceIdentity;
  readonly protocolVersion: ProtocolVersion;
  /** X-MS-PolicyKey or the base64 policy key field; undefined when the client sent none. */
  readonly policyKey?: string;
  /** Base64 query locale (an LCID such as 0x0409), when the client sent one. */
  readonly locale?: number;
  readonly params: CommandParameters;
  /** Already bound to user, device and command. */
  readonly log: Logger;
  /** Aborted when the client goes away or the gateway shuts down. */
  readonly signal: AbortSignal;
  readonly ports: CommandPorts;
}

/** What a command's HTTP body carries; a function of the protocol version for the mail-sending commands. */
export type BodyKind = 'wbxml' | 'mime' | 'none';

export type CommandRequest =
  /** root is undefined for an empty body (an empty Sync or Ping means "same as last time"). */
  | { readonly kind: 'wbxml'; readonly root: WbxmlElement | undefined }
  /** SendMail/SmartReply/SmartForward before 14.0: the message itself, bounded by server.maxBodyBytes. */
  | { readonly kind: 'mime'; readonly mime: Uint8Array }
  | { readonly kind: 'none' };

export interface ResultHeaders {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export type CommandResult =
  | ({ readonly kind: 'wbxml'; readonly root: WbxmlElement } & ResultHeaders)
  /** An empty body (e.g. SendMail success, or Ping/Sync answered with nothing to say). */
  | ({ readonly kind: 'empty' } & ResultHeaders)
  /** A body the handler produces as it goes (ItemOperations multipart, large attachments). */
  | ({
      readonly kind: 'stream';
      readonly contentType: string;
      readonly body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
      readonly length?: number;
    } & ResultHeaders);

export type CommandHandler = (ctx: CommandContext, request: CommandRequest) => Promise<CommandResult>;

/** Every command MS-ASHTTP 2.2.1.1.1.1.2 gives a code to. */
export type CommandName =
  | 'Sync' | 'SendMail' | 'SmartForward' | 'SmartReply' | 'GetAttachment'
  | 'FolderSync' | 'FolderCreate' | 'FolderDelete' | 'FolderUpdate' | 'MoveItems'
  | 'GetItemEstimate' | 'MeetingResponse' | 'Search' | 'Settings' | 'Ping'
  | 'ItemOperations' | 'Provision' | 'ResolveRecipients' | 'ValidateCert' | 'Find';

/** One registry row: everything the edge checks before the handler runs. */
export interface CommandDefinition {
  readonly name: CommandName;
  /** Oldest version that has the command; defaults to the spec's (KNOWN_COMMANDS). */
  readonly minVersion?: ProtocolVersion;
  /** Newest version that still has it (GetAttachment stops at 12.1); defaults to the spec's. */
  readonly maxVersion?: ProtocolVersion;
  /** Whether the device must hold a current policy key (MS-ASPROV) before this command runs. */
  readonly needsProvisioning: boolean;
  readonly body: BodyKind | ((version: ProtocolVersion) => BodyKind);
  readonly handler: CommandHandler;
  /**
   * The command's response for a top-level EAS Status (an EasStatusError thrown by the
   * handler or the edge). Without it, such an error ends as HTTP 500.
   */
  readonly statusResponse?: (status: number, version: ProtocolVersion) => WbxmlElement;
}
