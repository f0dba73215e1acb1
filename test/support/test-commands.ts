/**
 * A registry of test commands for the HTTP edge: an echo that reports exactly what the
 * handler was given (as JSON, so it needs no codec), and commands that fail in each way
 * the edge must map.
 */
import { el } from '../../codec/tree.js';
import { CommandRegistry, KNOWN_COMMANDS, mimeBefore14 } from '../../gateway/commands/registry.js';
import type { CommandContext, CommandHandler, CommandRequest, CommandResult } from '../../gateway/commands/types.js';
import { BackendUnavailableError, EasStatusError } from '../../gateway/errors.js';

export interface EchoBody {
  command: string;
  user: { login: string; email: string; keys: string[]; json: string };
  device: CommandContext['device'];
  protocolVersion: string;
  policyKey?: string;
  locale?: number;
  params: CommandContext['params'];
  request: { kind: string; root?: unknown; mimeLength?: number; mimeText?: string };
  signalAborted: boolean;
}

export const echo: CommandHandler = async (ctx, request) => {
  const body: EchoBody = {
    command: ctx.command,
    user: { login: ctx.user.login, email: ctx.user.email, keys: Object.keys(ctx.user), json: JSON.stringify(ctx.user) },
    device: ctx.device,
    protocolVersion: ctx.protocolVersion,
    ...(ctx.policyKey !== undefined ? { policyKey: ctx.policyKey } : {}),
    ...(ctx.locale !== undefined ? { locale: ctx.locale } : {}),
    params: ctx.params,
    request: describe(request),
    signalAborted: ctx.signal.aborted,
  };
  ctx.log.debug({ echoed: body.command }, 'echo handler ran');
  return json(body);
};

function describe(request: CommandRequest): EchoBody['request'] {
  if (request.kind === 'wbxml') return { kind: 'wbxml', root: request.root };
  if (request.kind === 'mime') return { kind: 'mime', mimeLength: request.mime.length, mimeText: Buffer.from(request.mime).toString('utf8') };
  return { kind: 'none' };
}

function json(value: unknown): CommandResult {
  const bytes = Buffer.from(JSON.stringify(value));
  return { kind: 'stream', contentType: 'application/json', body: [bytes], length: bytes.length };
}

const boom: CommandHandler = async () => {
  throw new Error('handler exploded on purpose');
};

const backendDown: CommandHandler = async () => {
  throw new BackendUnavailableError('imap', 'mail store is down (test)');
};

const easStatus: CommandHandler = async () => {
  throw new EasStatusError(3, 'no such folder (test)');
};

const empty: CommandHandler = async () => ({ kind: 'empty' });

/** What the long-running command saw: why its signal ended. */
export const waits: { started: number; aborted: string[] } = { started: 0, aborted: [] };

/** Holds the request until its signal aborts (client gone, gateway stopping), like a long Ping. */
const waitForAbort: CommandHandler = (ctx) =>
  new Promise((resolve) => {
    waits.started += 1;
    ctx.signal.addEventListener('abort', () => {
      waits.aborted.push(String((ctx.signal.reason as Error | undefined)?.message ?? ctx.signal.reason));
      resolve({ kind: 'empty' });
    }, { once: true });
  });

/** Bytes 0..255 repeated: recognisable, and checkable at any offset. */
export function patternBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 256);
}

/** 1 MiB of opaque data produced lazily in 64 KiB pieces: the streaming WBXML path. */
export const STREAMED_LENGTH = 1024 * 1024;
const streamed: CommandHandler = async () => {
  const source = {
    length: STREAMED_LENGTH,
    async *stream() {
      const all = patternBytes(STREAMED_LENGTH);
      for (let i = 0; i < STREAMED_LENGTH; i += 64 * 1024) yield all.subarray(i, i + 64 * 1024);
    },
  };
  const io = (tag: string, content?: Parameters<typeof el>[2]) => el('ItemOperations', tag, content);
  return {
    kind: 'wbxml',
    root: io('ItemOperations', [io('Status', '1'), io('Response', [io('Fetch', [io('Status', '1'), io('Properties', [io('Data', source)])])])]),
  };
};

/**
 * Echo: FolderSync, Sync, SendMail (MIME before 14.0), GetAttachment (<= 12.1), Provision.
 * Failing: Settings (a bug, 500), Ping (backend down, 503), MoveItems (EAS Status 3).
 * ValidateCert answers empty; ItemOperations streams a 1 MiB opaque Data element;
 * GetItemEstimate waits until its signal aborts.
 */
export function testRegistry(): CommandRegistry {
  return new CommandRegistry([
    { name: 'FolderSync', needsProvisioning: true, body: 'wbxml', handler: echo },
    { name: 'Sync', needsProvisioning: true, body: 'wbxml', handler: echo },
    { name: 'SendMail', needsProvisioning: true, body: mimeBefore14, handler: echo },
    { name: 'GetAttachment', needsProvisioning: true, body: 'none', handler: echo },
    { name: 'Provision', needsProvisioning: false, body: 'wbxml', handler: echo },
    { name: 'Settings', needsProvisioning: true, body: 'wbxml', handler: boom },
    { name: 'Ping', needsProvisioning: true, body: 'wbxml', handler: backendDown },
    {
      name: 'MoveItems',
      needsProvisioning: true,
      body: 'wbxml',
      handler: easStatus,
      statusResponse: (status) => el('Move', 'MoveItems', [el('Move', 'Status', status)]),
    },
    { name: 'ValidateCert', needsProvisioning: true, body: 'wbxml', handler: empty },
    { name: 'ItemOperations', needsProvisioning: true, body: 'wbxml', handler: streamed },
    { name: 'GetItemEstimate', needsProvisioning: true, body: 'wbxml', handler: waitForAbort },
  ]);
}

/** Echo for every EAS command, with each command's real body kind: for replaying device transcripts. */
export function echoRegistry(): CommandRegistry {
  return new CommandRegistry(
    KNOWN_COMMANDS.map((c) => ({
      name: c.name,
      needsProvisioning: c.name !== 'Provision',
      body: ['SendMail', 'SmartReply', 'SmartForward'].includes(c.name) ? mimeBefore14 : c.name === 'GetAttachment' ? ('none' as const) : ('wbxml' as const),
      handler: echo,
    })),
  );
}
