/**
 * FileReference (12.0+) and 2.5's AttName: how a client names an attachment when it fetches it
 * later with ItemOperations or GetAttachment. `<collectionId>:<uid>:<section>`: the item's
 * ServerId plus the IMAP section, so resolving it needs no stored state, and a message that was
 * expunged or renumbered (UIDVALIDITY) is simply not found.
 */
import { itemServerId, parseItemServerId } from '../../sync/server-id.js';

const SECTION = /^\d+(\.\d+)*$/;

export interface FileReference {
  readonly collectionId: string;
  /** The item's ServerId (collectionId:uid). */
  readonly serverId: string;
  readonly uid: number;
  /** IMAP section of the attachment part, e.g. "2" or "1.3". */
  readonly section: string;
}

export function formatFileReference(collectionId: string, uid: number, section: string): string {
  return `${itemServerId(collectionId, String(uid))}:${section}`;
}

/** Undefined when `ref` is not one this gateway issued (the caller answers "attachment not found"). */
export function parseFileReference(ref: string): FileReference | undefined {
  const cut = ref.lastIndexOf(':');
  if (cut <= 0) return undefined;
  const section = ref.slice(cut + 1);
  if (!SECTION.test(section)) return undefined;
  const serverId = ref.slice(0, cut);
  const item = parseItemServerId(serverId);
  if (!item || !/^[1-9]\d{0,9}$/.test(item.itemId)) return undefined;
  const uid = Number(item.itemId);
  if (uid > 0xffffffff) return undefined;
  return { collectionId: item.collectionId, serverId, uid, section };
}
