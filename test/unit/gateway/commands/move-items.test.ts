/**
 * MoveItems over in-memory ports: batching (one moveMessages per source/destination pair), every
 * per-item Status, and how backend failures end (a refusal is Status 5, a recreated source 7, an
 * unreachable backend goes on up as 503).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { el, type WbxmlElement } from '../../../../codec/index.js';
import { moveItems } from '../../../../gateway/commands/move-items.js';
import { makeAuthenticatedUser, type CommandContext } from '../../../../gateway/commands/types.js';
import { BackendUnavailableError, EasStatusError } from '../../../../gateway/errors.js';
import type { CommandPorts } from '../../../../gateway/ports/index.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import { FolderNotFoundError, MailBackendError, UidValidityChangedError, type MailboxRef, type MailMessages, type MoveResult } from '../../../../gateway/ports/mail-messages.js';
import { tempStore } from '../state/helpers.js';
import { FakeMailStore } from './folder-fakes.js';

const M = 'Move';
const move = (src: string, srcFld: string, dst: string) => el(M, 'Move', [el(M, 'SrcMsgId', src), el(M, 'SrcFldId', srcFld), el(M, 'DstFldId', dst)]);

/** Each box holds UIDs; a move takes those present and gives them new UIDs in the destination. */
class FakeMessages {
  boxes = new Map<string, number[]>([['INBOX', [10, 11, 12]], ['Archive', []], ['Sent', [5]]]);
  next = 100;
  calls: string[] = [];
  failWith: Error | undefined;
  async mailboxRef(path: string): Promise<MailboxRef> {
    if (!this.boxes.has(path)) throw new FolderNotFoundError('no such folder');
    return { path, uidValidity: 1 };
  }
  async moveMessages(box: MailboxRef, uids: readonly number[], dest: string): Promise<MoveResult> {
    this.calls.push(`move ${box.path} [${uids.join(',')}] ${dest}`);
    if (this.failWith) throw this.failWith;
    if (!this.boxes.has(dest)) throw new FolderNotFoundError('no such destination folder');
    const src = this.boxes.get(box.path)!;
    const uidMap = new Map<number, number>();
    for (const u of uids) {
      if (!src.includes(u)) continue;
      src.splice(src.indexOf(u), 1);
      uidMap.set(u, this.next);
      this.boxes.get(dest)!.push(this.next++);
    }
    return { uidValidity: 2, uidMap };
  }
}

async function setup(t: TestContext) {
  const { store } = tempStore(t);
  const mail = new FakeMailStore();
  const messages = new FakeMessages();
  const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'pw'));
  const ids: Record<string, string> = {};
  for (const f of await mail.listFolders()) ids[f.path] = await store.folderServerId(user.login, f.backendId);
  const ctx: CommandContext = {
    command: 'MoveItems', user, device: { id: 'D1', type: 'TestPhone' }, protocolVersion: '16.1',
    params: { saveInSent: false, acceptMultiPart: false }, log: pino({ level: 'silent' }), signal: new AbortController().signal,
    ports: { state: store, clock: { now: () => new Date() }, mail, messages: messages as unknown as MailMessages } as Partial<CommandPorts> as CommandPorts,
  };
  const run = async (...moves: WbxmlElement[]) => {
    const r = await moveItems(ctx, { kind: 'wbxml', root: el(M, 'MoveItems', moves) });
    assert.equal(r.kind, 'wbxml');
    const root = (r as { root: WbxmlElement }).root;
    return root.children.map((resp) => Object.fromEntries(resp.children.map((c) => [c.tag, c.text])));
  };
  return { ids, messages, mail, run, ctx };
}

describe('MoveItems', () => {
  it('moves between the same two folders in one call, and answers each item with its new ServerId', async (t) => {
    const { ids, messages, run } = await setup(t);
    const inbox = ids.INBOX!;
    const archive = ids.Archive!;
    const r = await run(move(`${inbox}:10`, inbox, archive), move(`${ids.Sent}:5`, ids.Sent!, archive), move(`${inbox}:12`, inbox, archive));
    assert.deepEqual(messages.calls, ['move INBOX [10,12] Archive', 'move Sent [5] Archive']);
    assert.deepEqual(r, [
      { SrcMsgId: `${inbox}:10`, Status: '3', DstMsgId: `${archive}:100` },
      { SrcMsgId: `${ids.Sent}:5`, Status: '3', DstMsgId: `${archive}:102` },
      { SrcMsgId: `${inbox}:12`, Status: '3', DstMsgId: `${archive}:101` },
    ]);
  });

  it('gives 1 for unknown sources, gone or foreign items, 2 for unknown destinations, 4 for the same folder', async (t) => {
    const { ids, messages, run } = await setup(t);
    const inbox = ids.INBOX!;
    const archive = ids.Archive!;
    const r = await run(
      move(`${inbox}:99`, inbox, archive), // gone
      move('garbage', inbox, archive),
      move(`${inbox}:0`, inbox, archive),
      move(`${inbox}:x1`, inbox, archive),
      move(`${archive}:11`, inbox, archive), // an item of another folder
      move(`${inbox}:11`, '999', archive),
      move(`${inbox}:11`, inbox, '999'),
      move(`${inbox}:11`, inbox, inbox),
      move(`${inbox}:11`, inbox, ''),
    );
    assert.deepEqual(r.map((x) => x.Status), ['1', '1', '1', '1', '1', '1', '2', '4', '2']);
    assert.deepEqual(messages.calls, ['move INBOX [99] Archive']);
  });

  it('a destination deleted meanwhile is 2; a server refusal 5; a recreated source 7; an unreachable server throws (503)', async (t) => {
    const { ids, messages, run } = await setup(t);
    const inbox = ids.INBOX!;
    const archive = ids.Archive!;
    messages.boxes.delete('Archive');
    assert.deepEqual((await run(move(`${inbox}:10`, inbox, archive))).map((x) => x.Status), ['2']);
    messages.boxes.set('Archive', []);
    messages.failWith = new MailBackendError('MOVE failed');
    assert.deepEqual((await run(move(`${inbox}:10`, inbox, archive))).map((x) => x.Status), ['5']);
    messages.failWith = new UidValidityChangedError('INBOX', 1, 2);
    assert.deepEqual((await run(move(`${inbox}:10`, inbox, archive))).map((x) => x.Status), ['7']);
    messages.failWith = new BackendUnavailableError('imap', 'down');
    await assert.rejects(run(move(`${inbox}:10`, inbox, archive)), BackendUnavailableError);
  });

  it('a body that is not MoveItems, or has no Move, is common Status 103', async (t) => {
    const { ctx } = await setup(t);
    for (const root of [undefined, el(M, 'MoveItems', []), el('FolderHierarchy', 'FolderSync', [])]) {
      await assert.rejects(moveItems(ctx, { kind: 'wbxml', root }), (err: unknown) => err instanceof EasStatusError && err.easStatus === 103);
    }
  });
});
