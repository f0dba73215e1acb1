/**
 * The client -> server half of Sync for Email over IMAP (MS-ASCMD 2.2.1.21 Commands; MS-ASEMAIL
 * 3.1.5.3, 3.2.5.x): the request's Add, Change and Delete applied to the collection's mailbox,
 * each with its own Status, none failing another. The Sync command calls this before it plans
 * the server's changes and passes `applied` on, so the client's own changes are not echoed.
 *
 * Order of work: Adds, then Changes, then the drafts asked to be sent (Email2:Send), then
 * Deletes (a Change followed by a Delete of the same item in one request ends deleted);
 * Responses keep the request's order.
 */
import type { WbxmlElement } from '../../../codec/tree.js';
import type { MailboxRef } from '../../ports/mail-messages.js';
import type { ClientApplied } from '../../sync/planner.js';
import type { CommandContext } from '../types.js';
import { applyAdds } from './client/adds.js';
import { applyChanges } from './client/changes.js';
import { applyDeletes } from './client/deletes.js';
import { applyDraftChanges } from './client/draft-changes.js';
import { sendChangedDrafts } from './client/draft-send.js';
import { changeResponse, deleteResponse } from './client/responses.js';

export type ClientCommand =
  | { readonly kind: 'add'; readonly clientId: string; readonly data: readonly WbxmlElement[]; readonly send?: true }
  | { readonly kind: 'change'; readonly serverId: string; readonly data: readonly WbxmlElement[]; readonly send?: true }
  | { readonly kind: 'delete'; readonly serverId: string };

export interface ClientChangeInput {
  readonly ctx: CommandContext;
  readonly collectionId: string;
  /** The collection's mailbox and UIDVALIDITY. */
  readonly box: MailboxRef;
  /** EAS FolderType of the collection (3 = Drafts). */
  readonly folderType: number;
  /** The request's DeletesAsMoves, default true. */
  readonly deletesAsMoves: boolean;
  /** Options Conflict: 0 client wins, 1 server wins (default 1). */
  readonly conflict: 0 | 1;
  /** Item ids (UIDs as strings) the server changed or removed since the client's state, for Conflict. */
  readonly serverChanged: ReadonlySet<string>;
  /** ClientId -> ServerId already given in kept states (a retried Add must not append again). */
  readonly knownClientIds: ReadonlyMap<string, string>;
}

export interface ClientChangeOutcome {
  /** AirSync Add/Change/Delete elements for <Responses>, in request order. */
  readonly responses: readonly WbxmlElement[];
  /** So the client's own changes are not echoed back. */
  readonly applied: ClientApplied;
  /** ClientId -> ServerId of this request's Adds, committed with the state. */
  readonly clientIds: ReadonlyMap<string, string>;
}

type Indexed<T> = T & { readonly index: number };

export async function applyClientCommands(input: ClientChangeInput, commands: readonly ClientCommand[]): Promise<ClientChangeOutcome> {
  const adds: Indexed<Extract<ClientCommand, { kind: 'add' }>>[] = [];
  const changes: Indexed<Extract<ClientCommand, { kind: 'change' }>>[] = [];
  const deletes: Indexed<Extract<ClientCommand, { kind: 'delete' }>>[] = [];
  commands.forEach((c, index) => {
    if (c.kind === 'add') adds.push({ ...c, index });
    else if (c.kind === 'change') changes.push({ ...c, index });
    else deletes.push({ ...c, index });
  });
  const responses: (WbxmlElement | undefined)[] = commands.map(() => undefined);

  const added = await applyAdds(input, adds);
  adds.forEach((a, i) => (responses[a.index] = added.responses[i]));

  const changed = await applyChanges(input, changes);
  const drafts = await applyDraftChanges(input, changed.parsed, changes);
  const unsent = await sendChangedDrafts(input, changes.map((c, i) => ({
    send: c.send,
    status: drafts.statuses.get(i) ?? changed.statuses[i],
    uid: changed.parsed.get(i)?.uid,
    newUid: drafts.newUids.get(i),
  })));
  changes.forEach((c, i) => {
    const status = drafts.statuses.get(i) ?? changed.statuses[i] ?? unsent.get(i);
    if (status !== undefined) responses[c.index] = changeResponse(c.serverId, status);
  });

  const removed = await applyDeletes(input, deletes.map((d) => d.serverId));
  deletes.forEach((d, i) => {
    const status = removed.statuses[i];
    if (status !== undefined) responses[d.index] = deleteResponse(d.serverId, status);
  });

  const changedIds = changed.changed.filter((c) => !drafts.replaced.has(typeof c === 'string' ? c : c.id));
  return {
    responses: responses.filter((r): r is WbxmlElement => r !== undefined),
    applied: { added: added.added, changed: changedIds, deleted: removed.deleted },
    clientIds: added.clientIds,
  };
}
