/**
 * 16.0+ Change of a draft's own properties (To, Cc, Bcc, Subject, Importance, Body, attachments;
 * MS-ASEMAIL 3.1.5.3): IMAP messages are immutable, so the draft is composed anew from its old
 * version with the client's properties on top, and replaces the old message (APPEND, then
 * \Deleted + UID EXPUNGE of the old UID only). The new message has a new UID, so the client is
 * told Delete of the old ServerId and Add of the new one by the next Sync; Message-ID, threading
 * headers, flags and stored flag details carry over.
 *
 * Only messages with \Draft in the Drafts folder take such changes; elsewhere the properties are
 * ignored (logged), as they are for a message that is not a draft.
 */
import { fromClientDraft, type ClientDraft } from '../../../convert/email/client-draft.js';
import type { EmailChange } from '../../../convert/email/client-change.js';
import { composeDraft } from '../../../convert/email/compose-draft.js';
import { findBodyParts } from '../../../convert/email/structure.js';
import type { EmailItem } from '../../../items/email.js';
import { ItemConversionError } from '../../../items/errors.js';
import { MailBackendError, MessageNotFoundError, UidPlusRequiredError } from '../../../ports/mail-messages.js';
import { compareVersions } from '../../types.js';
import { loadEmailItems } from '../../email/load-items.js';
import { formatFileReference } from '../../email/file-reference.js';
import type { ClientChangeInput } from '../client-changes.js';
import { saveFlagDetails, storedFlagsFor } from '../flag-details.js';
import type { ChangeRequest } from './changes.js';
import { attachmentsOfView, keptAttachments, toComposeAttachment } from './draft-attachments.js';
import { SyncItemStatus } from './responses.js';
import { FolderType } from '../../folder/folder-types.js';

export interface DraftChangeOutcome {
  /** Change index -> Status where the draft part failed. */
  readonly statuses: Map<number, number>;
  /** Item ids replaced by a new message (the old id is gone, the new one arrives as an Add). */
  readonly replaced: Set<string>;
  /** Change index -> the UID of the message that replaced the draft. */
  readonly newUids: Map<number, number>;
}

const KEPT_PROPERTIES = ['to', 'cc', 'bcc', 'from', 'replyTo', 'subject', 'importance', 'body'] as const;

export async function applyDraftChanges(
  input: ClientChangeInput,
  parsed: ReadonlyMap<number, { uid: number; change: EmailChange }>,
  requests: readonly ChangeRequest[],
): Promise<DraftChangeOutcome> {
  const statuses = new Map<number, number>();
  const replaced = new Set<string>();
  const newUids = new Map<number, number>();
  const { ctx } = input;
  if (compareVersions(ctx.protocolVersion, '16.0') < 0) return { statuses, replaced, newUids };
  for (const [index, { uid, change }] of parsed) {
    const data = requests[index]!.data;
    const hasAttachments = data.some((e) => e.ns === 'AirSyncBase' && e.tag === 'Attachments');
    const props = Object.keys(change.draft ?? {}).filter((k) => k !== 'attachments' && k !== 'isDraft');
    if (props.length === 0 && !hasAttachments) continue;
    if (input.folderType !== FolderType.Drafts) {
      ctx.log.info({ uid }, 'Sync Change: draft properties outside Drafts ignored');
      continue;
    }
    try {
      const newUid = await replaceDraft(input, uid, fromClientDraft(data, ctx.protocolVersion));
      if (newUid !== undefined) {
        replaced.add(String(uid));
        newUids.set(index, newUid);
      }
    } catch (err) {
      if (err instanceof ItemConversionError) {
        ctx.log.info({ uid, path: err.path, reason: err.reason }, 'Sync Change of a draft refused: conversion error');
        statuses.set(index, SyncItemStatus.conversionError);
      } else if (err instanceof MessageNotFoundError) {
        statuses.set(index, SyncItemStatus.objectNotFound);
      } else if (err instanceof MailBackendError || err instanceof UidPlusRequiredError) {
        ctx.log.warn({ err, uid }, 'Sync Change of a draft failed');
        statuses.set(index, SyncItemStatus.serverError);
      } else throw err;
    }
  }
  return { statuses, replaced, newUids };
}

/** The new message's UID; undefined when the message is no draft (its draft properties are ignored). */
async function replaceDraft(input: ClientChangeInput, uid: number, draft: ClientDraft): Promise<number | undefined> {
  const { ctx, box } = input;
  const messages = ctx.ports.messages;
  const view = (await messages.fetchViews(box, [uid], { preview: false })).get(uid);
  if (!view) throw new MessageNotFoundError(uid);
  if (!view.flags.some((f) => f.toLowerCase() === '\\draft')) {
    ctx.log.info({ uid }, 'Sync Change: draft properties on a message without \\Draft ignored');
    return undefined;
  }
  const native = findBodyParts(view.structure).html ? 2 : 1;
  const old = (await loadEmailItems(messages, box, [uid], { version: ctx.protocolVersion, body: { bodyPreferences: [{ type: native }] }, collectionId: input.collectionId, preview: false })).get(uid);
  if (!old) throw new MessageNotFoundError(uid);
  const merged: Record<string, unknown> = {};
  for (const k of KEPT_PROPERTIES) if (old[k] !== undefined) merged[k] = old[k];
  for (const [k, v] of Object.entries(draft.item)) if (v !== undefined) merged[k] = v;

  const dropped = new Set(draft.deleteAttachments);
  const keep = attachmentsOfView(view).filter((a) => !dropped.has(formatFileReference(input.collectionId, uid, a.section)));
  const attachments = [...(await keptAttachments(messages, box, uid, keep)), ...draft.addAttachments.map(toComposeAttachment)];
  const mime = await composeDraft(merged as Partial<EmailItem>, attachments, {
    from: ctx.user.email,
    date: ctx.ports.clock.now(),
    ...(view.messageId ? { messageId: view.messageId } : {}),
    ...(view.inReplyTo ? { inReplyTo: view.inReplyTo } : {}),
    ...(view.references?.length ? { references: view.references.join(' ') } : {}),
  });
  const flags = view.flags.filter((f) => f.toLowerCase() !== '\\recent');
  const { uid: newUid } = await messages.replaceMessage(box, uid, mime, { flags });
  const stored = (await storedFlagsFor(ctx, box, [uid])).get(uid);
  await saveFlagDetails(ctx, box, new Map(stored ? [[newUid, stored], [uid, null]] : [[uid, null]]));
  return newUid;
}
