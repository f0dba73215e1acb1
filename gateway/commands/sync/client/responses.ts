/**
 * The elements of a Sync <Responses> block (MS-ASCMD 2.2.3.154), in SyncResponse.xsd's order.
 * The server answers successful Adds and failed Changes and Deletes; a successful Change or
 * Delete gets no element (the client takes silence as success).
 */
import { el, type WbxmlElement } from '../../../../codec/tree.js';

const AS = 'AirSync';

/** MS-ASCMD 2.2.3.177.17, the item-level codes this module answers. */
export const SyncItemStatus = {
  success: 1,
  protocolError: 4,
  serverError: 5,
  conversionError: 6,
  conflict: 7,
  objectNotFound: 8,
  outOfSpace: 9,
} as const;

export function addResponse(clientId: string, status: number, serverId?: string): WbxmlElement {
  const children = [el(AS, 'ClientId', clientId)];
  if (serverId !== undefined) children.push(el(AS, 'ServerId', serverId));
  children.push(el(AS, 'Status', status));
  return el(AS, 'Add', children);
}

export function changeResponse(serverId: string, status: number): WbxmlElement {
  return el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'Status', status)]);
}

export function deleteResponse(serverId: string, status: number): WbxmlElement {
  return el(AS, 'Delete', [el(AS, 'ServerId', serverId), el(AS, 'Status', status)]);
}
