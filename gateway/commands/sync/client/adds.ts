/**
 * Sync Add for email: only drafts can be created by a client (MS-ASEMAIL 3.1.5.3: 16.0+, in the
 * Drafts folder). Anything else is answered per item, never applied.
 */
import type { WbxmlElement } from '../../../../codec/tree.js';
import type { ClientChangeInput } from '../client-changes.js';
import { addResponse, SyncItemStatus } from './responses.js';

export interface AddRequest {
  readonly clientId: string;
  readonly data: readonly WbxmlElement[];
}

export interface AddOutcome {
  /** One per request, in order. */
  readonly responses: WbxmlElement[];
  readonly added: string[];
  readonly clientIds: Map<string, string>;
}

export async function applyAdds(input: ClientChangeInput, requests: readonly AddRequest[]): Promise<AddOutcome> {
  const responses = requests.map((r) => addResponse(r.clientId, SyncItemStatus.conversionError));
  if (requests.length > 0) input.ctx.log.info({ count: requests.length }, 'Sync Add of email refused: not yet supported');
  return { responses, added: [], clientIds: new Map() };
}
