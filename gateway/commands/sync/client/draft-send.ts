/**
 * Email2:Send (MS-ASEMAIL 2.2.2.69, 16.0+): an Add or Change of a draft in Drafts that carries
 * <Send/> asks for the draft to be sent once saved. Samsung Email sends every message it had
 * saved as a draft this way. Without this the draft would be saved and answered Status 1, and
 * the message never leave.
 *
 * The saved draft is read back whole, made ready as SendMail would make it (our draft marker and
 * the draft's Date dropped, Message-ID kept, Bcc in the envelope only), submitted as the user,
 * remembered as sent, saved in Sent and then removed from Drafts; the next Sync tells the client
 * the draft is gone. A send that fails leaves the draft where it is, with Status 5 (try again) or
 * 6 (the message cannot be sent as it is), so nothing the user wrote is lost.
 */
import { InvalidMimeError, NoRecipientError, prepareOutgoing, type OutgoingMessage } from '../../../convert/email/compose/outgoing.js';
import { parseRawMessage, serializeRawMessage, withoutFields } from '../../../convert/email/compose/raw-message.js';
import { BackendUnavailableError } from '../../../errors.js';
import { WHOLE_MESSAGE } from '../../../convert/email/message-view.js';
import { MailBackendError, MessageNotFoundError } from '../../../ports/mail-messages.js';
import { SubmissionRejectedError } from '../../../ports/mail-submit.js';
import type { DeviceKey } from '../../../ports/state-store.js';
import { submitOutgoing } from '../../compose/flow.js';
import { compareVersions } from '../../types.js';
import type { ClientChangeInput } from '../client-changes.js';
import { DRAFT_MARKER } from './draft-marker.js';
import { SyncItemStatus } from './responses.js';
import { FolderType } from '../../folder/folder-types.js';

/** The key a sent draft is remembered by: per device, like a SendMail ClientId. */
export function draftSendKey(collectionId: string, box: { uidValidity: number }, uid: number): string {
  return `draft-send:${collectionId}:${box.uidValidity}:${uid}`;
}

/** Sends the draft `uid` of the input's Drafts mailbox; returns the item's Status. */
export async function sendDraft(input: ClientChangeInput, uid: number, key: string): Promise<number> {
  const { ctx, box } = input;
  const device: DeviceKey = { user: ctx.user.login, deviceId: ctx.device.id };
  if (await ctx.ports.state.wasMessageSent(device, key)) {
    ctx.log.info({ uid }, 'Sync: draft already sent by an earlier request');
    return SyncItemStatus.success;
  }
  let out: OutgoingMessage;
  try {
    const [whole] = await ctx.ports.messages.fetchParts(box, uid, [{ part: WHOLE_MESSAGE }]);
    out = prepareOutgoing(forSending(whole?.bytes ?? new Uint8Array()), { userAddress: ctx.user.email, now: ctx.ports.clock.now() });
  } catch (err) {
    if (err instanceof MessageNotFoundError) return SyncItemStatus.objectNotFound;
    if (err instanceof InvalidMimeError || err instanceof NoRecipientError) {
      ctx.log.info({ uid, why: err.message }, 'Sync: draft not sent, it cannot be sent as it is');
      return SyncItemStatus.conversionError;
    }
    if (err instanceof MailBackendError) {
      ctx.log.warn({ err, uid }, 'Sync: draft not sent, reading it back failed');
      return SyncItemStatus.serverError;
    }
    throw err;
  }
  try {
    // Remembered under `key` as SendMail remembers a ClientId; the copy goes to Sent.
    await submitOutgoing(ctx, out, { clientId: key, saveInSent: true, what: 'Sync: draft' });
  } catch (err) {
    if (err instanceof SubmissionRejectedError) {
      ctx.log.warn({ uid, refusal: err.refusal, smtpCode: err.smtpCode }, 'Sync: the submission server refused the draft');
      return err.transient ? SyncItemStatus.serverError : SyncItemStatus.conversionError;
    }
    if (err instanceof BackendUnavailableError) {
      ctx.log.warn({ uid, why: err.message }, 'Sync: draft not sent, the submission server is unavailable');
      return SyncItemStatus.serverError;
    }
    throw err;
  }
  try {
    await ctx.ports.messages.deleteMessages(box, [uid]);
  } catch (err) {
    ctx.log.warn({ err, uid }, 'the draft was sent but could not be removed from Drafts');
  }
  return SyncItemStatus.success;
}

/** The draft as it leaves: without our draft marker, and dated when it is sent, not when it was saved. */
function forSending(mime: Uint8Array): Uint8Array {
  return serializeRawMessage(withoutFields(parseRawMessage(mime), [DRAFT_MARKER, 'Date']));
}

/** What sendChangedDrafts needs of a Change: its request, where its response goes, its parsed UID, the UID after a draft Change. */
export interface ChangeToSend {
  readonly send?: true;
  /** Status already decided (the Change failed): nothing is sent. */
  readonly status: number | undefined;
  /** The draft's UID as the client named it, undefined when the Change did not parse. */
  readonly uid: number | undefined;
  /** The UID of the message that replaced the draft in this request, if it was changed. */
  readonly newUid: number | undefined;
}

/**
 * Email2:Send on Changes: each draft the client asked to send, once its Change took. Only in
 * Drafts at 16.0+ (elsewhere the element is ignored, logged). Returns the Status per Change
 * that failed to send (by position), success being no Status.
 */
export async function sendChangedDrafts(input: ClientChangeInput, changes: readonly ChangeToSend[]): Promise<Map<number, number>> {
  const failed = new Map<number, number>();
  const asked = changes.some((c) => c.send);
  if (!asked) return failed;
  if (input.folderType !== FolderType.Drafts || compareVersions(input.ctx.protocolVersion, '16.0') < 0) {
    input.ctx.log.info({ folderType: input.folderType }, 'Sync Change: Send outside Drafts or below 16.0 ignored');
    return failed;
  }
  for (const [i, c] of changes.entries()) {
    if (!c.send || c.status !== undefined || c.uid === undefined) continue;
    const uid = c.newUid ?? c.uid;
    const status = await sendDraft(input, uid, draftSendKey(input.collectionId, input.box, uid));
    if (status !== SyncItemStatus.success) failed.set(i, status);
  }
  return failed;
}
