import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode, el, textString, type WbxmlElement } from '../../../../codec/index.js';
import { EMAIL_SCHEMA, type EmailItem } from '../../../../gateway/items/email.js';
import { fromApplicationData, toApplicationData } from '../../../../gateway/items/schema.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { FIXTURES_DIR } from '../../../support/fixtures.js';

const ITEM: EmailItem = {
  to: '"Bob" <bob@example.net>',
  cc: 'carol@example.net',
  bcc: 'dave@example.net',
  from: '"Alice" <alice@example.org>',
  subject: 'Hello',
  replyTo: 'support@example.org',
  dateReceived: new Date('2026-11-25T14:00:00Z'),
  displayTo: 'Bob',
  threadTopic: 'Hello',
  importance: 1,
  read: false,
  attachments: [{ displayName: 'a.pdf', fileReference: '5:1:2', method: 1, estimatedDataSize: 100, isInline: false }],
  body: { type: 1, estimatedDataSize: 5, truncated: false, data: 'Hello', preview: 'Hello' },
  messageClass: 'IPM.Note',
  internetCpid: '65001',
  flag: {},
  contentClass: 'urn:content-classes:message',
  nativeBodyType: 1,
  conversationId: new Uint8Array(16),
  conversationIndex: new Uint8Array(5),
  lastVerbExecuted: 1,
  lastVerbExecutionTime: new Date('2026-11-25T15:00:00Z'),
  receivedAsBcc: false,
  sender: 'assistant@example.org',
  categories: ['Work'],
  accountId: 'acc-1',
  isDraft: false,
};

const tags = (es: WbxmlElement[]): string[] => es.map((e) => `${e.ns}:${e.tag}`);

function syncResponse(applicationData: WbxmlElement[]): WbxmlElement {
  const add = el('AirSync', 'Add', [el('AirSync', 'ServerId', '5:1'), el('AirSync', 'ApplicationData', applicationData)]);
  return el('AirSync', 'Sync', [
    el('AirSync', 'Collections', [
      el('AirSync', 'Collection', [el('AirSync', 'SyncKey', '1'), el('AirSync', 'CollectionId', '5'), el('AirSync', 'Status', '1'), el('AirSync', 'Commands', [add])]),
    ]),
  ]);
}

describe('Email schema', () => {
  it('2.5: Email namespace only, flat Body, Email:Attachments, no Flag', () => {
    const out = toApplicationData(EMAIL_SCHEMA, ITEM, '2.5');
    assert.deepEqual(tags(out), [
      'Email:To', 'Email:Cc', 'Email:From', 'Email:Subject', 'Email:ReplyTo', 'Email:DateReceived', 'Email:DisplayTo', 'Email:ThreadTopic',
      'Email:Importance', 'Email:Read', 'Email:Attachments', 'Email:Body', 'Email:BodySize', 'Email:BodyTruncated', 'Email:MessageClass', 'Email:InternetCPID',
    ]);
    assert.deepEqual(tags(out[10]!.children[0]!.children), ['Email:AttName', 'Email:AttSize', 'Email:AttMethod', 'Email:DisplayName']);
  });

  it('12.1: AirSyncBase Attachments and Body (no Preview), Flag, ContentClass, NativeBodyType', () => {
    const out = toApplicationData(EMAIL_SCHEMA, ITEM, '12.1');
    assert.deepEqual(tags(out).slice(10), [
      'AirSyncBase:Attachments', 'AirSyncBase:Body', 'Email:MessageClass', 'Email:InternetCPID', 'Email:Flag', 'Email:ContentClass', 'AirSyncBase:NativeBodyType',
    ]);
    assert.deepEqual(tags(out[11]!.children), ['AirSyncBase:Type', 'AirSyncBase:EstimatedDataSize', 'AirSyncBase:Truncated', 'AirSyncBase:Data']);
  });

  it('14.1: Preview, the Email2 elements and Categories; 16.1 adds Bcc and IsDraft', () => {
    const v14 = toApplicationData(EMAIL_SCHEMA, ITEM, '14.1');
    assert.deepEqual(tags(v14).slice(17), [
      'Email2:ConversationId', 'Email2:ConversationIndex', 'Email2:LastVerbExecuted', 'Email2:LastVerbExecutionTime', 'Email2:ReceivedAsBcc', 'Email2:Sender',
      'Email:Categories', 'Email2:AccountId',
    ]);
    assert.equal(v14.find((e) => e.tag === 'Body')!.children.at(-1)!.tag, 'Preview');
    const v16 = toApplicationData(EMAIL_SCHEMA, ITEM, '16.1');
    assert.deepEqual(tags(v16).slice(0, 3), ['Email:To', 'Email:Cc', 'Email2:Bcc']);
    assert.equal(tags(v16).at(-1), 'Email2:IsDraft');
    assert.ok(v16.find((e) => e.tag === 'ConversationId')!.opaque, 'ConversationId is opaque');
  });

  for (const version of ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'] as const) {
    it(`a full item validates against the SyncResponse XSD at ${version}`, () => {
      const result = validateEasResponse(syncResponse(toApplicationData(EMAIL_SCHEMA, ITEM, version)), 'SyncResponse');
      assert.ok(result.valid, result.errors.join('\n'));
    });
  }

  it('2.5 MIME: MIMEData, MIMESize, MIMETruncated', () => {
    const out = toApplicationData(EMAIL_SCHEMA, { body: { type: 4, data: 'From: a\r\n\r\nx', estimatedDataSize: 900, truncated: true } }, '2.5');
    assert.deepEqual(tags(out), ['Email:MIMEData', 'Email:MIMESize', 'Email:MIMETruncated']);
    assert.equal(out[2]!.text, '1');
    assert.throws(() => toApplicationData(EMAIL_SCHEMA, { body: { type: 2, data: '<p>' } }, '2.5'), /type 1 or 4/);
  });

  it('MIME that is not UTF-8 goes as opaque, UTF-8 MIME as inline text (kept as its bytes)', () => {
    const latin1 = new Uint8Array([0x46, 0x3a, 0x20, 0xfc]);
    const [body] = toApplicationData(EMAIL_SCHEMA, { body: { type: 4, data: latin1 } }, '14.1');
    assert.deepEqual(body!.children[1]!.opaque, latin1);
    const [utf] = toApplicationData(EMAIL_SCHEMA, { body: { type: 4, data: new TextEncoder().encode('F: ü') } }, '14.1');
    const mime = new TextEncoder().encode('F: ü');
    assert.deepEqual(utf!.children[1]!.utf8, mime);
    assert.equal(textString(utf!.children[1]!), 'F: ü');
    const [bom] = toApplicationData(EMAIL_SCHEMA, { body: { type: 4, data: new Uint8Array([0xef, 0xbb, 0xbf, ...mime]) } }, '14.1');
    assert.deepEqual(bom!.children[1]!.utf8, mime);
    const withNul = new Uint8Array([0x46, 0x00, 0x41]);
    const [nul] = toApplicationData(EMAIL_SCHEMA, { body: { type: 4, data: withNul } }, '14.1');
    assert.deepEqual(nul!.children[1]!.opaque, withNul);
  });

  it("reads pyactivesync's 16.1 flag change and draft Add (captured requests)", () => {
    const dir = join(FIXTURES_DIR, 'captured_clients', 'pyactivesync_monperrus_eas16.1');
    const appData = (file: string, command: string): WbxmlElement[] => {
      const root = decode(new Uint8Array(readFileSync(join(dir, file))));
      const found: WbxmlElement[] = [];
      const walk = (e: WbxmlElement): void => {
        if (e.tag === command) found.push(e.children.find((c) => c.tag === 'ApplicationData')!);
        e.children.forEach(walk);
      };
      walk(root);
      return found[0]!.children;
    };
    const change = fromApplicationData(EMAIL_SCHEMA, appData('007-Sync.req.wbxml', 'Change'), '16.1');
    assert.deepEqual(change.skipped, []);
    assert.equal(change.item.read, true);
    assert.equal(change.item.flag?.status, 2);
    assert.equal(change.item.flag?.flagType, 'Flag for follow up');
    assert.equal(change.item.flag?.utcDueDate?.toISOString(), '2026-11-25T14:10:24.000Z');
    const add = fromApplicationData(EMAIL_SCHEMA, appData('008-Sync.req.wbxml', 'Add'), '16.1');
    assert.equal(add.item.body?.type, 4);
    assert.match(String(add.item.body?.data), /^From: user@example.com\r?\nTo: bob@example.com/);
    assert.equal(add.item.read, false);
  });
});
