/**
 * Sync response elements (MS-ASCMD 2.2.1.21, SyncResponse.xsd). Collection children go in the
 * order of the spec's examples: (2.5/12.0: Class), SyncKey, CollectionId, Status, Commands,
 * MoreAvailable (4.5.8), Responses. Within Commands the planner's order stands: Delete,
 * SoftDelete, Change, Add.
 */
import { el, type WbxmlElement } from '../../../codec/index.js';

const AS = 'AirSync';

export interface CollectionResponse {
  /** 2.5 and 12.0 name the class of the collection. */
  readonly className?: string;
  readonly syncKey: string;
  readonly collectionId: string;
  readonly status: number;
  readonly commands?: readonly WbxmlElement[];
  readonly moreAvailable?: boolean;
  readonly responses?: readonly WbxmlElement[];
}

export function collectionElement(c: CollectionResponse): WbxmlElement {
  const out: WbxmlElement[] = [];
  if (c.className) out.push(el(AS, 'Class', c.className));
  out.push(el(AS, 'SyncKey', c.syncKey), el(AS, 'CollectionId', c.collectionId), el(AS, 'Status', c.status));
  // Commands and Responses, when present, MUST hold at least one operation.
  if (c.commands?.length) out.push(el(AS, 'Commands', [...c.commands]));
  if (c.moreAvailable) out.push(el(AS, 'MoreAvailable'));
  if (c.responses?.length) out.push(el(AS, 'Responses', [...c.responses]));
  return el(AS, 'Collection', out);
}

export function syncResponse(collections: readonly WbxmlElement[]): WbxmlElement {
  return el(AS, 'Sync', [el(AS, 'Collections', [...collections])]);
}

/** A request-level failure: Status alone, or with Limit for an out-of-range Wait/HeartbeatInterval. */
export function syncStatusResponse(status: number, limit?: number): WbxmlElement {
  return el(AS, 'Sync', [el(AS, 'Status', status), ...(limit !== undefined ? [el(AS, 'Limit', limit)] : [])]);
}

export function addCommand(serverId: string, data: readonly WbxmlElement[]): WbxmlElement {
  return el(AS, 'Add', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', [...data])]);
}

export function changeCommand(serverId: string, data: readonly WbxmlElement[]): WbxmlElement {
  return el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', [...data])]);
}

export function deleteCommand(serverId: string): WbxmlElement {
  return el(AS, 'Delete', [el(AS, 'ServerId', serverId)]);
}

export function softDeleteCommand(serverId: string): WbxmlElement {
  return el(AS, 'SoftDelete', [el(AS, 'ServerId', serverId)]);
}

/** A Fetch answer in Responses: ApplicationData only on success. */
export function fetchResponse(serverId: string, status: number, data?: readonly WbxmlElement[]): WbxmlElement {
  return el(AS, 'Fetch', [el(AS, 'ServerId', serverId), el(AS, 'Status', status), ...(data ? [el(AS, 'ApplicationData', [...data])] : [])]);
}
