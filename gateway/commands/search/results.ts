/**
 * The email items of a search page, loaded per folder with the shared item loader (one UID FETCH
 * of views per folder, then only the body sections the BodyPreference asks for), in page order.
 * A message expunged between the search and the load is left out.
 */
import type { BodyRequest } from '../../convert/email/body-plan.js';
import type { EmailItem } from '../../items/email.js';
import { loadEmailItems } from '../email/load-items.js';
import type { CommandContext } from '../types.js';
import type { MailboxHit } from './mailbox.js';

export interface LoadedHit {
  readonly hit: MailboxHit;
  readonly item: EmailItem;
}

export async function loadPage(ctx: CommandContext, page: readonly MailboxHit[], body: BodyRequest, preview?: boolean): Promise<LoadedHit[]> {
  const byFolder = new Map<string, MailboxHit[]>();
  for (const h of page) byFolder.set(h.collectionId, [...(byFolder.get(h.collectionId) ?? []), h]);
  const items = new Map<MailboxHit, EmailItem>();
  for (const hits of byFolder.values()) {
    const first = hits[0]!;
    const loaded = await loadEmailItems(ctx.ports.messages, first.box, hits.map((h) => h.uid), {
      version: ctx.protocolVersion,
      body,
      collectionId: first.collectionId,
      ...(preview !== undefined ? { preview } : {}),
    });
    for (const h of hits) {
      const item = loaded.get(h.uid);
      if (item) items.set(h, item);
    }
  }
  return page.flatMap((hit) => {
    const item = items.get(hit);
    return item ? [{ hit, item }] : [];
  });
}
