/**
 * GetAttachment (MS-ASCMD 2.2.1.7; protocol 2.5 to 12.1, replaced by ItemOperations Fetch from
 * 14.0): the AttachmentName query parameter names the attachment (the FileReference, 2.5's
 * AttName, that Sync handed out), and the response body is its raw content with its own
 * Content-Type, streamed from IMAP with an exact Content-Length. An attachment that is not there
 * (deleted since, or a name we never issued) is HTTP 500, as the specification has it.
 */
import { attachmentPayload, resolveAttachment } from './item-operations/attachment.js';
import { exactly } from './item-operations/payload.js';
import type { CommandDefinition, CommandHandler } from './types.js';

export const getAttachment: CommandHandler = async (ctx) => {
  const name = ctx.params.attachmentName;
  const att = name ? await resolveAttachment(ctx, name) : undefined;
  if (!att) {
    ctx.log.info({ reason: name ? 'attachment not found' : 'no AttachmentName' }, 'GetAttachment refused');
    return { kind: 'empty', status: 500 };
  }
  ctx.log.debug({ bytes: att.info.size, contentType: att.info.contentType }, 'GetAttachment');
  return { kind: 'stream', contentType: att.info.contentType, body: exactly(attachmentPayload(ctx, att)), length: att.info.size };
};

export function getAttachmentCommand(): CommandDefinition {
  return {
    name: 'GetAttachment',
    maxVersion: '12.1',
    needsProvisioning: true,
    body: 'none',
    handler: getAttachment,
  };
}
