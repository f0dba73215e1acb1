/**
 * Sync Add for email: a client creates only drafts, in the Drafts folder, from 16.0 (MS-ASEMAIL
 * 3.1.5.3; earlier versions have no draft sync). The draft is composed as MIME and APPENDed with
 * \Draft and \Seen; the answer carries the new ServerId and the FileReferences of the attachments
 * sent with it. A ClientId already answered (a retried request) gets the same ServerId again and
 * appends nothing. With Email2:Send the saved draft is then sent (draft-send.ts). Anything else is
 * refused per item with Status 6 and never applied.
 */
import type { WbxmlElement } from '../../../../codec/tree.js';
import { fromClientDraft, type ClientDraft } from '../../../convert/email/client-draft.js';
import { composeDraft } from '../../../convert/email/compose-draft.js';
import type { EmailFlag } from '../../../items/email.js';
import { ItemConversionError } from '../../../items/errors.js';
import { MailBackendError, UidPlusRequiredError } from '../../../ports/mail-messages.js';
import { itemServerId } from '../../../sync/server-id.js';
import { compareVersions } from '../../types.js';
import type { ClientChangeInput } from '../client-changes.js';
import { saveFlagDetails } from '../flag-details.js';
import { categoryKeywords } from './flag-plan.js';
import { attachmentRefsElement, matchAttachmentRefs, toComposeAttachment } from './draft-attachments.js';
import { DRAFT_MARKER, draftMarkerValue } from './draft-marker.js';
import { draftSendKey, sendDraft } from './draft-send.js';
import { uidOf } from './item-ids.js';
import { addResponse, SyncItemStatus } from './responses.js';
import { FolderType } from '../../folder/folder-types.js';

export { DRAFT_MARKER, draftMarkerValue } from './draft-marker.js';

export interface AddRequest {
  readonly clientId: string;
  readonly data: readonly WbxmlElement[];
  /** Email2:Send: send the draft once it is saved (draft-send.ts). */
  readonly send?: true;
}

export interface AddOutcome {
  /** One per request, in order. */
  readonly responses: WbxmlElement[];
  readonly added: string[];
  readonly clientIds: Map<string, string>;
}

function draftMarker(input: ClientChangeInput, clientId: string): string {
  return draftMarkerValue(input.ctx.user.login, input.ctx.device.id, input.collectionId, clientId);
}

/** The UID of a draft this ClientId already created, if the backend can search headers. */
async function appendedBefore(input: ClientChangeInput, marker: string): Promise<number | undefined> {
  const messages = input.ctx.ports.messages;
  if (!messages.findByHeader) return undefined;
  try {
    return (await messages.findByHeader(input.box, DRAFT_MARKER, marker))[0];
  } catch (err) {
    if (!(err instanceof MailBackendError)) throw err;
    input.ctx.log.warn({ err }, 'Sync Add: looking for an earlier copy of the draft failed');
    return undefined;
  }
}

export async function applyAdds(input: ClientChangeInput, requests: readonly AddRequest[]): Promise<AddOutcome> {
  const { ctx } = input;
  const responses: WbxmlElement[] = [];
  const added: string[] = [];
  const clientIds = new Map<string, string>();
  const draftsAllowed = input.folderType === FolderType.Drafts && compareVersions(ctx.protocolVersion, '16.0') >= 0;
  for (const r of requests) {
    const known = clientIds.get(r.clientId) ?? input.knownClientIds.get(r.clientId);
    if (known !== undefined) {
      const again = await answerAgain(input, r, known);
      responses.push(again.response);
      if (!again.holds) continue;
      const uid = uidOf(known, input.collectionId);
      if (uid !== undefined) added.push(String(uid));
      clientIds.set(r.clientId, known);
      continue;
    }
    if (!draftsAllowed) {
      ctx.log.info({ folderType: input.folderType }, 'Sync Add of email refused: only drafts in Drafts at 16.0+');
      responses.push(addResponse(r.clientId, SyncItemStatus.conversionError));
      continue;
    }
    let draft: ClientDraft;
    let mime: Uint8Array;
    let flags: string[];
    const marker = draftMarker(input, r.clientId);
    try {
      draft = fromClientDraft(r.data, ctx.protocolVersion);
      flags = appendFlags(draft);
      const attachments = draft.addAttachments.map(toComposeAttachment);
      mime = await composeDraft(draft.item, attachments, { from: ctx.user.email, date: ctx.ports.clock.now(), headers: { [DRAFT_MARKER]: marker } });
    } catch (err) {
      if (!(err instanceof ItemConversionError)) throw err;
      ctx.log.info({ path: err.path, reason: err.reason }, 'Sync Add refused: conversion error');
      responses.push(addResponse(r.clientId, SyncItemStatus.conversionError));
      continue;
    }
    const already = await appendedBefore(input, marker);
    if (already !== undefined) {
      // Appended by a request whose state never got saved (the gateway stopped in between).
      ctx.log.info({ uid: already }, 'Sync Add: this draft was appended before; answered with it');
      const serverId = itemServerId(input.collectionId, String(already));
      const again = await answerAgain(input, r, serverId);
      responses.push(again.response);
      if (!again.holds) continue;
      added.push(String(already));
      clientIds.set(r.clientId, serverId);
      continue;
    }
    let uid: number;
    try {
      ({ uid } = await ctx.ports.messages.appendMessage(input.box.path, mime, { flags }));
    } catch (err) {
      if (!(err instanceof MailBackendError || err instanceof UidPlusRequiredError)) throw err;
      ctx.log.warn({ err }, 'Sync Add: APPEND refused');
      responses.push(addResponse(r.clientId, SyncItemStatus.serverError));
      continue;
    }
    const serverId = itemServerId(input.collectionId, String(uid));
    const flag = flagOf(draft);
    if (flag) await saveFlagDetails(ctx, input.box, new Map([[uid, flag]]));
    // A sent draft leaves Drafts: its attachments get no FileReferences.
    const refs = draft.addAttachments.length > 0 && !r.send ? await refsOf(input, uid, draft) : new Map<string, string>();
    const sent = await sendIfAsked(input, r, uid);
    if (sent !== SyncItemStatus.success) {
      // Saved but not sent: the draft stays in Drafts and reaches the client as the server's Add.
      responses.push(addResponse(r.clientId, sent));
      continue;
    }
    added.push(String(uid));
    clientIds.set(r.clientId, serverId);
    responses.push(withData(addResponse(r.clientId, SyncItemStatus.success, serverId), attachmentRefsElement(refs)));
  }
  return { responses, added, clientIds };
}

/** Email2:Send once the draft is saved: Status 1 (sent, or not asked), or the Status that leaves it unsent in Drafts. */
function sendIfAsked(input: ClientChangeInput, r: AddRequest, uid: number): Promise<number> {
  return r.send ? sendDraft(input, uid, draftSendKey(input.collectionId, input.box, uid)) : Promise.resolve(SyncItemStatus.success);
}

/** \Draft and \Seen (a client's own draft is read), \Flagged for an active flag, and its categories. */
function appendFlags(draft: ClientDraft): string[] {
  const flags = ['\\Draft', '\\Seen'];
  if (flagOf(draft)?.status === 2) flags.push('\\Flagged');
  return [...flags, ...categoryKeywords(draft.item.categories ?? [])];
}

/** The draft's flag as the client set it (no Status but details means active), undefined for none. */
function flagOf(draft: ClientDraft): EmailFlag | undefined {
  const f = draft.item.flag;
  if (!f || Object.keys(f).length === 0 || f.status === 0) return undefined;
  return f.status === undefined ? { ...f, status: 2 } : f;
}

/**
 * The answer to a ClientId whose draft exists already (a retried request, or one the gateway
 * appended but never recorded): sent first if the client asked (Email2:Send), then the same answer
 * as the first time. `holds` is false when that send failed: the draft stays unsent in Drafts.
 */
async function answerAgain(input: ClientChangeInput, r: AddRequest, serverId: string): Promise<{ response: WbxmlElement; holds: boolean }> {
  const uid = uidOf(serverId, input.collectionId);
  const sent = uid === undefined ? SyncItemStatus.success : await sendIfAsked(input, r, uid);
  if (sent !== SyncItemStatus.success) return { response: addResponse(r.clientId, sent), holds: false };
  let draft: ClientDraft | undefined;
  try {
    draft = fromClientDraft(r.data, input.ctx.protocolVersion);
  } catch {
    draft = undefined;
  }
  // ServerId, Status 1, and the attachments' FileReferences (none for a sent draft, which left Drafts).
  const refs = uid !== undefined && !r.send && draft && draft.addAttachments.length > 0 ? await refsOf(input, uid, draft) : new Map<string, string>();
  return { response: withData(addResponse(r.clientId, SyncItemStatus.success, serverId), attachmentRefsElement(refs)), holds: true };
}

async function refsOf(input: ClientChangeInput, uid: number, draft: ClientDraft): Promise<Map<string, string>> {
  const views = await input.ctx.ports.messages.fetchViews(input.box, [uid], { preview: false });
  const view = views.get(uid);
  return view ? matchAttachmentRefs(input.collectionId, uid, view, draft.addAttachments) : new Map();
}

function withData(add: WbxmlElement, data: WbxmlElement | undefined): WbxmlElement {
  if (data) add.children.push(data);
  return add;
}
