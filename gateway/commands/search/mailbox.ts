/**
 * A mailbox search as Search and Find run it: which folders (the CollectionIds, their subfolders
 * with DeepTraversal, or every mail folder), one port search per folder (one IMAP UID SORT), the
 * hits merged newest first across folders, and only the requested page kept. Nothing of a message
 * is loaded here beyond its UID and, when several folders are merged, its INTERNALDATE for the
 * first `last + 1` hits of each folder (no hit past those can reach the page).
 */
import { conversationId as conversationIdOf } from '../../convert/email/envelope.js';
import type { MessageView } from '../../convert/email/message-view.js';
import { FolderNotFoundError, MailBackendError, type MailboxRef, type MessageSearchResult, type ThreadHeaders } from '../../ports/mail-messages.js';
import type { MailFolder } from '../../ports/mail-store.js';
import { MailStoreError } from '../../ports/mail-store.js';
import { resolveMailCollection } from '../email/collections.js';
import type { CommandContext } from '../types.js';
import { wantsEmail, type QueryPlan } from './query.js';
import { SearchRequestError, StoreStatus, type Range } from './request.js';

export interface MailboxHit {
  readonly collectionId: string;
  readonly box: MailboxRef;
  readonly uid: number;
}

export interface MailboxSearchResult {
  /** Every match in scope. */
  readonly total: number;
  /** The matches at positions range.first..range.last, newest first. */
  readonly page: readonly MailboxHit[];
}

interface Scoped {
  readonly collectionId: string;
  readonly folder: MailFolder;
}

/** Folder searches in flight at once: the user's pooled sessions are shared with their other requests. */
const PARALLEL_SEARCHES = 3;
/** A ConversationId is a hash, so its matches are found by reading candidates' headers: at most this many. */
const MAX_CONVERSATION_CANDIDATES = 5000;

/**
 * How long a search may take before it is answered with Store Status 10 (time out): IMAP servers
 * without a full-text index read every body for a FreeText search, and a mailbox of 100,000
 * messages takes minutes. Searches still running are given up (their connections dropped, so they
 * do not hold the user's pooled sessions), and no new folder starts.
 */
export const DEFAULT_SEARCH_TIMEOUT_MS = 25_000;

export async function searchMailbox(ctx: CommandContext, plan: QueryPlan, range: Range, deepTraversal: boolean, timeoutMs = DEFAULT_SEARCH_TIMEOUT_MS): Promise<MailboxSearchResult> {
  if (!wantsEmail(plan.classes)) return { total: 0, page: [] };
  const scope = await foldersInScope(ctx, plan.collectionIds, deepTraversal);
  const merging = scope.length > 1;
  const results: { scoped: Scoped; found: MessageSearchResult }[] = [];
  const queue = [...scope];
  let timedOut = false;
  const giveUp = new AbortController();
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s && !timedOut; s = queue.shift()) {
      const found = await searchOne(ctx, s, plan, merging ? range.last + 1 : 0, giveUp.signal);
      if (found) results.push({ scoped: s, found });
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const all = Promise.all(Array.from({ length: Math.min(PARALLEL_SEARCHES, queue.length) }, worker));
  try {
    if ((await Promise.race([all, deadline])) === 'timeout') {
      timedOut = true;
      // The searches still running are dropped with their connections; their outcome no longer matters.
      all.catch(() => undefined);
      giveUp.abort();
      throw new SearchRequestError(StoreStatus.TimedOut, `Search: no answer within ${timeoutMs} ms (${scope.length} folders)`);
    }
  } finally {
    clearTimeout(timer);
  }
  const total = results.reduce((n, r) => n + r.found.uids.length, 0);
  // Folder order as listed, so equal dates come out the same way every time.
  results.sort((a, b) => scope.indexOf(a.scoped) - scope.indexOf(b.scoped));
  const merged = merge(results, range.last + 1);
  return { total, page: merged.slice(range.first, range.last + 1) };
}

/** The newest `limit` hits of all folders; each folder's list is newest first already. */
function merge(results: readonly { scoped: Scoped; found: MessageSearchResult }[], limit: number): MailboxHit[] {
  if (results.length === 1) {
    const { scoped, found } = results[0]!;
    return found.uids.slice(0, limit).map((uid) => ({ collectionId: scoped.collectionId, box: found.box, uid }));
  }
  const heads = results.map(() => 0);
  const out: MailboxHit[] = [];
  while (out.length < limit) {
    let best = -1;
    let bestTime = -Infinity;
    for (const [i, r] of results.entries()) {
      const uid = r.found.uids[heads[i]!];
      if (uid === undefined) continue;
      const t = r.found.dates.get(uid)?.getTime() ?? 0;
      if (best < 0 || t > bestTime) {
        best = i;
        bestTime = t;
      }
    }
    if (best < 0) break;
    const r = results[best]!;
    out.push({ collectionId: r.scoped.collectionId, box: r.found.box, uid: r.found.uids[heads[best]!]! });
    heads[best]!++;
  }
  return out;
}

async function searchOne(ctx: CommandContext, s: Scoped, plan: QueryPlan, datesOfFirst: number, signal: AbortSignal): Promise<MessageSearchResult | undefined> {
  try {
    const found = await ctx.ports.messages.searchMessages(s.folder.path, plan.messages, plan.conversationId ? { threadHeaders: true, signal } : { datesOfFirst, signal });
    return plan.conversationId ? await inConversation(ctx, found, plan.conversationId) : found;
  } catch (err) {
    // A folder deleted since the listing has nothing to find.
    if (err instanceof FolderNotFoundError) return undefined;
    if (err instanceof MailBackendError || err instanceof MailStoreError) throw new SearchRequestError(StoreStatus.ServerError, `Search in a folder failed: ${err.message}`);
    throw err;
  }
}

/**
 * The hits that belong to the conversation. A ConversationId is a hash of the thread root's
 * Message-ID, so it is recomputed from each hit's threading headers (a few hundred bytes each);
 * only messages without any of those headers (hashed from subject and date) need their views.
 */
async function inConversation(ctx: CommandContext, found: MessageSearchResult, id: Uint8Array): Promise<MessageSearchResult> {
  if (found.uids.length > MAX_CONVERSATION_CANDIDATES) throw new SearchRequestError(StoreStatus.TooComplex, `Search: ConversationId over ${found.uids.length} messages`);
  const want = Buffer.from(id);
  const same = (view: Pick<MessageView, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'date'>): boolean => want.equals(Buffer.from(conversationIdOf(view as MessageView)));
  const threads = found.threads ?? new Map<number, ThreadHeaders>();
  const headerless = found.uids.filter((u) => {
    const t = threads.get(u);
    return !t || (!t.messageId && !t.inReplyTo && !t.references?.length);
  });
  const views = headerless.length ? await ctx.ports.messages.fetchViews(found.box, headerless, { preview: false }) : new Map<number, MessageView>();
  const uids = found.uids.filter((u) => {
    const v = views.get(u) ?? threads.get(u);
    return v !== undefined && same(v);
  });
  const dates = new Map(uids.flatMap((u) => {
    const d = found.dates.get(u) ?? views.get(u)?.internalDate;
    return d ? [[u, d] as const] : [];
  }));
  return { box: found.box, uids, dates };
}

async function foldersInScope(ctx: CommandContext, collectionIds: readonly string[], deep: boolean): Promise<Scoped[]> {
  let folders: MailFolder[];
  try {
    folders = await ctx.ports.mail.listFolders();
  } catch (err) {
    if (err instanceof MailStoreError) throw new SearchRequestError(StoreStatus.ServerError, `Search: listing folders failed: ${err.message}`);
    throw err;
  }
  const selectable = folders.filter((f) => f.selectable);
  const withId = async (folder: MailFolder): Promise<Scoped> => ({ collectionId: await ctx.ports.state.folderServerId(ctx.user.login, folder.backendId), folder });
  if (collectionIds.length === 0) return Promise.all(selectable.map(withId));
  const scope: Scoped[] = [];
  const seen = new Set<string>();
  const add = (s: Scoped): void => {
    if (seen.has(s.folder.backendId)) return;
    seen.add(s.folder.backendId);
    scope.push(s);
  };
  for (const id of collectionIds) {
    const c = await resolveMailCollection(ctx, id, folders);
    if (!c) throw new SearchRequestError(StoreStatus.InvalidRequest, `Search: CollectionId ${JSON.stringify(id.slice(0, 64))} is not a mail folder of this user`, true);
    add({ collectionId: c.collectionId, folder: c.folder });
    if (deep && c.folder.delimiter) {
      const prefix = c.folder.path + c.folder.delimiter;
      for (const f of selectable) if (f.path.startsWith(prefix)) add(await withId(f));
    }
  }
  return scope;
}
