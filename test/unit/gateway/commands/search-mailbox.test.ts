/**
 * The mailbox search engine behind Search and Find over in-memory ports: which folders a scope
 * covers (CollectionIds, DeepTraversal, everything), one port search per folder, hits merged
 * newest first across folders using only the dates of each folder's head, the page cut, Total.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { searchMailbox } from '../../../../gateway/commands/search/mailbox.js';
import { SearchRequestError } from '../../../../gateway/commands/search/request.js';
import { makeAuthenticatedUser, type CommandContext } from '../../../../gateway/commands/types.js';
import type { CommandPorts } from '../../../../gateway/ports/index.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import { FolderNotFoundError, MailBackendError, type MailMessages, type MessageQuery, type MessageSearchResult, type SearchMessagesOptions } from '../../../../gateway/ports/mail-messages.js';
import { tempStore } from '../state/helpers.js';
import { FakeMailStore } from './folder-fakes.js';

/** Per path: [uid, received day of November] pairs; every message matches. */
class FakeSearch {
  hits = new Map<string, [number, number][]>();
  calls: string[] = [];
  fail: Error | undefined;
  delayMs = 0;
  async searchMessages(path: string, _q: MessageQuery, opts: SearchMessagesOptions = {}): Promise<MessageSearchResult> {
    this.calls.push(`${path} dates:${opts.datesOfFirst ?? 0}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail) throw this.fail;
    if (!this.hits.has(path)) throw new FolderNotFoundError('gone');
    const sorted = [...this.hits.get(path)!].sort((a, b) => b[1] - a[1]);
    const uids = sorted.map(([u]) => u);
    const dates = new Map(sorted.slice(0, opts.datesOfFirst ?? 0).map(([u, d]) => [u, new Date(Date.UTC(2026, 10, d))] as const));
    return { box: { path, uidValidity: 1 }, uids, dates };
  }
}

async function setup(t: TestContext) {
  const { store } = tempStore(t);
  const mail = new FakeMailStore();
  mail.add('Projects');
  mail.add('Projects/A');
  mail.add('Projects/A/Deep');
  const search = new FakeSearch();
  for (const f of await mail.listFolders()) search.hits.set(f.path, []);
  const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'pw'));
  const ids: Record<string, string> = {};
  for (const f of await mail.listFolders()) ids[f.path] = await store.folderServerId(user.login, f.backendId);
  const ctx: CommandContext = {
    command: 'Search', user, device: { id: 'D1', type: 'TestPhone' }, protocolVersion: '14.1',
    params: { saveInSent: false, acceptMultiPart: false }, log: pino({ level: 'silent' }), signal: new AbortController().signal,
    ports: { state: store, clock: { now: () => new Date() }, mail, messages: search as unknown as MailMessages } as Partial<CommandPorts> as CommandPorts,
  };
  const plan = (collectionIds: string[], classes: string[] = []) => ({ collectionIds, classes, messages: { kind: 'all' } as MessageQuery });
  return { ids, search, mail, ctx, plan };
}

describe('searchMailbox', () => {
  it('one folder: its order, the page, Total; no dates asked for', async (t) => {
    const { ids, search, ctx, plan } = await setup(t);
    search.hits.set('INBOX', [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
    const r = await searchMailbox(ctx, plan([ids.INBOX!]), { first: 1, last: 2 }, false);
    assert.deepEqual([r.total, r.page.map((h) => [h.collectionId, h.uid])], [5, [[ids.INBOX, 4], [ids.INBOX, 3]]]);
    assert.deepEqual(search.calls, ['INBOX dates:0']);
  });

  it('DeepTraversal: the folder and everything below it, merged newest first by date', async (t) => {
    const { ids, search, ctx, plan } = await setup(t);
    search.hits.set('Projects', [[10, 3], [11, 9]]);
    search.hits.set('Projects/A', [[20, 5], [21, 7]]);
    search.hits.set('Projects/A/Deep', [[30, 8]]);
    search.hits.set('INBOX', [[40, 30]]);
    const r = await searchMailbox(ctx, plan([ids.Projects!]), { first: 0, last: 3 }, true);
    assert.deepEqual([r.total, r.page.map((h) => h.uid)], [5, [11, 30, 21, 20]]);
    assert.deepEqual(search.calls.sort(), ['Projects dates:4', 'Projects/A dates:4', 'Projects/A/Deep dates:4']);
    const flat = await searchMailbox(ctx, plan([ids['Projects/A']!]), { first: 0, last: 9 }, false);
    assert.deepEqual(flat.page.map((h) => h.uid), [21, 20]);
  });

  it('no CollectionId: every folder; a folder gone since the listing counts as empty', async (t) => {
    const { search, ctx, plan } = await setup(t);
    search.hits.set('INBOX', [[1, 2]]);
    search.hits.set('Sent', [[2, 4]]);
    search.hits.delete('Archive');
    const r = await searchMailbox(ctx, plan([]), { first: 0, last: 9 }, false);
    assert.deepEqual([r.total, r.page.map((h) => h.uid)], [2, [2, 1]]);
    assert.equal(search.calls.length, 9);
  });

  it('a class other than Email finds nothing without asking the server; unknown CollectionId is Status 2; a server refusal Status 3', async (t) => {
    const { ids, search, ctx, plan } = await setup(t);
    assert.deepEqual(await searchMailbox(ctx, plan([], ['Calendar']), { first: 0, last: 9 }, false), { total: 0, page: [] });
    assert.deepEqual(search.calls, []);
    await assert.rejects(searchMailbox(ctx, plan(['999']), { first: 0, last: 9 }, false), (e: unknown) => e instanceof SearchRequestError && e.status === 2 && e.unknownCollection);
    search.fail = new MailBackendError('SEARCH failed');
    await assert.rejects(searchMailbox(ctx, plan([ids.INBOX!]), { first: 0, last: 9 }, false), (e: unknown) => e instanceof SearchRequestError && e.status === 3);
  });

  it('a search that outlives its budget is Store Status 10, and no further folder is started', async (t) => {
    const { search, ctx, plan } = await setup(t);
    search.delayMs = 200;
    await assert.rejects(searchMailbox(ctx, plan([]), { first: 0, last: 9 }, false, 50), (e: unknown) => e instanceof SearchRequestError && e.status === 10);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(search.calls.length, 3, 'only the three searches already running');
  });
});
