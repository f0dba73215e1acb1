/**
 * A header field every draft Add carries: a digest of (user, device, collection, ClientId). If the
 * gateway stops after the APPEND but before the state with the ClientId is saved, the client's
 * retry finds the draft by it instead of appending a second one. A draft Change drops it, and a
 * draft is sent without it.
 */
import { createHash } from 'node:crypto';

export const DRAFT_MARKER = 'X-Easgate-Draft';

export function draftMarkerValue(login: string, deviceId: string, collectionId: string, clientId: string): string {
  return createHash('sha256').update([login, deviceId, collectionId, clientId].join('\0')).digest('hex').slice(0, 32);
}
