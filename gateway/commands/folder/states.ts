/**
 * The hierarchy states a device holds (one per FolderSync key), shared by the four folder
 * commands: which key the client may send, and how the next one is stored.
 */
import { EasStatusError } from '../../errors.js';
import { MailStoreError, type MailStoreErrorCode } from '../../ports/mail-store.js';
import type { DeviceKey, FolderEntry, FolderState } from '../../ports/state-store.js';
import { isIssuedSyncKey, nextSyncKey, sameHierarchy } from '../../sync/hierarchy.js';
import type { CommandContext } from '../types.js';
import { Status } from './wbxml.js';

export function deviceKey(ctx: CommandContext): DeviceKey {
  return { user: ctx.user.login, deviceId: ctx.device.id };
}

/** The state the client says it holds; Status 9 when we never issued that key or no longer keep it. */
export async function requireState(ctx: CommandContext, syncKey: string): Promise<FolderState> {
  const state = isIssuedSyncKey(syncKey) ? await ctx.ports.state.getFolderState(deviceKey(ctx), syncKey) : undefined;
  if (!state) throw new EasStatusError(Status.InvalidSyncKey, `unknown FolderSync key ${JSON.stringify(syncKey.slice(0, 20))}`);
  return state;
}

/** Folder states hang off the device row; the edge may not have created it yet. */
export async function ensureDevice(ctx: CommandContext): Promise<void> {
  const key = deviceKey(ctx);
  if (await ctx.ports.state.getDevice(key)) return;
  await ctx.ports.state.touchDevice({ ...key, deviceType: ctx.device.type, protocolVersion: ctx.protocolVersion, ...(ctx.device.userAgent ? { userAgent: ctx.device.userAgent } : {}) });
}

/**
 * Stores `folders` as what the device holds after this answer, and returns its key. The
 * client's key stays kept as the previous one, so a retry of this very request (its answer
 * lost) finds it again. When the newest state already holds exactly these folders (the
 * retry case), its key is answered again instead of minting another.
 */
export async function saveNextState(ctx: CommandContext, clientKey: string, folders: readonly FolderEntry[]): Promise<string> {
  const device = deviceKey(ctx);
  const latest = await ctx.ports.state.getLatestFolderState(device);
  const syncKey = latest && latest.syncKey !== clientKey && sameHierarchy(latest.folders, folders)
    ? latest.syncKey
    : nextSyncKey(latest?.syncKey, clientKey);
  await ensureDevice(ctx);
  await ctx.ports.state.putFolderState(device, { syncKey, folders, previousSyncKey: clientKey, at: ctx.ports.clock.now() });
  return syncKey;
}

/** A MailStore refusal as the command's Status; anything else (503 included) goes on up. */
export function statusFor(err: unknown, table: Partial<Record<MailStoreErrorCode, number>>): unknown {
  if (!(err instanceof MailStoreError)) return err;
  return new EasStatusError(table[err.code] ?? Status.ServerError, err.message, { cause: err });
}
