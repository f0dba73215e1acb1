/**
 * Email items for a set of UIDs in one mailbox, as Sync (Add, Change, Fetch), ItemOperations
 * Fetch and Search answer them: one UID FETCH for the views, then only the sections each body
 * plan needs (partial BODY.PEEK, never \Seen), batched so messages asking for the same sections
 * share one fetch, then the converter. Messages that are
 * gone are absent from the answer; the caller decides what that means for its command.
 */
import type { WbxmlElement } from '../../../codec/index.js';
import type { BodyFetchPlan, BodyRequest, FetchRequest } from '../../convert/email/body-plan.js';
import { planBodyFetch } from '../../convert/email/body-plan.js';
import type { FetchedPart, MessageView } from '../../convert/email/message-view.js';
import { toEmailItem } from '../../convert/email/to-email-item.js';
import { EMAIL_SCHEMA, type EmailFlag, type EmailItem } from '../../items/email.js';
import { toApplicationData } from '../../items/schema.js';
import type { ItemVersion } from '../../items/version.js';
import { MessageNotFoundError, type MailboxRef, type MailMessages, type PartsRequest } from '../../ports/mail-messages.js';
import { formatFileReference } from './file-reference.js';

export interface LoadEmailOptions {
  readonly version: ItemVersion;
  readonly body: BodyRequest;
  /** The collection's ServerId, for FileReferences. */
  readonly collectionId: string;
  /** The user's own addresses, for ReceivedAsBcc. */
  readonly userAddresses?: readonly string[];
  /** Flag details the gateway stored for these UIDs (IMAP itself keeps only \Flagged). */
  readonly storedFlags?: ReadonlyMap<number, EmailFlag>;
  /** Whether any BodyPreference asks for a Preview (else PREVIEW is not fetched). */
  readonly preview?: boolean;
}

/** Per-message body fetches in flight at once (ports without fetchPartsMany): enough to hide round trips, few enough to leave the user's other pooled sessions free. */
const PARALLEL_BODY_FETCHES = 3;

export async function loadEmailItems(messages: MailMessages, box: MailboxRef, uids: readonly number[], opts: LoadEmailOptions): Promise<Map<number, EmailItem>> {
  const views = await messages.fetchViews(box, uids, { preview: opts.preview ?? wantsPreview(opts.body) });
  const items = new Map<number, EmailItem>();
  const present = uids.filter((uid) => views.has(uid));
  const plans = new Map(present.map((uid) => [uid, planBodyFetch(views.get(uid)!, opts.body, opts.version)]));
  if (messages.fetchPartsMany) {
    // Batched: messages asking for the same sections share one UID FETCH. Each item is built as
    // its parts arrive, while the server is still sending the next message's.
    const wanted: PartsRequest[] = [];
    for (const uid of present) {
      const plan = plans.get(uid)!;
      if (plan.fetch.length === 0) items.set(uid, toItem(uid, views.get(uid)!, plan, [], opts));
      else wanted.push({ uid, requests: plan.fetch });
    }
    if (wanted.length) {
      const failure: { err?: unknown } = {};
      const build = (uid: number, parts: FetchedPart[]): void => {
        if ('err' in failure) return;
        try {
          items.set(uid, toItem(uid, views.get(uid)!, plans.get(uid)!, parts, opts));
        } catch (err) {
          failure.err = err;
        }
      };
      const parts = await messages.fetchPartsMany(box, wanted, build);
      // Parts a port hands over only at the end; a message missing from the answer went away
      // between the view and the body fetch.
      for (const { uid } of wanted) {
        const p = items.has(uid) ? undefined : parts.get(uid);
        if (p) build(uid, p);
      }
      // A conversion failure fails the load, as it did when items were built after the fetch:
      // never a silently missing item.
      if ('err' in failure) throw failure.err;
    }
    return items;
  }
  const queue = [...present];
  const worker = async (): Promise<void> => {
    for (let uid = queue.shift(); uid !== undefined; uid = queue.shift()) {
      const plan = plans.get(uid)!;
      const fetched = await fetchBodyParts(messages, box, uid, plan.fetch);
      if (fetched) items.set(uid, toItem(uid, views.get(uid)!, plan, fetched, opts));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BODY_FETCHES, queue.length) }, worker));
  return items;
}

/** The ApplicationData children (or ItemOperations/Search Properties children) of one item. */
export function emailElements(item: EmailItem, version: ItemVersion): WbxmlElement[] {
  return toApplicationData(EMAIL_SCHEMA, item, version);
}

function wantsPreview(body: BodyRequest): boolean {
  return (body.bodyPreferences ?? []).some((p) => (p.preview ?? 0) > 0);
}

/** Undefined when the message went away between the view and the body fetch. */
async function fetchBodyParts(messages: MailMessages, box: MailboxRef, uid: number, fetch: readonly FetchRequest[]): Promise<FetchedPart[] | undefined> {
  if (fetch.length === 0) return [];
  try {
    return await messages.fetchParts(box, uid, fetch);
  } catch (err) {
    if (err instanceof MessageNotFoundError) return undefined;
    throw err;
  }
}

function toItem(uid: number, view: MessageView, plan: BodyFetchPlan, fetched: readonly FetchedPart[], opts: LoadEmailOptions): EmailItem {
  const storedFlag = opts.storedFlags?.get(uid);
  return toEmailItem(view, fetched, {
    version: opts.version,
    body: opts.body,
    plan,
    fileReference: (section) => formatFileReference(opts.collectionId, uid, section),
    ...(storedFlag ? { storedFlag } : {}),
    ...(opts.userAddresses ? { userAddresses: opts.userAddresses } : {}),
  });
}
