/**
 * The Sync handler over in-memory ports (FakeMailStore, FakeFeed, a MailMessages that knows no
 * messages): the request-level outcomes that need no message content, including the race of
 * two requests on one key (Status 16), which a real server makes hard to provoke.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { el, type WbxmlElement } from '../../../../../codec/index.js';
import { syncCommand } from '../../../../../gateway/commands/sync.js';
import { makeAuthenticatedUser, type CommandContext, type CommandResult, type ProtocolVersion } from '../../../../../gateway/commands/types.js';
import { EasStatusError } from '../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import type { CommandPorts } from '../../../../../gateway/ports/index.js';
import type { MailMessages } from '../../../../../gateway/ports/mail-messages.js';
import { tempStore } from '../../state/helpers.js';
import { FakeFeed } from '../../sync/fake-feed.js';
import { FakeMailStore } from '../folder-fakes.js';

const AS = 'AirSync';
const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'pw'));

async function setup(t: TestContext) {
  const { store } = tempStore(t);
  // The edge sights every device before its command runs.
  await store.touchDevice({ user: user.login, deviceId: 'DEV1' });
  const mail = new FakeMailStore();
  const feed = new FakeFeed();
  feed.append('2026-11-20', 3);
  const inbox = (await mail.listFolders()).find((f) => f.path === 'INBOX')!;
  const id = await store.folderServerId(user.login, inbox.backendId);
  let delay = 0;
  const touched: string[] = [];
  const messages = {
    async setFlags(_box: unknown, uids: readonly number[]) {
      touched.push(`flags ${uids.join(',')}`);
      return new Map();
    },
    mailboxRef: async (path: string) => ({ path, uidValidity: 1 }),
    // Slow between the plan and the commit, so a second request can read the same state.
    async fetchViews() {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      return new Map();
    },
  } as Partial<MailMessages> as MailMessages;
  const ports = { state: store, clock: { now: () => new Date('2026-11-25T12:00:00Z') }, mail, messages, mailFeed: feed } as Partial<CommandPorts> as CommandPorts;
  const def = syncCommand();
  const run = async (root: WbxmlElement | undefined, version: ProtocolVersion = '14.1'): Promise<CommandResult | number> => {
    const ctx: CommandContext = {
      command: 'Sync', user, device: { id: 'DEV1', type: 'T' }, protocolVersion: version,
      params: { saveInSent: false, acceptMultiPart: false }, log: pino({ level: 'silent' }), signal: new AbortController().signal, ports,
    };
    try {
      return await def.handler(ctx, { kind: 'wbxml', root });
    } catch (err) {
      if (err instanceof EasStatusError) return err.easStatus;
      throw err;
    }
  };
  return { id, run, feed, touched, setDelay: (ms: number) => (delay = ms) };
}

const req = (collectionId: string, syncKey: string, extra: WbxmlElement[] = []) =>
  el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'SyncKey', syncKey), el(AS, 'CollectionId', collectionId)])]), ...extra]);
const collectionOf = (r: CommandResult | number): { key: string; status: number; tags: string[] } => {
  assert.ok(typeof r === 'object' && r.kind === 'wbxml', `expected WBXML, got ${JSON.stringify(r)}`);
  const c = r.root.children.find((x) => x.tag === 'Collections')!.children[0]!;
  const text = (tag: string) => c.children.find((x) => x.tag === tag)?.text;
  return { key: text('SyncKey')!, status: Number(text('Status')), tags: c.children.map((x) => x.tag) };
};

describe('Sync handler', () => {
  it('primes, then answers Status 3 for a foreign key and 12 for an unknown collection', async (t) => {
    const h = await setup(t);
    const prime = collectionOf(await h.run(req(h.id, '0')));
    assert.deepEqual([prime.status, prime.tags], [1, ['SyncKey', 'CollectionId', 'Status']]);
    assert.equal(collectionOf(await h.run(req(h.id, '4242'))).status, 3);
    assert.equal(collectionOf(await h.run(req('777', '1'))).status, 12);
  });

  it('nothing to send: an empty body at 14.1, the same key in a full answer at 2.5', async (t) => {
    const h = await setup(t);
    let key = collectionOf(await h.run(req(h.id, '0'))).key;
    key = collectionOf(await h.run(req(h.id, key))).key;
    const idle = await h.run(req(h.id, key));
    assert.deepEqual(idle, { kind: 'empty' });
    const old = collectionOf(await h.run(req(h.id, key), '2.5'));
    assert.deepEqual([old.key, old.status, old.tags], [key, 1, ['Class', 'SyncKey', 'CollectionId', 'Status']]);
  });

  it('an unknown key applies none of the client\'s commands', async (t) => {
    const h = await setup(t);
    collectionOf(await h.run(req(h.id, '0')));
    const change = el(AS, 'Commands', [el(AS, 'Change', [el(AS, 'ServerId', `${h.id}:1`), el(AS, 'ApplicationData', [el('Email', 'Read', '1')])])]);
    const root = el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'SyncKey', '999'), el(AS, 'CollectionId', h.id), change])])]);
    assert.equal(collectionOf(await h.run(root)).status, 3);
    assert.deepEqual(h.touched, []);
  });

  it('the mailbox renumbered (UIDVALIDITY) since the key: Status 3, and SyncKey 0 starts over', async (t) => {
    const h = await setup(t);
    let key = collectionOf(await h.run(req(h.id, '0'))).key;
    key = collectionOf(await h.run(req(h.id, key))).key;
    h.feed.recreate();
    h.feed.append('2026-11-24', 1);
    assert.equal(collectionOf(await h.run(req(h.id, key))).status, 3);
    const again = collectionOf(await h.run(req(h.id, '0')));
    assert.equal(again.status, 1);
  });

  it('request-level refusals: 13 (empty, nothing cached), 4 (empty at 12.0, malformed), 14 with Limit', async (t) => {
    const h = await setup(t);
    assert.equal(await h.run(undefined), 13);
    assert.equal(await h.run(undefined, '12.0'), 4);
    assert.equal(await h.run(el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection')])])), 4);
    const r = await h.run(req(h.id, '0', [el(AS, 'Wait', 90)]));
    assert.ok(typeof r === 'object' && r.kind === 'wbxml');
    assert.deepEqual(r.root.children.map((c) => [c.tag, c.text]), [['Status', '14'], ['Limit', '59']]);
  });

  it('two requests racing on one key: one answers, the other is Status 16 (retry) and writes nothing', async (t) => {
    const h = await setup(t);
    const key = collectionOf(await h.run(req(h.id, '0'))).key;
    h.setDelay(30);
    const results = await Promise.all([h.run(req(h.id, key)), h.run(req(h.id, key))]);
    const statuses = results.map((r) => (typeof r === 'number' ? r : collectionOf(r).status)).sort();
    assert.deepEqual(statuses, [1, 16]);
    h.setDelay(0);
    const winner = results.find((r) => typeof r !== 'number')!;
    const next = await h.run(req(h.id, collectionOf(winner).key));
    assert.deepEqual(next, { kind: 'empty' }, 'the winner\'s key goes on');
  });
});
