/**
 * An in-memory MailMessages with IMAP's semantics where the client-change code relies on them
 * (flags per UID, MOVE with COPYUID, UID EXPUNGE, APPEND with APPENDUID), counting calls, and a
 * command context around it with a real SQLite state store and the folder fake.
 */
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { MessageView } from '../../../../../gateway/convert/email/message-view.js';
import type { CommandContext, ProtocolVersion } from '../../../../../gateway/commands/types.js';
import { makeAuthenticatedUser } from '../../../../../gateway/commands/types.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import type { CommandPorts } from '../../../../../gateway/ports/index.js';
import {
  MessageNotFoundError, UidValidityChangedError,
  type AppendedMessage, type AppendOptions, type FlagChange, type FlagResult, type MailboxRef, type MailMessages, type MessageSearchResult, type MoveResult, type PartStream,
} from '../../../../../gateway/ports/mail-messages.js';
import type { StateStore } from '../../../../../gateway/ports/state-store.js';
import { FakeMailStore } from '../folder-fakes.js';
import { tempStore } from '../../state/helpers.js';

interface Msg { flags: string[]; mime: Uint8Array }
interface Box { uidValidity: number; next: number; msgs: Map<number, Msg> }

export class FakeMessages implements MailMessages {
  boxes = new Map<string, Box>();
  calls: string[] = [];

  box(path: string, uidValidity = 7): Box {
    let b = this.boxes.get(path);
    if (!b) this.boxes.set(path, (b = { uidValidity, next: 1, msgs: new Map() }));
    return b;
  }

  /** What another client does: a message appears. */
  put(path: string, flags: string[] = []): number {
    const b = this.box(path);
    const uid = b.next++;
    b.msgs.set(uid, { flags: [...flags], mime: new Uint8Array() });
    return uid;
  }

  flagsOf(path: string, uid: number): string[] | undefined {
    return this.boxes.get(path)?.msgs.get(uid)?.flags;
  }

  #check(ref: MailboxRef): Box {
    const b = this.box(ref.path);
    if (b.uidValidity !== ref.uidValidity) throw new UidValidityChangedError(ref.path, ref.uidValidity, b.uidValidity);
    return b;
  }

  async mailboxRef(path: string): Promise<MailboxRef> {
    return { path, uidValidity: this.box(path).uidValidity };
  }

  async fetchViews(ref: MailboxRef, uids: readonly number[]): Promise<Map<number, MessageView>> {
    this.calls.push(`FETCH ${uids.join(',')}`);
    const b = this.#check(ref);
    const out = new Map<number, MessageView>();
    for (const uid of uids) {
      const m = b.msgs.get(uid);
      if (m) out.set(uid, { flags: [...m.flags], structure: { part: '1', type: 'text/plain', size: 0 } });
    }
    return out;
  }

  async fetchParts(): Promise<never> {
    throw new Error('not used');
  }

  async streamPart(): Promise<PartStream> {
    throw new Error('not used');
  }

  async fetchRawParts(): Promise<never> {
    throw new Error('not used');
  }

  async partInfo(): Promise<never> {
    throw new Error('not used');
  }

  readPart(): AsyncIterable<Uint8Array> {
    throw new Error('not used');
  }

  async emptyMailbox(): Promise<never> {
    throw new Error('not used');
  }

  async setFlags(ref: MailboxRef, uids: readonly number[], change: FlagChange): Promise<Map<number, FlagResult>> {
    this.calls.push(`STORE ${uids.join(',')} +${(change.add ?? []).join(' ')} -${(change.remove ?? []).join(' ')}`);
    const b = this.#check(ref);
    const out = new Map<number, FlagResult>();
    for (const uid of uids) {
      const m = b.msgs.get(uid);
      if (!m) {
        out.set(uid, { ok: false });
        continue;
      }
      for (const f of change.add ?? []) if (!m.flags.some((x) => x.toLowerCase() === f.toLowerCase())) m.flags.push(f);
      m.flags = m.flags.filter((x) => !(change.remove ?? []).some((f) => f.toLowerCase() === x.toLowerCase()));
      out.set(uid, { ok: true, flags: [...m.flags] });
    }
    return out;
  }

  async moveMessages(ref: MailboxRef, uids: readonly number[], destPath: string): Promise<MoveResult> {
    this.calls.push(`MOVE ${uids.join(',')} ${destPath}`);
    const b = this.#check(ref);
    const dest = this.box(destPath);
    const uidMap = new Map<number, number>();
    for (const uid of uids) {
      const m = b.msgs.get(uid);
      if (!m) continue;
      b.msgs.delete(uid);
      const to = dest.next++;
      dest.msgs.set(to, m);
      uidMap.set(uid, to);
    }
    return { uidValidity: dest.uidValidity, uidMap };
  }

  async deleteMessages(ref: MailboxRef, uids: readonly number[]): Promise<void> {
    this.calls.push(`EXPUNGE ${uids.join(',')}`);
    const b = this.#check(ref);
    for (const uid of uids) b.msgs.delete(uid);
  }

  async appendMessage(path: string, mime: Uint8Array, opts: AppendOptions = {}): Promise<AppendedMessage> {
    this.calls.push(`APPEND ${path} ${(opts.flags ?? []).join(' ')}`);
    const b = this.box(path);
    const uid = b.next++;
    b.msgs.set(uid, { flags: [...(opts.flags ?? [])], mime });
    return { uid, uidValidity: b.uidValidity };
  }

  async findByHeader(ref: MailboxRef, name: string, value: string): Promise<number[]> {
    this.calls.push(`SEARCH ${name}`);
    const b = this.#check(ref);
    const line = `${name.toLowerCase()}: ${value.toLowerCase()}`;
    return [...b.msgs].filter(([, m]) => Buffer.from(m.mime).toString('utf8').toLowerCase().includes(line)).map(([uid]) => uid);
  }

  /** Search is not part of Sync: every message of the box, newest (highest UID) first. */
  async searchMessages(path: string): Promise<MessageSearchResult> {
    const b = this.box(path);
    return { box: { path, uidValidity: b.uidValidity }, uids: [...b.msgs.keys()].sort((x, y) => y - x), dates: new Map() };
  }

  async replaceMessage(ref: MailboxRef, uid: number, mime: Uint8Array, opts: AppendOptions = {}): Promise<AppendedMessage> {
    const b = this.#check(ref);
    if (!b.msgs.has(uid)) throw new MessageNotFoundError(uid);
    const res = await this.appendMessage(ref.path, mime, opts);
    b.msgs.delete(uid);
    return res;
  }

  mimeOf(path: string, uid: number): string {
    return Buffer.from(this.boxes.get(path)!.msgs.get(uid)!.mime).toString('utf8');
  }
}

export interface ClientHarness {
  readonly messages: FakeMessages;
  readonly mail: FakeMailStore;
  readonly state: StateStore;
  ctx(version?: ProtocolVersion): CommandContext;
}

export function clientHarness(t: TestContext): ClientHarness {
  const { store } = tempStore(t);
  const mail = new FakeMailStore();
  const messages = new FakeMessages();
  const user = makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'pw'));
  return {
    messages,
    mail,
    state: store,
    ctx: (version = '16.1') => ({
      command: 'Sync',
      user,
      device: { id: 'DEVICE1', type: 'TestPhone' },
      protocolVersion: version,
      params: { saveInSent: false, acceptMultiPart: false },
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      ports: { state: store, clock: { now: () => new Date('2026-11-25T12:00:00Z') }, mail, messages } as Partial<CommandPorts> as CommandPorts,
    }),
  };
}
