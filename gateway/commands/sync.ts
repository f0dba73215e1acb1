/**
 * Sync (MS-ASCMD 2.2.1.21) for Email collections over IMAP, protocol 2.5 to 16.1: the request
 * read (and, for an empty or Partial one, filled in from the device's last complete request),
 * each collection answered in turn (sync/email-collection.ts), and every collection's new state
 * written in one transaction right before the response is returned. With nothing to tell at
 * 12.1+ the answer is an empty body; with Wait/HeartbeatInterval it is first held open,
 * looking at the feed again every RECHECK_MS, until something changes or the interval ends.
 */
import { BackendUnavailableError, EasStatusError } from '../errors.js';
import { MailStoreError, type MailFolder } from '../ports/mail-store.js';
import { ConcurrentSyncError } from '../sync/collection-sync.js';
import { DEFAULT_WINDOW_SIZE, effectiveWindowSize } from '../sync/planner.js';
import { resolveMailCollection, type MailCollection } from './email/collections.js';
import { syncEmailCollection, type CollectionOutcome } from './sync/email-collection.js';
import { checkInterval, pause, RECHECK_MS } from './sync/hold.js';
import { nextCacheEntry, resolveSync, SyncRequestCache, type ResolvedSync } from './sync/request-cache.js';
import { parseSyncRequest, SyncRequestError, type SyncCollectionRequest, type SyncRequest } from './sync/request.js';
import { syncResponse, syncStatusResponse } from './sync/response.js';
import { SyncStatus } from './sync/status.js';
import { compareVersions, type CommandContext, type CommandDefinition, type CommandRequest, type CommandResult } from './types.js';

export interface SyncCommandOptions {
  /** Devices whose last request is remembered (empty and Partial Sync). */
  readonly cachedDevices?: number;
  /** How often a held Sync re-checks the feed; tests shorten it. */
  readonly recheckMs?: number;
}

export function syncCommand(options: SyncCommandOptions = {}): CommandDefinition {
  const cache = new SyncRequestCache(options.cachedDevices);
  const holds = new HeldSyncs();
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  return {
    name: 'Sync',
    needsProvisioning: true,
    body: 'wbxml',
    handler: async (ctx, request) => {
      // A device's new Sync ends the one it left waiting (like Ping): that one answers empty.
      const held = holds.begin(ctx.user.login, ctx.device.id);
      try {
        return await handleSync(ctx, request, cache, recheckMs, held.signal);
      } finally {
        holds.end(ctx.user.login, ctx.device.id, held);
      }
    },
    statusResponse: (status) => syncStatusResponse(status),
  };
}

/** The Sync request each device has in flight; a newer one supersedes it. */
class HeldSyncs {
  readonly #current = new Map<string, AbortController>();

  begin(user: string, deviceId: string): AbortController {
    const key = `${user}\u0000${deviceId}`;
    this.#current.get(key)?.abort();
    const mine = new AbortController();
    this.#current.set(key, mine);
    return mine;
  }

  end(user: string, deviceId: string, mine: AbortController): void {
    const key = `${user}\u0000${deviceId}`;
    if (this.#current.get(key) === mine) this.#current.delete(key);
  }
}

async function handleSync(ctx: CommandContext, request: CommandRequest, cache: SyncRequestCache, recheckMs: number, superseded: AbortSignal): Promise<CommandResult> {
  const root = request.kind === 'wbxml' ? request.root : undefined;
  const modern = compareVersions(ctx.protocolVersion, '12.1') >= 0;
  if (!root && !modern) throw new EasStatusError(SyncStatus.ProtocolError, `empty Sync request at ${ctx.protocolVersion}`);
  let parsed: SyncRequest;
  try {
    parsed = parseSyncRequest(root);
  } catch (err) {
    if (err instanceof SyncRequestError) throw new EasStatusError(SyncStatus.ProtocolError, `Sync: ${err.message}`, { cause: err });
    throw err;
  }
  const user = ctx.user.login;
  const resolved = resolveSync(parsed, cache.get(user, ctx.device.id), !root);
  if (!resolved.ok) throw new EasStatusError(SyncStatus.IncompleteRequest, 'empty or partial Sync without an earlier complete request');
  const interval = checkInterval(resolved.wait, resolved.heartbeatInterval);
  if (!interval.ok) return { kind: 'wbxml', root: syncStatusResponse(interval.status, interval.limit) };

  const collections = await resolveCollections(ctx, resolved.collections);
  const deadline = Date.now() + interval.holdMs;
  for (;;) {
    const outcomes = await syncCollections(ctx, resolved, collections);
    const idle = modern && outcomes.every((o) => o.idle);
    await commitAll(ctx, outcomes);
    if (idle && !ctx.signal.aborted && !superseded.aborted && Date.now() + 1000 < deadline) {
      await pause(Math.min(recheckMs, deadline - Date.now()), AbortSignal.any([ctx.signal, superseded]));
      if (superseded.aborted) {
        ctx.log.debug('held Sync superseded by a newer request of the device');
        return { kind: 'empty' };
      }
      if (!ctx.signal.aborted) continue;
    }
    cache.set(user, ctx.device.id, nextCacheEntry(resolved, new Map(outcomes.map((o) => [o.collectionId, o.status === SyncStatus.Success ? o.syncKey : undefined]))));
    if (idle) {
      ctx.log.debug({ collections: outcomes.length }, 'Sync: nothing changed, empty response');
      return { kind: 'empty' };
    }
    return { kind: 'wbxml', root: syncResponse(outcomes.map((o) => o.element)) };
  }
}

/** CollectionId -> mail folder, listing the folders once per request. */
async function resolveCollections(ctx: CommandContext, requested: readonly SyncCollectionRequest[]): Promise<Map<string, MailCollection | undefined>> {
  let folders: readonly MailFolder[];
  try {
    folders = await ctx.ports.mail.listFolders();
  } catch (err) {
    throw backendStatus(err);
  }
  const out = new Map<string, MailCollection | undefined>();
  for (const c of requested) out.set(c.collectionId, await resolveMailCollection(ctx, c.collectionId, folders));
  return out;
}

async function syncCollections(ctx: CommandContext, resolved: Extract<ResolvedSync, { ok: true }>, collections: ReadonlyMap<string, MailCollection | undefined>): Promise<CollectionOutcome[]> {
  // A request-wide WindowSize bounds the whole response; each collection also has its own.
  let remaining = resolved.windowSize !== undefined ? effectiveWindowSize(resolved.windowSize) : Infinity;
  const outcomes: CollectionOutcome[] = [];
  for (const c of resolved.collections) {
    const own = c.windowSize !== undefined ? effectiveWindowSize(c.windowSize) : DEFAULT_WINDOW_SIZE;
    const windowSize = Math.max(0, Math.min(own, remaining));
    try {
      const o = await syncEmailCollection({ ctx, collection: collections.get(c.collectionId), body: c.options?.body ?? {}, windowSize }, c);
      remaining -= o.operations;
      outcomes.push(o);
    } catch (err) {
      throw backendStatus(err);
    }
  }
  return outcomes;
}

async function commitAll(ctx: CommandContext, outcomes: readonly CollectionOutcome[]): Promise<void> {
  try {
    await ctx.ports.state.transaction(async (tx) => {
      for (const o of outcomes) await o.commit?.(tx);
    });
  } catch (err) {
    if (err instanceof ConcurrentSyncError) {
      ctx.log.warn({ collectionId: err.collectionId }, 'Sync raced another request of the same device: the client retries');
      throw new EasStatusError(SyncStatus.Retry, err.message, { cause: err });
    }
    throw err;
  }
}

/** A mail server that answered with a refusal is Status 5; one that did not answer stays 503. */
function backendStatus(err: unknown): unknown {
  if (err instanceof BackendUnavailableError || !(err instanceof MailStoreError)) return err;
  return new EasStatusError(SyncStatus.ServerError, err.message, { cause: err });
}
