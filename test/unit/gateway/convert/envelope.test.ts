import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el } from '../../../../codec/index.js';
import { fromClientEmailChange } from '../../../../gateway/convert/email/client-change.js';
import {
  categoriesOf,
  conversationId,
  conversationIndex,
  displayNames,
  formatAddressList,
  importance,
  lastVerb,
  threadTopic,
} from '../../../../gateway/convert/email/envelope.js';
import type { MessageView } from '../../../../gateway/convert/email/message-view.js';
import { ItemConversionError } from '../../../../gateway/items/errors.js';

const view = (v: Partial<MessageView>): MessageView => ({ flags: [], structure: { part: '1', type: 'text/plain' }, ...v });
const headers = (h: Record<string, string>): MessageView => view({ headers: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v]])) });

describe('addresses', () => {
  it('"Name" <addr>, bare addresses, quoting, encoded words, groups without address', () => {
    assert.equal(
      formatAddressList([
        { name: 'Bob', address: 'bob@example.net' },
        { address: 'carol@example.net' },
        { name: 'Dave "D" \\ Jones', address: 'dave@example.net' },
        { name: '=?utf-8?Q?J=C3=BCrgen?=', address: 'j@example.de' },
        { name: 'undisclosed-recipients' },
        { name: 'same@example.net', address: 'same@example.net' },
      ]),
      '"Bob" <bob@example.net>, carol@example.net, "Dave \\"D\\" \\\\ Jones" <dave@example.net>, "Jürgen" <j@example.de>, same@example.net',
    );
    assert.equal(formatAddressList([]), undefined);
    assert.equal(displayNames([{ name: 'Bob', address: 'b@x' }, { address: 'c@x' }]), 'Bob; c@x');
  });
});

describe('header-derived properties', () => {
  it('Importance from Importance, X-Priority, X-MSMail-Priority, Priority', () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ importance: 'High' }, 2], [{ importance: 'low' }, 0], [{ 'x-priority': '1 (Highest)' }, 2], [{ 'x-priority': '5' }, 0],
      [{ 'x-priority': '3' }, 1], [{ 'x-msmail-priority': 'High' }, 2], [{ priority: 'non-urgent' }, 0], [{}, 1],
      [{ importance: 'normal', 'x-priority': '1' }, 1],
    ];
    for (const [h, want] of cases) assert.equal(importance(headers(h)), want, JSON.stringify(h));
  });

  it('ThreadTopic: Thread-Topic header, else the subject without reply/forward prefixes', () => {
    assert.equal(threadTopic(view({ subject: 'Re: AW: Fwd: RE[2]: WG: Budget' })), 'Budget');
    assert.equal(threadTopic(view({ subject: 'Fw:Sv: Vs: Report' })), 'Report');
    assert.equal(threadTopic(view({ subject: 'Reply needed' })), 'Reply needed');
    assert.equal(threadTopic({ ...headers({ 'thread-topic': 'Original' }), subject: 'Re: Changed' }), 'Original');
  });

  it('Categories are the keywords that are neither system flags nor $-keywords', () => {
    assert.deepEqual(categoriesOf(['\\Seen', '$Forwarded', 'Work', '$label1', 'Family', 'Work', 'NonJunk']), ['Work', 'Family', 'NonJunk']);
  });

  it('LastVerbExecuted: \\Answered is a reply, $Forwarded a forward', () => {
    assert.deepEqual([lastVerb(['\\Answered']), lastVerb(['$forwarded']), lastVerb(['\\Answered', '$Forwarded']), lastVerb([])], [1, 3, 1, undefined]);
  });
});

describe('conversations', () => {
  const root = view({ messageId: '<root@x>', date: new Date('2026-11-25T14:00:00Z') });
  const reply = view({ messageId: '<r1@x>', inReplyTo: '<root@x>', references: ['<root@x>'], date: new Date('2026-11-25T15:00:00Z') });
  const reply2 = view({ messageId: '<r2@x>', inReplyTo: '<r1@x>', references: ['<ROOT@x>', '<r1@x>'] });
  const lonelyReply = view({ messageId: '<r3@x>', inReplyTo: '<root@x>' });

  it('ConversationId: 16 bytes, the same for the whole thread, different for another', () => {
    const ids = [root, reply, reply2, lonelyReply].map((v) => Buffer.from(conversationId(v)).toString('hex'));
    assert.equal(ids[0]!.length, 32);
    assert.equal(new Set(ids).size, 1);
    assert.notEqual(Buffer.from(conversationId(view({ messageId: '<other@x>' }))).toString('hex'), ids[0]);
  });

  it('ConversationIndex: the FILETIME header of the date, plus five bytes per reply level', () => {
    // 2026-11-25T14:00:00Z as FILETIME is 0x01DD7CE542...; the header keeps its 40 high bits.
    const filetime = (BigInt(Date.parse('2026-11-25T14:00:00Z')) + 11644473600000n) * 10000n;
    const idx = conversationIndex(root);
    assert.equal(Buffer.from(idx).toString('hex'), (filetime >> 24n).toString(16).padStart(10, '0'));
    assert.equal(conversationIndex(reply).length, 10);
    assert.equal(conversationIndex(reply2).length, 15);
  });
});

describe('client email changes (Sync Change)', () => {
  it('Read, a set flag, categories', () => {
    const c = fromClientEmailChange(
      [
        el('Email', 'Read', '1'),
        el('Email', 'Flag', [el('Email', 'Status', '2'), el('Email', 'FlagType', 'Flag for follow up'), el('Tasks', 'DueDate', '2026-12-01T00:00:00.000Z')]),
        el('Email', 'Categories', [el('Email', 'Category', 'Work')]),
      ],
      '14.1',
    );
    assert.equal(c.read, true);
    assert.deepEqual(c.flag, { status: 2, flagType: 'Flag for follow up', dueDate: new Date('2026-12-01T00:00:00.000Z') });
    assert.deepEqual(c.categories, ['Work']);
    assert.deepEqual(c.skipped, []);
  });

  it('an empty <Flag/> or Status 0 clears; Status 1 completes; an empty <Categories/> removes all', () => {
    assert.equal(fromClientEmailChange([el('Email', 'Flag', [])], '14.1').flag, null);
    assert.equal(fromClientEmailChange([el('Email', 'Flag', [el('Email', 'Status', '0')])], '14.1').flag, null);
    assert.equal(fromClientEmailChange([el('Email', 'Flag', [el('Email', 'Status', '1')])], '14.1').flag?.status, 1);
    assert.deepEqual(fromClientEmailChange([el('Email', 'Categories', [])], '14.1').categories, []);
    assert.equal(fromClientEmailChange([el('Email', 'Read', '0')], '14.1').flag, undefined, 'no Flag: unchanged');
  });

  it('Status 6 for a bad flag status or a ConversationId change (MS-ASEMAIL 2.2.2.74, 2.2.2.21)', () => {
    const status6 = (e: unknown): boolean => e instanceof ItemConversionError && e.easStatus === 6;
    assert.throws(() => fromClientEmailChange([el('Email', 'Flag', [el('Email', 'Status', '3')])], '14.1'), status6);
    assert.throws(() => fromClientEmailChange([el('Email2', 'ConversationId', new Uint8Array(16))], '14.1'), status6);
  });

  it('other fields are skipped before 16.0 and are draft edits from 16.0', () => {
    const before = fromClientEmailChange([el('Email', 'Subject', 'new'), el('Email', 'Read', '1')], '14.1');
    assert.deepEqual(before.skipped, [{ path: 'ApplicationData/Email:Subject', reason: 'read-only' }]);
    assert.equal(before.draft, undefined);
    const draft = fromClientEmailChange([el('Email', 'Subject', 'new'), el('Email2', 'Bcc', 'x@example.net')], '16.1');
    assert.deepEqual(draft.draft, { subject: 'new', bcc: 'x@example.net' });
  });
});
