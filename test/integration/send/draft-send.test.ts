/**
 * Email2:Send at 16.1 (Samsung Email sends every draft it saved this way): a draft Added or
 * Changed in Drafts with <Send/> is saved, sent as alice over real Postfix -> LMTP -> Dovecot to
 * bob, kept in Sent, and removed from Drafts, which the next Sync tells the phone. A draft that
 * cannot be sent stays in Drafts with Status 6; a retried request sends nothing twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { memoryLog } from '../../support/memory-log.js';
import { requireImap } from '../../support/backing.js';
import { AS, bodyPreference, collection, drain, field, folderIds, sync, syncRequest, type Phone } from '../sync-command/support.js';
import { ALICE, BOB, cleanUp, findMessages, imapAs, RUN, startSendGateway, waitForMessages, type Gateway } from './support.js';

const E = 'Email';
const ASB = 'AirSyncBase';
const phone: Phone = { deviceId: `ds${RUN}`.slice(0, 32), version: '16.1' };
const send = el('Email2', 'Send');

const addDraft = (clientId: string, subject: string, opts: { to?: string; bcc?: string; send?: boolean } = {}): WbxmlElement =>
  el(AS, 'Add', [
    el(AS, 'ClientId', clientId),
    el(AS, 'ApplicationData', [
      ...(opts.to ? [el(E, 'To', opts.to)] : []),
      ...(opts.bcc ? [el('Email2', 'Bcc', opts.bcc)] : []),
      el(E, 'Subject', subject),
      el(ASB, 'Body', [el(ASB, 'Type', '2'), el(ASB, 'Data', '<p>Hallo <b>Bob</b></p>')]),
    ]),
    ...(opts.send ? [send] : []),
  ]);

const statusOf = (e: WbxmlElement | undefined): string | undefined => e?.children.find((c) => c.tag === 'Status')?.text;
const serverIdOf = (e: WbxmlElement | undefined): string | undefined => e?.children.find((c) => c.tag === 'ServerId')?.text;

describe('Email2:Send of drafts over HTTP, delivered by Postfix', { timeout: 120_000 }, () => {
  let g: Gateway;
  let drafts: string;
  let key: string;

  before(async () => {
    await requireImap();
    g = await startSendGateway(memoryLog());
    drafts = (await folderIds(g.gw.url, phone)).get('Drafts')!;
    const first = await sync(g.gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: drafts })]));
    key = (await drain(g.gw.url, phone, drafts, first.collections[0]!.syncKey, { options: [bodyPreference(2, 20000)] })).key;
  });

  after(async () => {
    await g?.gw.close();
    await cleanUp();
    g?.data.remove();
  });

  const syncDrafts = async (commands: WbxmlElement[]) => {
    const r = await sync(g.gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: drafts, options: [bodyPreference(2, 20000)], commands })]));
    const c = r.collections[0]!;
    assert.equal(c.status, 1);
    key = c.syncKey;
    return c;
  };

  it('an Add with Send is sent to bob (Bcc in the envelope only, no draft marker), kept in Sent, gone from Drafts; the retried request sends nothing twice', async () => {
    const subject = `Sent draft ${RUN}`;
    const req = syncRequest([collection({ syncKey: key, collectionId: drafts, options: [bodyPreference(2, 20000)], commands: [addDraft(`s1-${RUN}`, subject, { to: 'Bob <bob@example.com>', bcc: 'alice@example.com', send: true })] })]);
    const r1 = await sync(g.gw.url, phone, req);
    const a = r1.collections[0]!.responses.find((x) => x.tag === 'Add');
    assert.equal(statusOf(a), '1');
    const serverId = serverIdOf(a)!;
    assert.match(serverId, new RegExp(`^${drafts}:\\d+$`));
    // The phone lost the answer and sends the same request again.
    const r2 = await sync(g.gw.url, phone, req);
    assert.deepEqual(r2.collections[0]!.responses, r1.collections[0]!.responses);
    key = r1.collections[0]!.syncKey;

    const [got] = await waitForMessages(BOB, 'INBOX', subject);
    assert.ok(got, 'bob received it');
    const raw = got.source.toString('utf8');
    assert.match(raw, /^From: alice@example\.com\r$/m);
    assert.doesNotMatch(raw, /^Bcc:/im);
    assert.doesNotMatch(raw, /X-Easgate-Draft/i);
    assert.match(raw, /Hallo <b>Bob<\/b>/);
    const [sent] = await waitForMessages(ALICE, 'Sent', subject);
    assert.ok(sent, 'a copy in Sent');
    assert.match(sent.source.toString('utf8'), /^Bcc: alice@example\.com\r$/m, 'the Sent copy keeps Bcc');
    assert.ok(sent.flags.has('\\Seen'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await waitForMessages(BOB, 'INBOX', subject, 2, 500)).length, 1, 'sent once');
    const alice = await imapAs(ALICE);
    try {
      assert.deepEqual(await findMessages(alice, 'Drafts', subject), [], 'no longer a draft');
    } finally {
      await alice.logout();
    }
    // The next Sync tells the phone the draft left Drafts.
    const next = await syncDrafts([]);
    assert.ok(next.deletes.includes(serverId), `Delete of ${serverId}: ${JSON.stringify(next.deletes)}`);
  });

  it('a Change with Send sends the draft as changed (new subject) and removes it', async () => {
    const first = `Change me ${RUN}`;
    const saved = await syncDrafts([addDraft(`s2-${RUN}`, first, { to: 'bob@example.com' })]);
    const serverId = serverIdOf(saved.responses.find((x) => x.tag === 'Add'))!;
    assert.ok(serverId);
    const subject = `Changed and sent ${RUN}`;
    const c = await syncDrafts([el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', [el(E, 'Subject', subject)]), send])]);
    assert.deepEqual(c.responses, [], 'success has no Response');
    const [got] = await waitForMessages(BOB, 'INBOX', subject);
    assert.ok(got, 'bob received the changed draft');
    assert.match(got.source.toString('utf8'), /^To: bob@example\.com\r$/m, 'To kept from the saved draft');
    const alice = await imapAs(ALICE);
    try {
      assert.deepEqual(await findMessages(alice, 'Drafts', RUN).then((f) => f.filter((m) => /Change/.test(m.source.toString()))), []);
    } finally {
      await alice.logout();
    }
    const next = await syncDrafts([]);
    assert.ok(next.deletes.includes(serverId), 'the old draft is deleted on the phone');
    assert.ok(!next.adds.some((x) => field(x.data, 'Subject') === subject), 'the sent version is not offered as a draft');
  });

  it('a draft without recipients is not sent: Status 6, and it stays in Drafts', async () => {
    const subject = `Nobody ${RUN}`;
    const c = await syncDrafts([addDraft(`s3-${RUN}`, subject, { send: true })]);
    const a = c.responses.find((x) => x.tag === 'Add');
    assert.equal(statusOf(a), '6');
    assert.equal(serverIdOf(a), undefined);
    const alice = await imapAs(ALICE);
    try {
      assert.equal((await findMessages(alice, 'Drafts', subject)).length, 1, 'kept as a draft');
    } finally {
      await alice.logout();
    }
    const next = await syncDrafts([]);
    assert.ok(next.adds.some((x) => field(x.data, 'Subject') === subject), 'the phone gets it back as a draft');
  });
});
