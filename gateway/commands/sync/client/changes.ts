/**
 * Sync Change for email (MS-ASEMAIL 3.1.5.3, 3.2.5.4): Read, Flag and Categories as IMAP
 * flags, batched so that items asking for the same STORE share one command (a client marking 50
 * messages read costs one UID STORE and one UID FETCH, not 50 of each). Categories replace the
 * message's whole set, so a second STORE takes away the category keywords no longer wanted.
 * Flag details go to the state store only for messages whose STORE took.
 */
import type { WbxmlElement } from '../../../../codec/tree.js';
import { fromClientEmailChange, type EmailChange } from '../../../convert/email/client-change.js';
import type { EmailFlag } from '../../../items/email.js';
import type { ChangedItem } from '../../../ports/change-feed.js';
import { ItemConversionError } from '../../../items/errors.js';
import { InvalidFlagError, MailBackendError, type FlagResult, type MailboxRef } from '../../../ports/mail-messages.js';
import type { CommandContext } from '../../types.js';
import { saveFlagDetails } from '../flag-details.js';
import { planFlags, staleCategoryKeywords, storeKey, type FlagPlan } from './flag-plan.js';
import { uidOf } from './item-ids.js';
import { SyncItemStatus } from './responses.js';

export interface ChangeRequest {
  readonly serverId: string;
  readonly data: readonly WbxmlElement[];
  /** Email2:Send: send the draft once changed (draft-send.ts). */
  readonly send?: true;
}

export interface ChangeScope {
  readonly ctx: CommandContext;
  readonly collectionId: string;
  readonly box: MailboxRef;
  readonly conflict: 0 | 1;
  readonly serverChanged: ReadonlySet<string>;
}

/** Per request, in order: undefined for success (no Response element), else the Status. */
export interface ChangeOutcome {
  readonly statuses: (number | undefined)[];
  /** Items that were parsed, found and whose flags are now what the client asked, with the version the STORE left. */
  readonly changed: (string | ChangedItem)[];
  /** Parsed changes of found items, for the caller's draft handling (index -> change). */
  readonly parsed: Map<number, { uid: number; change: EmailChange }>;
}

interface Pending {
  readonly index: number;
  readonly uid: number;
  readonly plan: FlagPlan;
}

export async function applyChanges(scope: ChangeScope, requests: readonly ChangeRequest[]): Promise<ChangeOutcome> {
  const { ctx } = scope;
  const statuses: (number | undefined)[] = requests.map(() => undefined);
  const parsed = new Map<number, { uid: number; change: EmailChange }>();
  const pending: Pending[] = [];
  requests.forEach((r, index) => {
    const uid = uidOf(r.serverId, scope.collectionId);
    if (uid === undefined) {
      statuses[index] = SyncItemStatus.objectNotFound;
      return;
    }
    let change: EmailChange;
    let plan: FlagPlan;
    try {
      change = fromClientEmailChange(r.data, ctx.protocolVersion);
      plan = planFlags(change);
    } catch (err) {
      if (!(err instanceof ItemConversionError)) throw err;
      ctx.log.info({ serverId: r.serverId, path: err.path, reason: err.reason }, 'Sync Change refused: conversion error');
      statuses[index] = SyncItemStatus.conversionError;
      return;
    }
    // Server wins (the default): the client gets the server's version through the normal Change.
    if (scope.conflict === 1 && scope.serverChanged.has(String(uid))) {
      statuses[index] = SyncItemStatus.conflict;
      return;
    }
    parsed.set(index, { uid, change });
    pending.push({ index, uid, plan });
  });

  const after = await storeBatched(scope, pending.map((p) => ({ uid: p.uid, add: p.plan.add, remove: p.plan.remove })));
  const secondRound: { uid: number; add: string[]; remove: string[] }[] = [];
  for (const p of pending) {
    const res = after.get(p.uid);
    if (p.plan.categories && res?.flags && res.ok) {
      const stale = staleCategoryKeywords(res.flags, p.plan.categories);
      if (stale.length > 0) secondRound.push({ uid: p.uid, add: [], remove: stale });
    }
  }
  const second = await storeBatched(scope, secondRound);

  const changed: (string | ChangedItem)[] = [];
  const details = new Map<number, EmailFlag | null>();
  for (const p of pending) {
    const res = second.get(p.uid) ?? after.get(p.uid);
    if (!res || res.flags === undefined) {
      statuses[p.index] = res && 'status' in res ? (res as { status: number }).status : SyncItemStatus.objectNotFound;
      parsed.delete(p.index);
      continue;
    }
    if (!res.ok) {
      ctx.log.warn({ uid: p.uid }, 'Sync Change: the server did not take every flag');
      statuses[p.index] = SyncItemStatus.serverError;
      continue;
    }
    changed.push(res.version !== undefined ? { id: String(p.uid), version: res.version } : String(p.uid));
    if (p.plan.flag !== undefined) details.set(p.uid, p.plan.flag);
  }
  await saveFlagDetails(ctx, scope.box, details);
  return { statuses, changed, parsed };
}

type StoreResult = FlagResult | (FlagResult & { status: number });

/** One setFlags per distinct (add, remove); a group the server refuses fails only its own items. */
async function storeBatched(scope: ChangeScope, ops: readonly { uid: number; add: readonly string[]; remove: readonly string[] }[]): Promise<Map<number, StoreResult>> {
  const groups = new Map<string, { add: readonly string[]; remove: readonly string[]; uids: number[] }>();
  for (const op of ops) {
    const key = storeKey(op.add, op.remove);
    const g = groups.get(key) ?? { add: op.add, remove: op.remove, uids: [] };
    if (!g.uids.includes(op.uid)) g.uids.push(op.uid);
    groups.set(key, g);
  }
  const out = new Map<number, StoreResult>();
  for (const g of groups.values()) {
    try {
      const res = await scope.ctx.ports.messages.setFlags(scope.box, g.uids, { add: g.add, remove: g.remove });
      for (const [uid, r] of res) out.set(uid, r);
    } catch (err) {
      if (!(err instanceof MailBackendError || err instanceof InvalidFlagError)) throw err;
      scope.ctx.log.warn({ err, uids: g.uids.length }, 'Sync Change: STORE refused');
      const status = err instanceof InvalidFlagError ? SyncItemStatus.conversionError : SyncItemStatus.serverError;
      for (const uid of g.uids) out.set(uid, { ok: false, status });
    }
  }
  return out;
}
