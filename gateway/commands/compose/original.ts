/**
 * The original of a SmartReply/SmartForward, found by its ServerId (ItemId, or a search result's
 * LongId, which in this gateway is the same "<collection>:<uid>"), in whichever mail folder it
 * is. Its text and HTML bodies are read whole for the quote; on a forward its attachments are
 * fetched as stored (MIME header and encoded body), so they travel on byte for byte.
 */
import { sectionOf } from '../../convert/email/body-plan.js';
import { partText } from '../../convert/email/body.js';
import type { OriginalBodies } from '../../convert/email/compose/quote.js';
import type { Chunks } from '../../convert/email/compose/mime-build.js';
import { parseRawMessage, type HeaderField } from '../../convert/email/compose/raw-message.js';
import type { MessageView, MimePart } from '../../convert/email/message-view.js';
import { findAttachments, findBodyParts } from '../../convert/email/structure.js';
import { FolderNotFoundError, MessageNotFoundError, UidValidityChangedError, type MailboxRef } from '../../ports/mail-messages.js';
import { parseItemServerId } from '../../sync/server-id.js';
import { resolveMailCollection } from '../email/collections.js';
import type { CommandContext } from '../types.js';
import type { ComposeSource } from './request.js';
import { ComposeFailure } from './status.js';

export interface OriginalRef {
  readonly box: MailboxRef;
  readonly uid: number;
  readonly view: MessageView;
}

export async function locateOriginal(ctx: CommandContext, source: ComposeSource | undefined): Promise<OriginalRef> {
  const id = source?.itemId ?? source?.longId;
  if (!id) throw new ComposeFailure('invalid-request', 'no Source ItemId or LongId');
  const parsed = parseItemServerId(id);
  const uid = parsed ? Number(parsed.itemId) : NaN;
  if (!parsed || !Number.isSafeInteger(uid) || uid < 1) throw new ComposeFailure('item-not-found', 'the source item id is not one of ours');
  try {
    const collection = await resolveMailCollection(ctx, parsed.collectionId);
    if (!collection) throw new ComposeFailure('item-not-found', 'the source collection is unknown');
    const box = await ctx.ports.messages.mailboxRef(collection.folder.path);
    const view = (await ctx.ports.messages.fetchViews(box, [uid], { preview: false })).get(uid);
    if (!view) throw new ComposeFailure('item-not-found', 'the source message is gone');
    return { box, uid, view };
  } catch (err) {
    throw gone(err);
  }
}

/** The decoded text and HTML bodies, whole. */
export async function originalBodies(ctx: CommandContext, ref: OriginalRef): Promise<OriginalBodies> {
  const parts = findBodyParts(ref.view.structure);
  const wanted = [parts.text, parts.html].filter((p): p is MimePart => p !== undefined);
  if (wanted.length === 0) return {};
  try {
    const fetched = await ctx.ports.messages.fetchParts(ref.box, ref.uid, wanted.map((p) => ({ part: sectionOf(p) })));
    const textOf = (p: MimePart | undefined): string | undefined => {
      const f = p && fetched.find((x) => x.part === sectionOf(p));
      return p && f ? partText(p, f).text : undefined;
    };
    const text = textOf(parts.text);
    const html = textOf(parts.html);
    return { ...(text !== undefined ? { text } : {}), ...(html !== undefined ? { html } : {}) };
  } catch (err) {
    throw gone(err);
  }
}

/** Encoded size of the attachments a forward carries along, from BODYSTRUCTURE (before fetching any). */
export function attachmentBytes(ref: OriginalRef): number {
  const body = findBodyParts(ref.view.structure);
  return findAttachments(ref.view.structure, body).reduce((n, a) => n + (a.part.size ?? 0), 0);
}

/**
 * The attachments (or only the inline images) as MIME parts ready to go into the new message: the original's Content-* header
 * fields (a single-part message's section 1 header is the whole message header: the rest stays
 * behind), a blank line, the body as stored.
 */
export async function originalAttachmentParts(ctx: CommandContext, ref: OriginalRef, which: 'all' | 'inline'): Promise<Chunks[]> {
  const body = findBodyParts(ref.view.structure);
  // A reply quotes the original's HTML, whose cid: images must come along to show.
  const sections = findAttachments(ref.view.structure, body).filter((a) => which === 'all' || a.isInline).map((a) => a.section);
  if (sections.length === 0) return [];
  try {
    const raw = await ctx.ports.messages.fetchRawParts(ref.box, ref.uid, sections);
    return raw.map((r): Chunks => {
      const fields = contentFields(r.header);
      const head = (fields.length ? fields.map((f) => f.raw) : ['Content-Type: application/octet-stream']).join('\r\n') + '\r\n\r\n';
      // Not concatenated: the body may be tens of MB, and the composed message copies it once anyway.
      return [Buffer.from(head, 'latin1'), r.body];
    });
  } catch (err) {
    throw gone(err);
  }
}

function contentFields(header: Uint8Array): HeaderField[] {
  try {
    const parsed = parseRawMessage(Buffer.concat([Buffer.from(header), Buffer.from('\r\n\r\n')]));
    return parsed.fields.filter((f) => /^content-/i.test(f.name)).map((f) => ({ name: f.name, raw: f.raw.replace(/\r?\n/g, '\r\n') }));
  } catch {
    return [];
  }
}

/** A message or folder that vanished meanwhile is ItemNotFound; anything else stays what it is. */
function gone(err: unknown): unknown {
  if (err instanceof MessageNotFoundError || err instanceof FolderNotFoundError || err instanceof UidValidityChangedError) {
    return new ComposeFailure('item-not-found', 'the source message is gone', { cause: err });
  }
  return err;
}
