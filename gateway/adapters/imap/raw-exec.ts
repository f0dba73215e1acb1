/**
 * imapflow's command queue, for the commands it has no module for (UID FETCH with PREVIEW and
 * BINARY.SIZE, ESEARCH/SORT, STATUS with MAILBOXID/X-GUID): public enough (imapflow's own command
 * modules go through it) but absent from its type declarations. Every call must release the
 * response with next(), or the connection stalls. One declaration here, so every raw caller
 * reads the parsed response the same way.
 */
import type { ImapFlow } from 'imapflow';

/** What imapflow parses an untagged response's arguments into. */
export interface ImapToken {
  readonly type?: string;
  readonly value?: unknown;
  readonly section?: unknown;
  /** `<origin>` (or origin and length) after a section, as in BODY[1]<0>. */
  readonly partial?: number[];
}
export type ImapAttribute = ImapToken | ImapAttribute[] | null;

export interface Untagged {
  readonly command?: string;
  readonly attributes?: ImapAttribute[];
  /** Numbers of responses such as ESEARCH/SEARCH (imapflow's parse of the untagged line). */
  readonly numbers?: number[];
}

export interface RawExec {
  exec(command: string, attributes: unknown[], options: { untagged: Record<string, (u: Untagged) => Promise<void>> }): Promise<{ next(): void }>;
}

export function rawExec(client: ImapFlow): RawExec {
  return client as unknown as RawExec;
}
