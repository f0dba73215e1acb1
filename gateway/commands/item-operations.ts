/**
 * ItemOperations (MS-ASCMD 2.2.1.10, 12.0+): Fetch of an email (CollectionId + ServerId, or a
 * Search LongId), of an attachment by FileReference (whole or a Range), EmptyFolderContents, and
 * Move of a conversation (answered "not supported": conversations are not tracked here yet).
 *
 * Content travels inline (base64 in ItemOperations:Data) or, when the client sends
 * MS-ASAcceptMultiPart: T (or the base64 query's flag), as binary parts of a multipart body.
 * Either way attachments stream from IMAP as the response is written: this handler only learns
 * their exact sizes (BINARY.SIZE) and never holds their content.
 */
import { el, type WbxmlElement } from '../../codec/index.js';
import { emptyFolderContents } from './item-operations/empty-folder.js';
import { fetchAttachment, fetchFailure, type FetchOutcome } from './item-operations/fetch-attachment.js';
import { fetchEmail } from './item-operations/fetch-item.js';
import type { PayloadSlot } from './item-operations/payload.js';
import { IO, parseItemOperations, type Operation } from './item-operations/request.js';
import { itemOperationsResult, MAX_MULTIPART_BYTES } from './item-operations/response.js';
import { ItemOperationsStatus } from './item-operations/status.js';
import type { CommandContext, CommandDefinition, CommandHandler } from './types.js';

/** Headroom for part 0 and the part table within the 32-bit multipart offsets. */
const PART0_RESERVE = 16 * 1024 * 1024;

export const itemOperations: CommandHandler = async (ctx, request) => {
  const ops = parseItemOperations(request);
  const multipart = ctx.params.acceptMultiPart;
  const results: WbxmlElement[] = [];
  const slots: PayloadSlot[] = [];
  let budget = MAX_MULTIPART_BYTES - PART0_RESERVE;
  for (const op of ops) {
    const outcome = await runOperation(ctx, op, multipart, budget);
    results.push(outcome.element);
    if (outcome.slot) {
      slots.push(outcome.slot);
      budget -= outcome.slot.payload.length;
    }
    if (outcome.reason) ctx.log.info({ op: op.kind, status: statusOf(outcome.element), reason: outcome.reason }, 'ItemOperations operation refused');
  }
  const root = el(IO, 'ItemOperations', [el(IO, 'Status', ItemOperationsStatus.Success), el(IO, 'Response', results)]);
  ctx.log.debug({ operations: ops.length, payloads: slots.length, bytes: slots.reduce((n, s) => n + s.payload.length, 0), multipart }, 'ItemOperations');
  return itemOperationsResult(root, slots, multipart);
};

async function runOperation(ctx: CommandContext, op: Operation, multipart: boolean, budget: number): Promise<FetchOutcome> {
  switch (op.kind) {
    case 'invalid':
      return { element: el(IO, op.tag, [el(IO, 'Status', op.status), ...op.echo]), reason: op.reason };
    case 'fetch': {
      if (op.store.toLowerCase() !== 'mailbox') {
        const echo = op.target.kind === 'attachment' ? [el('AirSyncBase', 'FileReference', op.target.fileReference)] : [];
        return fetchFailure(ItemOperationsStatus.UnknownStore, echo, `store ${op.store.slice(0, 32)} is not served`);
      }
      if (op.target.kind === 'attachment') return fetchAttachment(ctx, op.target, multipart ? budget : Math.floor((budget / 4) * 3));
      return fetchEmail(ctx, op.target, multipart);
    }
    case 'empty':
      return emptyFolderContents(ctx, op.collectionId, op.deleteSubFolders);
    case 'move':
      return {
        element: el(IO, 'Move', [el(IO, 'Status', ItemOperationsStatus.ActionNotSupported), op.conversationId]),
        reason: 'conversation moves are not supported',
      };
  }
}

function statusOf(element: WbxmlElement): string | undefined {
  return element.children.find((c) => c.tag === 'Status')?.text;
}

function statusResponse(status: number): WbxmlElement {
  return el(IO, 'ItemOperations', [el(IO, 'Status', status)]);
}

export function itemOperationsCommand(): CommandDefinition {
  return {
    name: 'ItemOperations',
    needsProvisioning: true,
    body: 'wbxml',
    handler: itemOperations,
    statusResponse,
  };
}
