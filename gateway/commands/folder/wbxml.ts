/**
 * FolderHierarchy requests and responses (MS-ASCMD 2.2.1.3-2.2.1.6) as typed values. Element
 * order follows Microsoft's response schemas (FolderSyncResponse.xsd: Status, SyncKey,
 * Changes with Count, then Update, Delete, Add).
 */
import { accessorsFor, el, SchemaError, type WbxmlElement } from '../../../codec/index.js';
import { EasStatusError } from '../../errors.js';
import type { HierarchyChanges } from '../../sync/hierarchy.js';
import type { CommandRequest } from '../types.js';

const NS = 'FolderHierarchy';
const fh = accessorsFor(NS);

/** Status values shared by the four commands. */
export const Status = {
  Success: 1,
  Exists: 2,
  SpecialFolder: 3,
  NotFound: 4,
  ParentNotFound: 5,
  ServerError: 6,
  InvalidSyncKey: 9,
  BadRequest: 10,
  UnknownError: 11,
} as const;

export type FolderCommand = 'FolderSync' | 'FolderCreate' | 'FolderUpdate' | 'FolderDelete';

export interface FolderSyncRequest { readonly syncKey: string }
export interface FolderCreateRequest { readonly syncKey: string; readonly parentId: string; readonly displayName: string; readonly type: number }
export interface FolderUpdateRequest { readonly syncKey: string; readonly serverId: string; readonly parentId: string; readonly displayName: string }
export interface FolderDeleteRequest { readonly syncKey: string; readonly serverId: string }

export const parseFolderSync = (request: CommandRequest): FolderSyncRequest =>
  parse(request, 'FolderSync', (root) => ({ syncKey: fh.requireText(root, 'SyncKey').trim() }));

export const parseFolderCreate = (request: CommandRequest): FolderCreateRequest =>
  parse(request, 'FolderCreate', (root) => ({
    syncKey: fh.requireText(root, 'SyncKey').trim(),
    parentId: fh.requireText(root, 'ParentId').trim(),
    displayName: fh.requireText(root, 'DisplayName'),
    type: fh.requireInt(root, 'Type'),
  }));

export const parseFolderUpdate = (request: CommandRequest): FolderUpdateRequest =>
  parse(request, 'FolderUpdate', (root) => ({
    syncKey: fh.requireText(root, 'SyncKey').trim(),
    serverId: fh.requireText(root, 'ServerId').trim(),
    parentId: fh.requireText(root, 'ParentId').trim(),
    displayName: fh.requireText(root, 'DisplayName'),
  }));

export const parseFolderDelete = (request: CommandRequest): FolderDeleteRequest =>
  parse(request, 'FolderDelete', (root) => ({
    syncKey: fh.requireText(root, 'SyncKey').trim(),
    serverId: fh.requireText(root, 'ServerId').trim(),
  }));

/** An unreadable request is Status 10 (MS-ASCMD: "incorrectly formatted request"). */
function parse<T>(request: CommandRequest, tag: FolderCommand, read: (root: WbxmlElement) => T): T {
  const root = request.kind === 'wbxml' ? request.root : undefined;
  if (!root) throw new EasStatusError(Status.BadRequest, `${tag} without a body`);
  if (root.ns !== NS || root.tag !== tag) throw new EasStatusError(Status.BadRequest, `${tag} body has root ${root.ns}:${root.tag}`);
  try {
    return read(root);
  } catch (err) {
    if (err instanceof SchemaError) throw new EasStatusError(Status.BadRequest, `${tag}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The answer for any failure Status: the command's element with Status alone. */
export function statusResponse(tag: FolderCommand): (status: number) => WbxmlElement {
  return (status) => el(NS, tag, [el(NS, 'Status', status)]);
}

export function folderSyncResponse(syncKey: string, changes: HierarchyChanges): WbxmlElement {
  const folder = (tag: 'Add' | 'Update', f: HierarchyChanges['added'][number]): WbxmlElement =>
    el(NS, tag, [el(NS, 'ServerId', f.serverId), el(NS, 'ParentId', f.parentId), el(NS, 'DisplayName', f.displayName), el(NS, 'Type', f.type)]);
  const count = changes.added.length + changes.updated.length + changes.deleted.length;
  return el(NS, 'FolderSync', [
    el(NS, 'Status', Status.Success),
    el(NS, 'SyncKey', syncKey),
    el(NS, 'Changes', [
      el(NS, 'Count', count),
      ...changes.updated.map((f) => folder('Update', f)),
      ...changes.deleted.map((id) => el(NS, 'Delete', [el(NS, 'ServerId', id)])),
      ...changes.added.map((f) => folder('Add', f)),
    ]),
  ]);
}

export function folderCreateResponse(syncKey: string, serverId: string): WbxmlElement {
  return el(NS, 'FolderCreate', [el(NS, 'Status', Status.Success), el(NS, 'SyncKey', syncKey), el(NS, 'ServerId', serverId)]);
}

export function folderChangedResponse(tag: 'FolderUpdate' | 'FolderDelete', syncKey: string): WbxmlElement {
  return el(NS, tag, [el(NS, 'Status', Status.Success), el(NS, 'SyncKey', syncKey)]);
}
