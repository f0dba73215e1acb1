/**
 * The compose flow with in-memory ports: what happens around the SMTP submission (ClientId
 * dedupe, Sent copy, flags) and how each refusal ends at 14.0+ (a Status) and before (HTTP).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { decode, el, type WbxmlElement } from '../../../../../codec/index.js';
import { composeHandler } from '../../../../../gateway/commands/compose/flow.js';
import { ComposeHttpError, composeStatusResponse } from '../../../../../gateway/commands/compose/status.js';
import { makeAuthenticatedUser, type CommandContext, type CommandRequest, type ProtocolVersion } from '../../../../../gateway/commands/types.js';
import { BackendUnavailableError, EasStatusError } from '../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import type { CommandPorts } from '../../../../../gateway/ports/index.js';
import type { MailMessages } from '../../../../../gateway/ports/mail-messages.js';
import type { MailFolder, MailStore } from '../../../../../gateway/ports/mail-store.js';
import { SubmissionRejectedError, type MailSubmit, type SubmitEnvelope } from '../../../../../gateway/ports/mail-submit.js';
import type { StateStore } from '../../../../../gateway/ports/state-store.js';
import { capturedRequests } from '../../../../support/fixtures.js';

const CM = 'ComposeMail';
const MIME = Buffer.from('From: alice@example.com\r\nTo: bob@example.com\r\nBcc: carol@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
const SENT: MailFolder = { backendId: 'imap:guid:sent', path: 'Sent', displayName: 'Sent', parentPath: null, delimiter: '/', specialUse: '\\Sent', selectable: true, namespace: 'personal' } as MailFolder;

interface World {
  submitted: { envelope: SubmitEnvelope; message: string }[];
  appended: { path: string; message: string; flags: readonly string[] }[];
  sentIds: Set<string>;
  submit: MailSubmit['submit'];
  append?: () => Promise<never>;
  folders: MailFolder[];
}

function world(over: Partial<World> = {}): World {
  const w: World = { submitted: [], appended: [], sentIds: new Set(), folders: [SENT], ...over } as World;
  w.submit ??= async (envelope, message) => {
    w.submitted.push({ envelope, message: Buffer.from(message).toString() });
    return { accepted: [...envelope.to], rejected: [] };
  };
  return w;
}

function context(w: World, version: ProtocolVersion): CommandContext {
  const state = {
    wasMessageSent: async (_d: unknown, id: string) => w.sentIds.has(id),
    recordSentMessage: async (_d: unknown, id: string) => (w.sentIds.has(id) ? false : (w.sentIds.add(id), true)),
    folderServerId: async () => '5',
    folderBackendId: async () => undefined,
  } as unknown as StateStore;
  const messages = {
    appendMessage: async (path: string, mime: Uint8Array, opts?: { flags?: readonly string[] }) => {
      if (w.append) return w.append();
      w.appended.push({ path, message: Buffer.from(mime).toString(), flags: opts?.flags ?? [] });
      return { uid: 1, uidValidity: 1 };
    },
  } as unknown as MailMessages;
  const ports: CommandPorts = {
    state, messages, clock: { now: () => new Date('2026-11-25T12:00:00Z') },
    mail: { listFolders: async () => w.folders } as unknown as MailStore,
    mailFeed: {} as CommandPorts['mailFeed'],
    submit: { submit: (e, m) => w.submit(e, m) },
  };
  return {
    command: 'SendMail', protocolVersion: version, ports, signal: new AbortController().signal,
    user: makeAuthenticatedUser('alice@example.com', 'alice@example.com', new BackendCredentials('alice@example.com', 'x')),
    device: { id: 'dev1', type: 'Test' }, params: { saveInSent: true, acceptMultiPart: false }, log: pino({ level: 'silent' }),
  };
}

const handler = composeHandler('SendMail', { maxMessageBytes: 10_000 });
const wbxml = (kids: WbxmlElement[]): CommandRequest => ({ kind: 'wbxml', root: el(CM, 'SendMail', kids) });
const sendMail = (clientId: string, mime: Uint8Array = MIME, save = true) => wbxml([el(CM, 'ClientId', clientId), ...(save ? [el(CM, 'SaveInSentItems')] : []), el(CM, 'Mime', mime)]);

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EasStatusError) return err.easStatus;
    throw err;
  }
  return 1;
}

describe('compose flow', () => {
  it('16.1: submits Bcc in the envelope only, saves the copy with Bcc as \\Seen, refuses the same ClientId again', async () => {
    const w = world();
    const ctx = context(w, '16.1');
    assert.deepEqual(await handler(ctx, sendMail('c1')), { kind: 'empty' });
    assert.equal(w.submitted.length, 1);
    assert.deepEqual(w.submitted[0]!.envelope, { from: 'alice@example.com', to: ['bob@example.com', 'carol@example.com'] });
    assert.doesNotMatch(w.submitted[0]!.message, /Bcc/);
    assert.deepEqual(w.appended.map((a) => [a.path, a.flags]), [['Sent', ['\\Seen']]]);
    assert.match(w.appended[0]!.message, /^Bcc: carol@example\.com\r$/m);
    assert.equal(await statusOf(handler(ctx, sendMail('c1'))), 118);
    assert.equal(w.submitted.length, 1);
  });

  it('12.1: the MIME body and SaveInSent from the query', async () => {
    const w = world();
    const ctx = context(w, '12.1');
    assert.deepEqual(await handler(ctx, { kind: 'mime', mime: MIME }), { kind: 'empty' });
    assert.equal(w.appended.length, 1);
    await handler({ ...ctx, params: { saveInSent: false, acceptMultiPart: false } }, { kind: 'mime', mime: MIME });
    assert.equal(w.submitted.length, 2);
    assert.equal(w.appended.length, 1, 'no Sent copy without SaveInSent');
  });

  it('a failed submission leaves the ClientId free for the retry', async () => {
    let fail = true;
    const w = world();
    const ok = w.submit;
    w.submit = async (e, m) => {
      if (fail) throw new SubmissionRejectedError('message', 'refused', 451);
      return ok(e, m);
    };
    const ctx = context(w, '14.1');
    assert.equal(await statusOf(handler(ctx, sendMail('c2'))), 120);
    fail = false;
    assert.deepEqual(await handler(ctx, sendMail('c2')), { kind: 'empty' });
  });

  it('a retry that arrives while the first send still runs waits for it: 118 after a success, a send of its own after a failure', async () => {
    for (const firstFails of [false, true]) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      const w = world();
      const ok = w.submit;
      w.submit = async (e, m) => {
        calls++;
        if (calls === 1) {
          await gate;
          if (firstFails) throw new SubmissionRejectedError('message', 'x', 451);
        }
        return ok(e, m);
      };
      const h = composeHandler('SendMail', { maxMessageBytes: 10_000 });
      const ctx = context(w, '16.1');
      const first = statusOf(h(ctx, sendMail('same')));
      const retry = statusOf(h(ctx, sendMail('same')));
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(calls, 1, 'the retry waits');
      release();
      assert.deepEqual([await first, await retry], firstFails ? [120, 1] : [1, 118]);
      assert.equal(w.submitted.length, 1);
    }
  });

  it('a Sent copy that cannot be written, or no Sent folder, does not fail the send', async () => {
    const w = world({ append: async () => { throw new Error('APPEND refused'); } });
    assert.deepEqual(await handler(context(w, '16.1'), sendMail('c3')), { kind: 'empty' });
    const none = world({ folders: [] });
    assert.deepEqual(await handler(context(none, '16.1'), sendMail('c4')), { kind: 'empty' });
    assert.equal(none.submitted.length, 1);
  });

  const refusals: [string, () => Error, number, number][] = [
    ['every recipient refused (550)', () => new SubmissionRejectedError('recipients', 'x', 550), 116, 500],
    ['recipients deferred (450)', () => new SubmissionRejectedError('recipients', 'x', 450), 120, 500],
    ['the message refused (554)', () => new SubmissionRejectedError('message', 'x', 554), 120, 500],
    ['too large (552)', () => new SubmissionRejectedError('too-large', 'x', 552), 122, 413],
    ['credentials refused', () => new SubmissionRejectedError('auth', 'x', 535), 120, 500],
  ];
  for (const [what, error, status, http] of refusals) {
    it(`${what}: Status ${status} at 14.0+, HTTP ${http} before`, async () => {
      const w = world({ submit: async () => { throw error(); } });
      assert.equal(await statusOf(handler(context(w, '14.0'), sendMail('x'))), status);
      await assert.rejects(handler(context(w, '12.1'), { kind: 'mime', mime: MIME }), (err) => err instanceof ComposeHttpError && err.httpStatus === http);
    });
  }

  it('an unreachable server stays 503 (BackendUnavailableError)', async () => {
    const w = world({ submit: async () => { throw new BackendUnavailableError('smtp', 'down'); } });
    await assert.rejects(handler(context(w, '16.1'), sendMail('y')), BackendUnavailableError);
  });

  it('bad requests: 103 for a wrong root or no Mime, 107 for no message, 119 for no recipient, 122 for too big', async () => {
    const ctx = context(world(), '16.1');
    assert.equal(await statusOf(handler(ctx, { kind: 'wbxml', root: el(CM, 'SmartReply', [el(CM, 'Mime', MIME)]) })), 103);
    assert.equal(await statusOf(handler(ctx, { kind: 'wbxml', root: undefined })), 103);
    assert.equal(await statusOf(handler(ctx, wbxml([el(CM, 'ClientId', 'z')]))), 103);
    assert.equal(await statusOf(handler(ctx, sendMail('a', Buffer.from('nonsense')))), 107);
    assert.equal(await statusOf(handler(ctx, sendMail('b', Buffer.from('Subject: x\r\n\r\nbody')))), 119);
    assert.equal(await statusOf(handler(ctx, sendMail('c', Buffer.concat([MIME, Buffer.alloc(10_000, 0x41)])))), 122);
    await assert.rejects(handler(context(world(), '12.1'), { kind: 'mime', mime: Buffer.from('Subject: x\r\n\r\nbody') }), (err) => err instanceof ComposeHttpError && err.httpStatus === 400);
  });

  it('the failure response is the command element with Status', () => {
    assert.deepEqual(composeStatusResponse('SmartForward')(150), el(CM, 'SmartForward', [el(CM, 'Status', 150)]));
  });

  it('a real client\'s SendMail (pyactivesync, 16.1, captured bytes) is sent and saved', async (t) => {
    const captured = capturedRequests().find((r) => r.client.startsWith('pyactivesync') && r.target.includes('Cmd=SendMail'));
    if (!captured) return t.skip('shared/fixtures not available');
    const w = world();
    assert.deepEqual(await handler(context(w, '16.1'), { kind: 'wbxml', root: decode(captured.body) }), { kind: 'empty' });
    assert.deepEqual(w.submitted.map((x) => x.envelope), [{ from: 'alice@example.com', to: ['bob@example.com'] }]);
    assert.match(w.submitted[0]!.message, /^Subject: hi\r$/m);
    assert.equal(w.appended.length, 1);
    assert.equal(await statusOf(handler(context(w, '16.1'), { kind: 'wbxml', root: decode(captured.body) })), 118, 'ClientId abc123 again');
  });
});
