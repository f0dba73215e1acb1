/**
 * Sync Fetch (MS-ASCMD 2.2.3.67.2): the client asks for whole items by ServerId (typically
 * after a truncated Add). Answered in Responses, one Fetch each, Status 8 for anything that is
 * not a message of this collection any more.
 */
import type { WbxmlElement } from '../../../codec/index.js';
import type { BodyRequest } from '../../convert/email/body-plan.js';
import type { MailboxRef } from '../../ports/mail-messages.js';
import { parseItemServerId } from '../../sync/server-id.js';
import { emailElements, loadEmailItems } from '../email/load-items.js';
import type { CommandContext } from '../types.js';
import { storedFlagsFor } from './flag-details.js';
import { fetchResponse } from './response.js';
import { SyncStatus } from './status.js';

const UID = /^[1-9]\d{0,9}$/;

export async function fetchItems(ctx: CommandContext, collectionId: string, box: MailboxRef, body: BodyRequest, serverIds: readonly string[]): Promise<WbxmlElement[]> {
  const uidOf = (serverId: string): number | undefined => {
    const p = parseItemServerId(serverId);
    if (!p || p.collectionId !== collectionId || !UID.test(p.itemId)) return undefined;
    const uid = Number(p.itemId);
    return uid <= 0xffffffff ? uid : undefined;
  };
  const uids = [...new Set(serverIds.map(uidOf).filter((u): u is number => u !== undefined))];
  const stored = uids.length ? await storedFlagsFor(ctx, box, uids) : new Map();
  const items = uids.length
    ? await loadEmailItems(ctx.ports.messages, box, uids, { version: ctx.protocolVersion, body, collectionId, storedFlags: stored, userAddresses: [ctx.user.email] })
    : new Map();
  return serverIds.map((serverId) => {
    const uid = uidOf(serverId);
    const item = uid === undefined ? undefined : items.get(uid);
    return item ? fetchResponse(serverId, SyncStatus.Success, emailElements(item, ctx.protocolVersion)) : fetchResponse(serverId, SyncStatus.ObjectNotFound);
  });
}
