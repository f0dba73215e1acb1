/**
 * The one road every sent message takes: refuse a ClientId already sent, build the message
 * (Smart*: from the original on the server), submit it over SMTP as the user with Bcc in the
 * envelope only, remember the ClientId, save the copy in Sent (\Seen), and mark the original
 * \Answered or $Forwarded. Once SMTP took the message the command succeeds: a Sent copy or flag
 * that cannot be written is logged, never reported as a failed send (the client would send again).
 */
import { nonDeliveryNotice } from '../../convert/email/compose/non-delivery.js';
import { buildSmartMessage } from '../../convert/email/compose/smart-message.js';
import { InvalidMimeError, NoRecipientError, prepareOutgoing, type OutgoingMessage } from '../../convert/email/compose/outgoing.js';
import { BackendUnavailableError } from '../../errors.js';
import { SubmissionRejectedError } from '../../ports/mail-submit.js';
import type { DeviceKey } from '../../ports/state-store.js';
import { specialCollection } from '../email/collections.js';
import type { CommandContext, CommandHandler, CommandResult } from '../types.js';
import { attachmentBytes, locateOriginal, originalAttachmentParts, originalBodies, type OriginalRef } from './original.js';
import { parseComposeRequest, type ComposeCommand, type ComposeRequest } from './request.js';
import { ComposeFailure, failureFor } from './status.js';

export interface ComposeOptions {
  /** Largest message built and submitted (config.smtp.maxMessageBytes). */
  readonly maxMessageBytes: number;
}

/** How long a ClientId is remembered: far longer than any client retries a send. */
const CLIENT_ID_TTL_MS = 7 * 24 * 3600 * 1000;

export function composeHandler(command: ComposeCommand, opts: ComposeOptions): CommandHandler {
  // Sends under way, by user, device and ClientId: a phone that gave up waiting on a large send
  // retries while the first is still running; the retry waits for it instead of sending again.
  const inFlight = new Map<string, Promise<boolean>>();
  return async (ctx, request) => {
    try {
      const req = parseComposeRequest(ctx, command, request);
      if (req.clientId === undefined) return await send(ctx, req, opts);
      const key = JSON.stringify([ctx.user.login, ctx.device.id, req.clientId]);
      for (let running = inFlight.get(key); running;) {
        if (await running) throw new ComposeFailure('previously-sent', 'this ClientId was sent by a request still finishing');
        const next = inFlight.get(key);
        running = next === running ? undefined : next;
      }
      const sending = send(ctx, req, opts);
      const settled = sending.then(() => true, () => false);
      inFlight.set(key, settled);
      try {
        return await sending;
      } finally {
        if (inFlight.get(key) === settled) inFlight.delete(key);
      }
    } catch (err) {
      throw translate(err, ctx);
    }
  };
}

async function send(ctx: CommandContext, req: ComposeRequest, opts: ComposeOptions): Promise<CommandResult> {
  const device: DeviceKey = { user: ctx.user.login, deviceId: ctx.device.id };
  if (req.clientId !== undefined && (await ctx.ports.state.wasMessageSent(device, req.clientId))) {
    throw new ComposeFailure('previously-sent', 'this ClientId was sent before');
  }
  let original: OriginalRef | undefined;
  let mime = req.mime;
  if (req.command !== 'SendMail') {
    if (req.replaceMime) {
      // The client sent the whole message: the original is only flagged, so its absence does not stop the send.
      original = await locateOriginal(ctx, req.source).catch((err: unknown) => {
        if (err instanceof ComposeFailure) return undefined;
        throw err;
      });
    } else {
      original = await locateOriginal(ctx, req.source);
      mime = await composeSmart(ctx, req, original, opts);
    }
  }
  if (mime.byteLength > opts.maxMessageBytes) throw new ComposeFailure('too-large', `message of ${mime.byteLength} bytes exceeds ${opts.maxMessageBytes}`);
  const out = prepare(ctx, req, mime);
  await submitOutgoing(ctx, out, { ...(req.clientId !== undefined ? { clientId: req.clientId } : {}), saveInSent: req.saveInSent, what: req.command });
  if (original) await markOriginal(ctx, req.command, original);
  return { kind: 'empty' };
}

/**
 * A prepared message out over SMTP as the user, and what follows once SMTP took it: the ClientId
 * remembered (a retry must not send again), a non-delivery notice for refused recipients, the
 * copy in Sent. What SMTP refuses is thrown (SubmissionRejectedError, BackendUnavailableError);
 * nothing after it is, since the client would answer an error by sending again. Shared with the
 * Sync of a draft with Email2:Send.
 */
export async function submitOutgoing(ctx: CommandContext, out: OutgoingMessage, opts: { readonly clientId?: string; readonly saveInSent: boolean; readonly what: string }): Promise<void> {
  const result = await ctx.ports.submit.submit({ from: ctx.user.email, to: out.recipients }, out.transmitted);
  if (opts.clientId !== undefined) await rememberClientId(ctx, opts.clientId);
  ctx.log.info({ messageId: out.messageId, recipients: out.recipients.length, refused: result.rejected.length, bytes: out.transmitted.length }, `${opts.what}: message submitted`);
  if (result.rejected.length) await reportRefused(ctx, out, result.rejected);
  if (opts.saveInSent) await saveInSent(ctx, out);
}

/** The message is out: a state store hiccup now must not turn into an error the client answers by sending again. */
async function rememberClientId(ctx: CommandContext, clientId: string): Promise<void> {
  try {
    const device: DeviceKey = { user: ctx.user.login, deviceId: ctx.device.id };
    await ctx.ports.state.recordSentMessage(device, clientId, new Date(ctx.ports.clock.now().getTime() + CLIENT_ID_TTL_MS));
  } catch (err) {
    ctx.log.error({ err }, 'the message was sent but its ClientId could not be recorded');
  }
}

async function composeSmart(ctx: CommandContext, req: ComposeRequest, original: OriginalRef, opts: ComposeOptions): Promise<Uint8Array> {
  const forward = req.command === 'SmartForward';
  if (forward && attachmentBytes(original) + req.mime.byteLength > opts.maxMessageBytes) {
    throw new ComposeFailure('too-large', 'the forward with the original\'s attachments exceeds the message size limit');
  }
  const bodies = await originalBodies(ctx, original);
  const originalParts = forward ? await originalAttachmentParts(ctx, original, 'all') : [];
  const originalInline = forward ? [] : await originalAttachmentParts(ctx, original, 'inline');
  const v = original.view;
  return buildSmartMessage({
    mode: forward ? 'forward' : 'reply',
    clientMime: req.mime,
    original: {
      ...(v.from ? { from: v.from } : {}),
      ...(v.to ? { to: v.to } : {}),
      ...(v.cc ? { cc: v.cc } : {}),
      ...(v.subject !== undefined ? { subject: v.subject } : {}),
      ...(v.date ? { date: v.date } : {}),
      ...(v.messageId ? { messageId: v.messageId } : {}),
      ...(v.references ? { references: v.references } : {}),
    },
    bodies,
    originalParts,
    originalInline,
  });
}

function prepare(ctx: CommandContext, req: ComposeRequest, mime: Uint8Array): OutgoingMessage {
  try {
    return prepareOutgoing(mime, { userAddress: ctx.user.email, now: ctx.ports.clock.now(), extraTo: req.forwardees });
  } catch (err) {
    if (err instanceof InvalidMimeError) throw new ComposeFailure('invalid-mime', err.message, { cause: err });
    if (err instanceof NoRecipientError) throw new ComposeFailure('no-recipient', err.message, { cause: err });
    throw err;
  }
}

async function saveInSent(ctx: CommandContext, out: OutgoingMessage): Promise<void> {
  try {
    const sent = await specialCollection(ctx, '\\Sent');
    if (!sent) {
      ctx.log.warn({ messageId: out.messageId }, 'no Sent folder (\\Sent special use): the sent message was not saved');
      return;
    }
    await ctx.ports.messages.appendMessage(sent.folder.path, out.saved, { flags: ['\\Seen'], internalDate: ctx.ports.clock.now() });
  } catch (err) {
    ctx.log.error({ err, messageId: out.messageId }, 'the message was sent but its copy could not be saved in Sent');
  }
}

/** Some recipients refused, the rest served: the send stands, and the user's Inbox says who was missed. */
async function reportRefused(ctx: CommandContext, out: OutgoingMessage, refused: readonly string[]): Promise<void> {
  ctx.log.warn({ messageId: out.messageId, refused: refused.length }, 'the submission server refused some recipients; the others got the message');
  try {
    const notice = nonDeliveryNotice({ userAddress: ctx.user.email, sent: out.transmitted, refused, now: ctx.ports.clock.now() });
    await ctx.ports.messages.appendMessage('INBOX', notice);
  } catch (err) {
    ctx.log.error({ err, messageId: out.messageId }, 'the non-delivery notice could not be put in the Inbox');
  }
}

async function markOriginal(ctx: CommandContext, command: ComposeCommand, original: OriginalRef): Promise<void> {
  const flag = command === 'SmartReply' ? '\\Answered' : '$Forwarded';
  try {
    await ctx.ports.messages.setFlags(original.box, [original.uid], { add: [flag] });
  } catch (err) {
    ctx.log.warn({ err, flag }, 'the message was sent but the original could not be flagged');
  }
}

function translate(err: unknown, ctx: CommandContext): unknown {
  if (err instanceof ComposeFailure) {
    ctx.log.info({ kind: err.kind, why: err.message }, `${ctx.command} refused`);
    return failureFor(err, ctx.protocolVersion);
  }
  if (err instanceof SubmissionRejectedError) {
    const kind = err.refusal === 'too-large' ? 'too-large' : err.refusal === 'recipients' && !err.transient ? 'recipient-unresolved' : 'submission-failed';
    ctx.log.warn({ refusal: err.refusal, smtpCode: err.smtpCode }, `${ctx.command}: the submission server refused the message`);
    return failureFor(new ComposeFailure(kind, err.message, { cause: err }), ctx.protocolVersion);
  }
  if (err instanceof InvalidMimeError) return failureFor(new ComposeFailure('invalid-mime', err.message, { cause: err }), ctx.protocolVersion);
  if (err instanceof BackendUnavailableError) return err;
  return err;
}
