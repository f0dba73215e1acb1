/**
 * POST /Microsoft-Server-ActiveSync: request line -> size check -> authentication ->
 * version and command checks -> body -> handler -> response. Every refusal is a
 * thrown GatewayError; the access log middleware turns it into a status and one line.
 */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { PooledBytes } from '../../codec/pool.js';
import type { WbxmlElement } from '../../codec/tree.js';
import { knownCommandByName, type CommandRegistry, type RegisteredCommand } from '../commands/registry.js';
import {
  PROTOCOL_VERSIONS,
  isProtocolVersion,
  type CommandContext,
  type CommandRequest,
  type CommandResult,
  type ProtocolVersion,
} from '../commands/types.js';
import { BadRequestError, CommandNotImplementedError, EasStatusError, MalformedWbxmlError, UnsupportedProtocolVersionError } from '../errors.js';
import type { PortsFactory } from '../ports/index.js';
import type { Authenticator } from './auth/authenticator.js';
import { checkDeclaredLength, readBody } from './body.js';
import type { DeviceAccess } from './device-access.js';
import type { EasRequestLine } from './eas-request-line.js';
import { parseRequestLine } from './request-line.js';
import { easState } from './request-state.js';
import { writeResult } from './response.js';
import { continueIfDeferred } from './server.js';

export interface WbxmlCodec {
  /** Throws on bytes that are not a WBXML document it accepts. */
  decode(bytes: Uint8Array): WbxmlElement;
  encode(root: WbxmlElement): Uint8Array;
  /** `encode` into a recycled buffer, released once the response has been handed to the socket. */
  encodePooled?(root: WbxmlElement): PooledBytes;
  /** For trees with lazily streamed opaque content (large attachments); without it such trees fail. */
  encodeChunks?(root: WbxmlElement): AsyncIterable<Uint8Array>;
  /** Exact encoded size, so a streamed document still gets a Content-Length. */
  encodedLength?(root: WbxmlElement): number;
}

export interface DispatchDeps {
  readonly registry: CommandRegistry;
  readonly codec: WbxmlCodec;
  readonly authenticator: Authenticator;
  readonly ports: PortsFactory;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** Aborted when the gateway shuts down. */
  readonly shutdown: AbortSignal;
  /** Device sightings, blocks, wipes and policy keys; without it (edge tests with fake ports) every device may run every command. */
  readonly devices?: DeviceAccess;
}

export async function dispatchPost(ctx: Context, deps: DispatchDeps): Promise<void> {
  const st = easState(ctx);
  // Parse first so even a refused request is logged with its device and command, but
  // report a bad line only after authentication: wrong credentials always hear 401 first.
  let line: EasRequestLine | undefined;
  let lineError: unknown;
  try {
    line = parseRequestLine(ctx.querystring, ctx.headers);
    st.line = line;
    // Capped: an unknown Cmd is client-chosen text headed for the log.
    st.command = (line.command ?? (line.commandCode !== undefined ? `#${line.commandCode}` : undefined))?.slice(0, 64);
    st.protocolVersion = line.protocolVersion;
  } catch (err) {
    lineError = err;
  }

  checkDeclaredLength(ctx.req, deps.maxBodyBytes);
  const signal = requestSignal(ctx, deps.shutdown);
  const auth = await deps.authenticator.authenticate(ctx.get('Authorization') || undefined, ctx.ip, signal);
  st.user = auth.user;
  st.authCached = auth.cached;
  if (lineError !== undefined || !line) throw lineError;

  const userAgent = ctx.get('User-Agent');
  const ports = deps.ports.forRequest(auth.user, signal);
  // Sighted (and a blocked device refused) before version and command checks: blocked means every command.
  const device = await deps.devices?.admit(ports.state, auth.user.login, line, userAgent || undefined);
  const version = resolveVersion(line.protocolVersion);
  const row = resolveCommand(line, version, deps.registry);
  st.command = row.name;
  if (device && deps.devices) {
    // Before the body is read: a device that must provision or wipe first is answered at once.
    const refusal = deps.devices.check(device, row, version, line.policyKey);
    if (refusal) {
      st.easStatus = refusal.status;
      st.reason = refusal.reason;
      writeResult(ctx, { kind: 'wbxml', root: refusal.root }, deps.codec);
      return;
    }
  }

  const request = await readRequest(ctx, row, version, deps, signal);
  const log = deps.logger.child({ user: auth.user.login, deviceId: line.deviceId, deviceType: line.deviceType, cmd: row.name, version });
  const context: CommandContext = {
    command: row.name,
    user: auth.user,
    device: { id: line.deviceId, type: line.deviceType, ...(userAgent ? { userAgent } : {}) },
    protocolVersion: version,
    ...(line.policyKey !== undefined ? { policyKey: line.policyKey } : {}),
    ...(line.locale !== undefined ? { locale: line.locale } : {}),
    params: line.params,
    log,
    signal,
    ports,
  };
  const result = await runHandler(row, context, request, (status) => (st.easStatus = status));
  writeResult(ctx, result, deps.codec);
}

function resolveVersion(raw: string | undefined): ProtocolVersion {
  if (raw !== undefined && isProtocolVersion(raw)) return raw;
  throw new UnsupportedProtocolVersionError(raw, PROTOCOL_VERSIONS);
}

function resolveCommand(line: EasRequestLine, version: ProtocolVersion, registry: CommandRegistry): RegisteredCommand {
  const known = line.command !== undefined ? knownCommandByName(line.command) : undefined;
  if (!known) throw new CommandNotImplementedError(line.command ?? `code ${line.commandCode ?? '?'}`, false);
  const row = registry.get(known.name);
  if (!row) throw new CommandNotImplementedError(known.name, true);
  if (!row.supports(version)) {
    throw new BadRequestError('command-not-in-version', `${row.name} is not available in protocol version ${version} (${row.minVersion}..${row.maxVersion})`);
  }
  return row;
}

async function readRequest(ctx: Context, row: RegisteredCommand, version: ProtocolVersion, deps: DispatchDeps, signal: AbortSignal): Promise<CommandRequest> {
  continueIfDeferred(ctx.req, ctx.res);
  const body = await readBody(ctx.req, deps.maxBodyBytes, signal).catch((err: unknown) => {
    easState(ctx).closeConnection = true;
    throw err;
  });
  const kind = row.bodyKind(version);
  if (kind === 'mime') return { kind, mime: body };
  if (kind === 'none') return { kind };
  if (body.length === 0) return { kind, root: undefined };
  try {
    return { kind, root: deps.codec.decode(body) };
  } catch (err) {
    throw new MalformedWbxmlError(err);
  }
}

async function runHandler(
  row: RegisteredCommand,
  context: CommandContext,
  request: CommandRequest,
  noteStatus: (status: number) => void,
): Promise<CommandResult> {
  try {
    return await row.handler(context, request);
  } catch (err) {
    if (err instanceof EasStatusError && row.statusResponse) {
      noteStatus(err.easStatus);
      return { kind: 'wbxml', root: row.statusResponse(err.easStatus, context.protocolVersion) };
    }
    throw err;
  }
}

/**
 * Ends with the client's connection or with the gateway. Built by hand rather than with
 * AbortSignal.any, so no per-request listener outlives its request on the long-lived
 * shutdown signal.
 */
function requestSignal(ctx: Context, shutdown: AbortSignal): AbortSignal {
  const controller = new AbortController();
  if (shutdown.aborted) controller.abort(shutdown.reason);
  const onShutdown = (): void => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  ctx.res.once('close', () => {
    shutdown.removeEventListener('abort', onShutdown);
    if (!ctx.res.writableFinished) controller.abort(new Error('client went away'));
  });
  return controller.signal;
}
