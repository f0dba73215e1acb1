/**
 * The server's half of a collection's answer: the planned operations as Commands elements.
 * Adds carry the whole item (views, then only the body sections the options need); Changes of
 * email carry only what IMAP can change on a message, Read, Flag and Categories (its flags and
 * keywords), from one view fetch without any body. Messages that vanished between the plan
 * and the fetch are left out of the Adds; the next round's feed reports them removed.
 */
import type { WbxmlElement } from '../../../codec/index.js';
import { planBodyFetch, type BodyRequest } from '../../convert/email/body-plan.js';
import type { FetchedPart, MessageView } from '../../convert/email/message-view.js';
import { toEmailItem } from '../../convert/email/to-email-item.js';
import { EMAIL_SCHEMA, type EmailFlag } from '../../items/email.js';
import { toApplicationData } from '../../items/schema.js';
import { MessageNotFoundError, type MailboxRef } from '../../ports/mail-messages.js';
import type { SyncOp } from '../../sync/collection-state.js';
import { itemServerId } from '../../sync/server-id.js';
import { formatFileReference } from '../email/file-reference.js';
import { emailElements, loadEmailItems } from '../email/load-items.js';
import type { CommandContext } from '../types.js';
import { storedFlagsFor } from './flag-details.js';
import { addCommand, changeCommand, deleteCommand, softDeleteCommand } from './response.js';

const CHANGE_ONLY: ReadonlySet<string> = new Set(['read', 'flag', 'categories']);
/** A Change carries no body: TruncationSize 0 plans no body fetch. */
const NO_BODY: BodyRequest = { bodyPreferences: [{ type: 1, truncationSize: 0 }] };

export interface ServerChangeInput {
  readonly ctx: CommandContext;
  readonly collectionId: string;
  readonly box: MailboxRef;
  readonly body: BodyRequest;
}

/** Numeric UIDs of the ops' ids (our feed's ids are always UIDs). */
function uidsOf(ops: readonly SyncOp[], kind: SyncOp['kind']): number[] {
  return ops.filter((o) => o.kind === kind).map((o) => Number(o.id));
}

export async function serverCommands(input: ServerChangeInput, ops: readonly SyncOp[]): Promise<WbxmlElement[]> {
  const { ctx, box, collectionId } = input;
  const version = ctx.protocolVersion;
  const addUids = uidsOf(ops, 'add');
  const changeUids = uidsOf(ops, 'change');
  const flagUids = [...addUids, ...changeUids];
  const stored: Map<number, EmailFlag> = flagUids.length ? await storedFlagsFor(ctx, box, flagUids) : new Map();

  const items = addUids.length
    ? await loadEmailItems(ctx.ports.messages, box, addUids, { version, body: input.body, collectionId, storedFlags: stored, userAddresses: [ctx.user.email] })
    : new Map();
  const changed = changeUids.length ? await ctx.ports.messages.fetchViews(box, changeUids, { preview: false }) : new Map();

  const out: WbxmlElement[] = [];
  for (const op of ops) {
    const serverId = itemServerId(collectionId, op.id);
    const uid = Number(op.id);
    switch (op.kind) {
      case 'delete':
        out.push(deleteCommand(serverId));
        break;
      case 'soft-delete':
        out.push(softDeleteCommand(serverId));
        break;
      case 'add': {
        const item = items.get(uid);
        if (item) out.push(addCommand(serverId, emailElements(item, version)));
        break;
      }
      case 'change': {
        const view = changed.get(uid);
        if (!view) break; // gone since: the next round deletes it
        const storedFlag = stored.get(uid);
        // Only an iCalendar reply part may still be planned (the converter reads it for the class).
        const parts = await changeParts(input, uid, view);
        if (!parts) break;
        const item = toEmailItem(view, parts, {
          version,
          body: NO_BODY,
          fileReference: (section) => formatFileReference(collectionId, uid, section),
          ...(storedFlag ? { storedFlag } : {}),
        });
        out.push(changeCommand(serverId, toApplicationData(EMAIL_SCHEMA, item, version, { only: CHANGE_ONLY })));
        break;
      }
    }
  }
  return out;
}

async function changeParts(input: ServerChangeInput, uid: number, view: MessageView): Promise<FetchedPart[] | undefined> {
  const plan = planBodyFetch(view, NO_BODY, input.ctx.protocolVersion);
  if (plan.fetch.length === 0) return [];
  try {
    return await input.ctx.ports.messages.fetchParts(input.box, uid, plan.fetch);
  } catch (err) {
    if (err instanceof MessageNotFoundError) return undefined;
    throw err;
  }
}
