/**
 * Attachments of a stored draft: the FileReferences of the ones a client just added (answered
 * in the Add response, MS-ASAIRS 2.2.2.14), and the content of the ones a Change keeps.
 */
import { el, type WbxmlElement } from '../../../../codec/tree.js';
import type { DraftAttachmentAdd } from '../../../convert/email/client-draft.js';
import type { ComposeAttachment } from '../../../convert/email/compose-draft.js';
import type { MessageView } from '../../../convert/email/message-view.js';
import { findAttachments, findBodyParts, type AttachmentPart } from '../../../convert/email/structure.js';
import type { MailboxRef, MailMessages } from '../../../ports/mail-messages.js';
import { formatFileReference } from '../../email/file-reference.js';

const ASB = 'AirSyncBase';

export function attachmentsOfView(view: MessageView): AttachmentPart[] {
  return findAttachments(view.structure, findBodyParts(view.structure));
}

/**
 * ClientId -> FileReference for the attachments the client sent, matched against the stored
 * message: by Content-ID where one was given (inline parts move beside the HTML), else by name in
 * order, else in order.
 */
export function matchAttachmentRefs(collectionId: string, uid: number, view: MessageView, adds: readonly DraftAttachmentAdd[]): Map<string, string> {
  const parts = attachmentsOfView(view);
  const used = new Set<AttachmentPart>();
  const out = new Map<string, string>();
  const take = (pred: (p: AttachmentPart) => boolean): AttachmentPart | undefined => {
    const p = parts.find((x) => !used.has(x) && pred(x));
    if (p) used.add(p);
    return p;
  };
  for (const a of adds) {
    const cid = a.contentId?.replace(/^<|>$/g, '');
    const p = (cid ? take((x) => x.part.id?.replace(/^<|>$/g, '') === cid) : undefined)
      ?? (a.displayName ? take((x) => x.name === a.displayName) : undefined)
      ?? take(() => true);
    if (p) out.set(a.clientId, formatFileReference(collectionId, uid, p.section));
  }
  return out;
}

/** The Add response's ApplicationData: one Attachment (ClientId, FileReference) per added attachment. */
export function attachmentRefsElement(refs: ReadonlyMap<string, string>): WbxmlElement | undefined {
  if (refs.size === 0) return undefined;
  const list = [...refs].map(([clientId, ref]) => el(ASB, 'Attachment', [el(ASB, 'FileReference', ref), el(ASB, 'ClientId', clientId)]));
  return el('AirSync', 'ApplicationData', [el(ASB, 'Attachments', list)]);
}

/** The content of each attachment kept from the old version of a draft, read part by part. */
export async function keptAttachments(messages: MailMessages, box: MailboxRef, uid: number, parts: readonly AttachmentPart[]): Promise<ComposeAttachment[]> {
  const out: ComposeAttachment[] = [];
  for (const p of parts) {
    const stream = await messages.streamPart(box, uid, p.section);
    const chunks: Buffer[] = [];
    for await (const chunk of stream.content) chunks.push(Buffer.from(chunk as Uint8Array));
    const contentId = p.part.id?.trim().replace(/^<|>$/g, '');
    out.push({
      filename: p.name,
      content: Buffer.concat(chunks),
      contentType: p.part.type.toLowerCase(),
      ...(contentId ? { contentId } : {}),
      inline: p.isInline,
      method: p.method,
    });
  }
  return out;
}

/** A client's attachment Add as the composer takes it. */
export function toComposeAttachment(a: DraftAttachmentAdd): ComposeAttachment {
  return {
    content: a.content,
    ...(a.displayName ? { filename: a.displayName } : {}),
    ...(a.contentType ? { contentType: a.contentType } : {}),
    ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
    ...(a.isInline ? { inline: true } : {}),
    ...(a.method !== undefined ? { method: a.method } : {}),
  };
}
