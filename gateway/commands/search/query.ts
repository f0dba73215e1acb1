/**
 * A Search/Find query tree split into what selects folders and classes (CollectionId, Class,
 * ConversationId: only where they restrict the whole query, at its top level or in a top-level
 * And) and what selects messages inside them (FreeText, date comparisons, And/Or of those), which
 * the mailbox port runs as its own search. A scope element inside an Or cannot be run as one
 * search per folder, so it is Store Status 8 (too complex) rather than a silently wrong answer.
 */
import type { MessageQuery } from '../../ports/mail-messages.js';
import { SearchRequestError, StoreStatus, type QueryNode } from './request.js';

export interface QueryPlan {
  /** CollectionIds to search in (empty: every mail folder). */
  readonly collectionIds: readonly string[];
  /** airsync:Class values asked for (empty: any). A mailbox holds Email only. */
  readonly classes: readonly string[];
  /** Only messages of this conversation (MS-ASEMAIL ConversationId). */
  readonly conversationId?: Uint8Array;
  readonly messages: MessageQuery;
}

/** FreeText words a query may carry before it counts as too complex (each is five IMAP keys). */
const MAX_WORDS = 16;

export function planQuery(root: QueryNode): QueryPlan {
  const collectionIds: string[] = [];
  const classes: string[] = [];
  let conversationId: Uint8Array | undefined;
  const conjuncts: MessageQuery[] = [];
  const top = (node: QueryNode): void => {
    switch (node.kind) {
      case 'and':
        node.of.forEach(top);
        return;
      case 'collectionId':
        collectionIds.push(node.id);
        return;
      case 'class':
        classes.push(node.value);
        return;
      case 'conversationId':
        if (conversationId && !sameBytes(conversationId, node.id)) throw new SearchRequestError(StoreStatus.TooComplex, 'Search: two different ConversationIds');
        conversationId = node.id;
        return;
      default:
        conjuncts.push(messageQuery(node));
    }
  };
  top(root);
  const words = countWords(conjuncts);
  if (words > MAX_WORDS) throw new SearchRequestError(StoreStatus.TooComplex, `Search: ${words} FreeText words`);
  const messages: MessageQuery = conjuncts.length === 0 ? { kind: 'all' } : conjuncts.length === 1 ? conjuncts[0]! : { kind: 'and', of: conjuncts };
  return { collectionIds: [...new Set(collectionIds)], classes, ...(conversationId ? { conversationId } : {}), messages };
}

function messageQuery(node: QueryNode): MessageQuery {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, of: node.of.map(messageQuery) };
    case 'freeText':
      return node.text.trim() === '' ? { kind: 'all' } : { kind: 'text', text: node.text };
    case 'receivedAfter':
    case 'receivedBefore':
      return { kind: node.kind, date: node.date };
    default:
      throw new SearchRequestError(StoreStatus.TooComplex, `Search: ${node.kind} inside an Or`);
  }
}

function countWords(queries: readonly MessageQuery[]): number {
  let n = 0;
  for (const q of queries) {
    if (q.kind === 'text') n += q.text.split(/\s+/).filter(Boolean).length;
    else if (q.kind === 'and' || q.kind === 'or') n += countWords(q.of);
  }
  return n;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a mailbox search can match anything of these classes: Email is all a mailbox holds. */
export function wantsEmail(classes: readonly string[]): boolean {
  return classes.length === 0 || classes.some((c) => c.toLowerCase() === 'email');
}
