/**
 * MailMessages over IMAP for one user and one request, on sessions borrowed from the pool per
 * operation (a stream keeps its session until it ends).
 *
 * On the wire (Dovecot 2.3, one session):
 * - reads: EXAMINE <box> unless that box is already selected (a read-write SELECT left by an
 *   earlier write is kept: every read is a PEEK, so \Seen is never set either way), then NOOP to
 *   bring the kept selection's view up to date (once per request: SelectionMemo in selection.ts);
 *   the pool prefers a session with <box> selected;
 *   fetchViews: one UID FETCH per 8,000 characters of UID set (see view-fetch.ts);
 *   fetchParts: UID FETCH <uid> (UID BODY.PEEK[<part>]<0.N+1> ...), one round trip for all parts,
 *   one byte more than asked so `truncated` is known without the structure; fetchPartsMany: the
 *   same for many messages, one UID FETCH per group asking for the same sections, groups of short
 *   partial reads merged into one (parts-fetch.ts); the rows of both are read by fetch-rows.ts;
 *   fetchRawParts: UID FETCH <uid> (UID BODY.PEEK[<part>.MIME] BODY.PEEK[<part>] ...);
 *   streamPart: imapflow download(): UID FETCH <uid> (BODY.PEEK[<part>]<k.65536>) per 64 KiB chunk,
 *   decoded (base64/QP) on the way, pulled as the reader reads (messages/lent-session.ts);
 *   partInfo, readPart: see messages/part-read.ts (BINARY.SIZE checked by probes; BODY sections
 *   decoded here, or BINARY for a Range further in), 1 MiB per FETCH; a part of 1 MiB or more read
 *   from its start goes on a connection of its own instead (direct/part-download.ts: LOGIN or
 *   AUTHENTICATE PLAIN, EXAMINE, one UID FETCH BODY.PEEK[<part>] streamed, LOGOUT) while the pooled
 *   session stays lent.
 * - writes: SELECT <box> (re-SELECT when only EXAMINEd);
 *   setFlags: UID STORE <set> +FLAGS.SILENT (...), UID STORE <set> -FLAGS.SILENT (...), then
 *   UID FETCH <set> (UID FLAGS MODSEQ) to report per UID what the server really holds and the
 *   version the change feed will see (MODSEQ; without mod-sequences, the feed's flag digest);
 *   moveMessages: UID MOVE <set> <dest> (COPYUID); without MOVE: UID COPY + UID STORE +FLAGS.SILENT
 *   (\Deleted) + UID EXPUNGE <set>; deleteMessages: UID STORE +FLAGS.SILENT (\Deleted) + UID EXPUNGE <set>;
 *   appendMessage: APPEND <box> (flags) "date" {literal} (APPENDUID);
 *   emptyMailbox: SELECT, UID STORE 1:* +FLAGS.SILENT (\Deleted), UID EXPUNGE 1:*;
 *   replaceMessage: SELECT, UID FETCH <uid> (FLAGS), APPEND, UID STORE + UID EXPUNGE <uid>;
 *   findByHeader: UID SEARCH HEADER <name> <value>.
 * - searchMessages: EXAMINE, UID SORT (REVERSE ARRIVAL) or UID SEARCH, see messages/search.ts.
 */
import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { FetchRequest } from '../../convert/email/body-plan.js';
import type { FetchedPart, MessageView } from '../../convert/email/message-view.js';
import type { BackendCredentials } from '../../ports/credentials.js';
import {
  FolderNotFoundError,
  MailBackendError,
  MailMessageError,
  MessageNotFoundError,
  UidPlusRequiredError,
  type AppendedMessage,
  type AppendOptions,
  type ByteRange,
  type FetchViewsOptions,
  type FlagChange,
  type FlagResult,
  type MailboxRef,
  type MailMessages,
  type MessageQuery,
  type MessageSearchResult,
  type MoveResult,
  type PartInfo,
  type PartsRequest,
  type SearchMessagesOptions,
  type PartStream,
  type RawPart,
} from '../../ports/mail-messages.js';
import type { ImapEndpoint } from './connect.js';
import { DirectUnavailable, openDirectPart } from './direct/part-download.js';
import { classifyImapError, isCommandFailure, responseCode } from './imap-errors.js';
import type { ImapSession } from './imap-session.js';
import { flagDigest } from './messages/flag-digest.js';
import {
  append,
  checkFlags,
  checkSection,
  checkSections,
  checkUids,
  expungeOnly,
  failure,
  hasModSeqs,
  isNotFound,
  SECTION,
  select,
  store,
  withoutRecent,
} from './messages/imap-commands.js';
import { chunksOnLentSession, streamOnLentSession } from './messages/lent-session.js';
import { fetchPartInfo, readPartChunks, type DirectRead } from './messages/part-read.js';
import { searchMailbox } from './messages/search.js';
import { fetchPartsGrouped, partsQuery, toFetchedParts, wantedSections, type WantedSections } from './messages/parts-fetch.js';
import { fetchViewRows, uidSets } from './messages/view-fetch.js';
import { isSelected, mailboxStatus, type SelectionMemo } from './selection.js';
import type { SessionPool } from './session-pool.js';

/** What large part downloads need for a connection of their own (see direct/part-download.ts). */
export interface DirectReadOptions {
  readonly endpoint: ImapEndpoint;
  /** Hears why a download fell back to the pooled session. */
  readonly log?: Pick<Logger, 'warn'>;
}

export class ImapMailMessages implements MailMessages {
  constructor(
    private readonly pool: SessionPool<ImapSession>,
    private readonly credentials: BackendCredentials,
    private readonly signal: AbortSignal,
    private readonly direct?: DirectReadOptions,
    /** The request's memo of refreshed selections, shared with its ImapChangeFeed (selection.ts). */
    private readonly selections?: SelectionMemo,
  ) {}

  async mailboxRef(path: string): Promise<MailboxRef> {
    // A session that keeps the mailbox selected answers from its refreshed view (see mailboxStatus).
    return this.#run('STATUS', undefined, 'none', async (client) => {
      // HIGHESTMODSEQ too, so the change feed of the same request can take this answer (SelectionMemo).
      const st = await mailboxStatus(client, path, { highestModSeq: client.enabled.has('QRESYNC') }, this.selections);
      return { path, uidValidity: Number(st.uidValidity) };
    }, { prefer: path });
  }

  async fetchViews(box: MailboxRef, uids: readonly number[], opts: FetchViewsOptions = {}): Promise<Map<number, MessageView>> {
    checkUids(uids);
    return this.#run('FETCH', box, 'read', async (client) => {
      const views = new Map<number, MessageView>();
      if (uids.length === 0) return views;
      for (const set of uidSets(uids)) {
        for (const [uid, view] of await fetchViewRows(client, set, { preview: opts.preview !== false })) views.set(uid, view);
      }
      return views;
    });
  }

  async fetchFlags(box: MailboxRef, uids: readonly number[]): Promise<Map<number, readonly string[]>> {
    checkUids(uids);
    const out = new Map<number, readonly string[]>();
    if (uids.length === 0) return out;
    return this.#run('FETCH', box, 'read', async (client) => {
      for (const set of uidSets(uids)) {
        for await (const m of client.fetch(set, { uid: true, flags: true }, { uid: true })) out.set(m.uid, withoutRecent(m.flags ?? []));
      }
      return out;
    });
  }

  async fetchParts(box: MailboxRef, uid: number, requests: readonly FetchRequest[]): Promise<FetchedPart[]> {
    checkUids([uid]);
    checkSections(requests);
    // One request per section: the largest limit wins, no limit beats any.
    const wanted = wantedSections(requests);
    if (wanted.size === 0) return [];
    return this.#run('FETCH', box, 'read', async (client) => {
      const msg = await client.fetchOne(String(uid), { uid: true, ...partsQuery(wanted) }, { uid: true });
      if (!msg) throw new MessageNotFoundError(uid);
      return toFetchedParts(wanted, msg);
    });
  }

  async fetchPartsMany(box: MailboxRef, wanted: readonly PartsRequest[], onParts?: (uid: number, parts: FetchedPart[]) => void): Promise<Map<number, FetchedPart[]>> {
    checkUids(wanted.map((w) => w.uid));
    const sections = new Map<number, WantedSections>();
    for (const w of wanted) {
      checkSections(w.requests);
      sections.set(w.uid, wantedSections(w.requests));
    }
    const empty = [...sections].filter(([, s]) => s.size === 0).map(([uid]) => uid);
    // A message that asked for nothing has nothing to miss, gone or not.
    for (const uid of empty) onParts?.(uid, []);
    if (empty.length === sections.size) return new Map(empty.map((uid) => [uid, []]));
    return this.#run('FETCH', box, 'read', async (client) => {
      const out = await fetchPartsGrouped(client, sections, onParts);
      for (const uid of empty) out.set(uid, []);
      return out;
    });
  }

  async streamPart(box: MailboxRef, uid: number, part: string): Promise<PartStream> {
    checkUids([uid]);
    if (!SECTION.test(part)) throw new MailBackendError(`not a body section: ${JSON.stringify(part)}`);
    return streamOnLentSession((fn) => this.#run('FETCH', box, 'read', fn), this.signal, uid, part);
  }

  async fetchRawParts(box: MailboxRef, uid: number, parts: readonly string[]): Promise<RawPart[]> {
    checkUids([uid]);
    for (const p of parts) if (!p || !SECTION.test(p)) throw new MailBackendError(`not a body section: ${JSON.stringify(p)}`);
    if (parts.length === 0) return [];
    return this.#run('FETCH', box, 'read', async (client) => {
      const bodyParts = parts.flatMap((p) => [`${p}.MIME`, p]);
      const msg = await client.fetchOne(String(uid), { uid: true, bodyParts }, { uid: true });
      if (!msg) throw new MessageNotFoundError(uid);
      return parts.map((part): RawPart => ({
        part,
        header: msg.bodyParts?.get(`${part}.mime`) ?? Buffer.alloc(0),
        body: msg.bodyParts?.get(part) ?? Buffer.alloc(0),
      }));
    });
  }

  async partInfo(box: MailboxRef, uid: number, part: string): Promise<PartInfo> {
    checkUids([uid]);
    checkSection(part, false);
    return this.#run('FETCH', box, 'read', (client) => fetchPartInfo(client, uid, part));
  }

  readPart(box: MailboxRef, uid: number, part: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    checkUids([uid]);
    checkSection(part, false);
    const whole: ByteRange = { start: 0, length: Number.MAX_SAFE_INTEGER };
    return chunksOnLentSession((fn) => this.#run('FETCH', box, 'read', fn), this.signal, (client) => readPartChunks(client, uid, part, range ?? whole, this.#directRead(box, uid, part)));
  }

  /** The direct route, while the pooled session stays lent (so a download still counts against the user's sessions). */
  #directRead(box: MailboxRef, uid: number, part: string): DirectRead | undefined {
    const direct = this.direct;
    if (!direct) return undefined;
    return async (encoding, length) => {
      try {
        return await openDirectPart({ endpoint: direct.endpoint, credentials: this.credentials, box, uid, part, encoding, length, signal: this.signal });
      } catch (err) {
        if (!(err instanceof DirectUnavailable)) throw err;
        direct.log?.warn({ reason: err.message }, 'large part read through the pooled IMAP session');
        return undefined;
      }
    };
  }

  async emptyMailbox(path: string): Promise<void> {
    await this.#run('EXPUNGE', undefined, 'none', async (client) => {
      const mailbox = await client.mailboxOpen(path, { readOnly: false });
      if (!mailbox.exists) return;
      // One UID STORE 1:* and one UID EXPUNGE 1:*: the server never lists the messages to us.
      const ok = await client.messageDelete('1:*', { uid: true });
      if (!ok) await failure(client, 'EXPUNGE');
    });
  }

  async setFlags(box: MailboxRef, uids: readonly number[], change: FlagChange): Promise<Map<number, FlagResult>> {
    checkUids(uids);
    const add = checkFlags(change.add ?? []);
    const remove = checkFlags(change.remove ?? []);
    const results = new Map<number, FlagResult>(uids.map((u) => [u, { ok: false }]));
    if (uids.length === 0) return results;
    return this.#run('STORE', box, 'write', async (client) => {
      for (const set of uidSets(uids)) {
        // A refused STORE (NO, or flags the mailbox's PERMANENTFLAGS do not allow, which imapflow
        // drops) is not thrown: the FLAGS read back below reports it per UID.
        if (add.length) await store(client, () => client.messageFlagsAdd(set, add, { uid: true, silent: true }));
        if (remove.length) await store(client, () => client.messageFlagsRemove(set, remove, { uid: true, silent: true }));
        const modseqs = hasModSeqs(client);
        for (const msg of await client.fetchAll(set, { uid: true, flags: true, ...(modseqs ? { modseq: true } : {}) }, { uid: true })) {
          if (!results.has(msg.uid)) continue;
          const flags = withoutRecent(msg.flags ?? []);
          const has = new Set(flags.map((f) => f.toLowerCase()));
          const ok = add.every((f) => has.has(f.toLowerCase())) && remove.every((f) => !has.has(f.toLowerCase()));
          results.set(msg.uid, { ok, flags, version: modseqs && msg.modseq !== undefined ? String(msg.modseq) : String(flagDigest(flags)) });
        }
      }
      return results;
    });
  }

  async moveMessages(box: MailboxRef, uids: readonly number[], destPath: string): Promise<MoveResult> {
    checkUids(uids);
    if (uids.length === 0) return { uidMap: new Map() };
    return this.#run('MOVE', box, 'write', async (client) => {
      if (!client.capabilities.has('MOVE') && !client.capabilities.has('UIDPLUS')) {
        throw new UidPlusRequiredError('the server has neither MOVE nor UIDPLUS: a move would expunge other messages');
      }
      const uidMap = new Map<number, number>();
      let uidValidity: number | undefined;
      for (const set of uidSets(uids)) {
        const res = await client.messageMove(set, destPath, { uid: true });
        if (!res) {
          await failure(client, 'MOVE', destPath);
          continue;
        }
        if (res.uidValidity !== undefined) uidValidity = Number(res.uidValidity);
        for (const [from, to] of res.uidMap ?? []) uidMap.set(from, to);
      }
      return { ...(uidValidity !== undefined ? { uidValidity } : {}), uidMap };
    });
  }

  async deleteMessages(box: MailboxRef, uids: readonly number[]): Promise<void> {
    checkUids(uids);
    if (uids.length === 0) return;
    await this.#run('EXPUNGE', box, 'write', async (client) => {
      for (const set of uidSets(uids)) await expungeOnly(client, set);
    });
  }

  async appendMessage(path: string, mime: Uint8Array, opts: AppendOptions = {}): Promise<AppendedMessage> {
    return this.#run('APPEND', undefined, 'none', (client) => append(client, path, mime, opts));
  }

  async findByHeader(box: MailboxRef, name: string, value: string): Promise<number[]> {
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new RangeError(`not a header field name: ${name}`);
    return this.#run('SEARCH', box, 'read', async (client) => {
      const found = await client.search({ header: { [name]: value } }, { uid: true });
      return Array.isArray(found) ? found : [];
    });
  }

  async replaceMessage(box: MailboxRef, uid: number, mime: Uint8Array, opts: AppendOptions = {}): Promise<AppendedMessage> {
    checkUids([uid]);
    return this.#run('APPEND', box, 'write', async (client) => {
      const old = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
      if (!old) throw new MessageNotFoundError(uid);
      const appended = await append(client, box.path, mime, opts);
      await expungeOnly(client, String(uid));
      return appended;
    });
  }

  /** EXAMINE, then one UID SORT (or UID SEARCH); see messages/search.ts. */
  async searchMessages(path: string, query: MessageQuery, opts: SearchMessagesOptions = {}): Promise<MessageSearchResult> {
    return this.#run('SEARCH', undefined, 'read', (client) => searchMailbox(client, path, query, opts));
  }

  /**
   * Borrows a session, selects `box` for reading (EXAMINE) or writing (SELECT) and checks its
   * UIDVALIDITY, runs `fn`, and turns what imapflow throws into the port's errors. Reads are
   * retried once on a fresh session when a pooled one turns out dead.
   */
  async #run<T>(what: string, box: MailboxRef | undefined, mode: 'read' | 'write' | 'none', fn: (client: ImapFlow) => Promise<T>, sessions: { prefer?: string } = {}): Promise<T> {
    const prefer = box?.path ?? sessions.prefer;
    try {
      return await this.pool.use(this.credentials, this.signal, async (session) => {
        const client = session.client;
        if (box) await select(client, box, mode === 'write', this.selections);
        return fn(client);
      }, {
        retryOnDeadSession: mode === 'read',
        ...(prefer !== undefined ? { prefer: (session: ImapSession) => isSelected(session.client, prefer) } : {}),
      });
    } catch (err) {
      if (err instanceof MailMessageError) throw err;
      if ((err as { mailboxMissing?: boolean }).mailboxMissing || isNotFound(err)) throw new FolderNotFoundError(`${what}: no such folder`, { cause: err });
      if (isCommandFailure(err) && responseCode(err) === 'TRYCREATE') throw new FolderNotFoundError(`${what}: no such destination folder`, { cause: err });
      throw classifyImapError(err, what);
    }
  }
}
