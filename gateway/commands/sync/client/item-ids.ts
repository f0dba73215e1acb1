import { parseItemServerId } from '../../../sync/server-id.js';

/** The UID a client's ServerId names in this collection; undefined for anything else (Status 8). */
export function uidOf(serverId: string, collectionId: string): number | undefined {
  const parsed = parseItemServerId(serverId);
  if (!parsed || parsed.collectionId !== collectionId || !/^[1-9]\d{0,9}$/.test(parsed.itemId)) return undefined;
  const uid = Number(parsed.itemId);
  return uid <= 0xffffffff ? uid : undefined;
}
