/**
 * FileReference -> the attachment behind it, for ItemOperations Fetch and GetAttachment: the
 * mailbox from the collection's folder map, the message by UID, the part by IMAP section, and the
 * part's exact decoded size and type (one UID FETCH, no content read yet).
 */
import type { PartInfo } from '../../ports/mail-messages.js';
import { FolderNotFoundError, MessageNotFoundError, PartNotFoundError, UidValidityChangedError, type ByteRange, type MailboxRef } from '../../ports/mail-messages.js';
import { resolveMailCollection } from '../email/collections.js';
import { parseFileReference } from '../email/file-reference.js';
import type { CommandContext } from '../types.js';
import type { Payload } from './payload.js';

export interface ResolvedAttachment {
  readonly box: MailboxRef;
  readonly uid: number;
  readonly section: string;
  readonly info: PartInfo;
}

/** Undefined for a reference that is not ours, or whose folder, message or part is gone. */
export async function resolveAttachment(ctx: CommandContext, fileReference: string): Promise<ResolvedAttachment | undefined> {
  const ref = parseFileReference(fileReference);
  if (!ref) return undefined;
  const collection = await resolveMailCollection(ctx, ref.collectionId);
  if (!collection) return undefined;
  try {
    const box = await ctx.ports.messages.mailboxRef(collection.folder.path);
    const info = await ctx.ports.messages.partInfo(box, ref.uid, ref.section);
    return { box, uid: ref.uid, section: ref.section, info };
  } catch (err) {
    if (err instanceof MessageNotFoundError || err instanceof PartNotFoundError || err instanceof FolderNotFoundError || err instanceof UidValidityChangedError) return undefined;
    throw err;
  }
}

/** The decoded bytes of `range` (default: all) of the attachment, read from IMAP only when the response gets there. */
export function attachmentPayload(ctx: CommandContext, att: ResolvedAttachment, range: ByteRange = { start: 0, length: att.info.size }): Payload {
  return {
    length: range.length,
    chunks: () => ctx.ports.messages.readPart(att.box, att.uid, att.section, range),
  };
}
