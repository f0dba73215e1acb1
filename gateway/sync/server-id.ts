/**
 * Item ServerIds: the collection's ServerId and the item's id in it, "<collection>:<item>"
 * (for IMAP "5:1234", UID in decimal), short and stable for as long as the item is. A new
 * UIDVALIDITY makes the collection re-prime, so a UID is never read under the wrong validity.
 * MS-ASCMD caps ServerId at 64 characters.
 */

export const MAX_SERVER_ID_LENGTH = 64;

export function itemServerId(collectionId: string, itemId: string): string {
  const id = `${collectionId}:${itemId}`;
  if (collectionId.includes(':') || id.length > MAX_SERVER_ID_LENGTH) throw new RangeError(`no ServerId for item ${itemId} of collection ${collectionId}`);
  return id;
}

/** undefined for anything that is not one of ours (the command answers Status 8, object not found). */
export function parseItemServerId(serverId: string): { collectionId: string; itemId: string } | undefined {
  const i = serverId.indexOf(':');
  if (i <= 0 || i === serverId.length - 1 || serverId.length > MAX_SERVER_ID_LENGTH) return undefined;
  return { collectionId: serverId.slice(0, i), itemId: serverId.slice(i + 1) };
}
