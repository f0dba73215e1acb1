import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { MessageStructureObject } from 'imapflow';
import { messageIds, parseHeaderFields, toMessageView, toMimePart } from '../../../../../../gateway/adapters/imap/messages/to-view.js';
import { parseViewRow, uidSet, uidSets } from '../../../../../../gateway/adapters/imap/messages/view-fetch.js';

/** Untagged FETCH rows recorded from Dovecot 2.3.19 as imapflow's parser hands them over. */
const recorded = JSON.parse(readFileSync(new URL('./dovecot-fetch-rows.json', import.meta.url), 'utf8'), (_k, v: unknown) => {
  const b = v as { type?: unknown; data?: unknown } | null;
  return b && b.type === 'Buffer' && Array.isArray(b.data) ? Buffer.from(b.data as number[]) : v;
}) as { rows: Record<string, never[]> };

function view(name: string) {
  const row = recorded.rows[name];
  assert.ok(row, name);
  const parsed = parseViewRow(row);
  assert.equal(parsed.complete, true);
  return { uid: parsed.uid, view: toMessageView(parsed.row) };
}

describe('recorded Dovecot FETCH rows -> MessageView', () => {
  test('single-part latin1 message: root part "1", decoded names and subject, groups flattened, header fields', () => {
    const { uid, view: v } = view('single-latin1');
    assert.equal(uid, 1);
    assert.deepEqual(v.from, [{ name: 'Jörg Müller', address: 'joerg@example.de' }]);
    assert.deepEqual(v.to, [{ name: 'undisclosed-recipients' }]);
    assert.deepEqual(v.cc, [{ name: 'Team' }, { address: 'a@example.com' }, { name: 'B, C', address: 'b@example.com' }, { address: 'd@example.com' }]);
    assert.equal(v.subject, 'Grüße ✓');
    assert.equal(v.date?.toISOString(), '2026-02-03T09:00:00.000Z');
    assert.equal(v.internalDate?.toISOString(), '2026-02-03T09:00:05.000Z');
    assert.equal(v.messageId, '<m1@example.de>');
    assert.deepEqual(v.references, ['<r1@x>', '<r2@x>']);
    assert.deepEqual(v.headers, { importance: ['High'], 'x-priority': ['1 (Highest)'], 'thread-topic': ['Gruesse'] });
    assert.deepEqual(v.flags, ['\\Seen', '$Forwarded']);
    assert.equal(v.size, 489);
    assert.equal(v.preview, 'Grüße aus Köln');
    assert.deepEqual(v.structure, { part: '1', type: 'text/plain', parameters: { charset: 'iso-8859-1' }, encoding: 'quoted-printable', size: 22 });
  });

  test('multipart/related inside multipart/alternative: sections 1, 2, 2.1, 2.2; Content-ID, Location, inline', () => {
    const s = view('related-in-alternative').view.structure;
    assert.deepEqual(s, {
      type: 'multipart/alternative',
      parameters: { boundary: 'A' },
      childNodes: [
        { part: '1', type: 'text/plain', parameters: { charset: 'utf-8' }, encoding: '7bit', size: 5 },
        {
          part: '2',
          type: 'multipart/related',
          parameters: { boundary: 'R', type: 'text/html' },
          childNodes: [
            { part: '2.1', type: 'text/html', parameters: { charset: 'utf-8' }, encoding: '8bit', size: 32 },
            {
              part: '2.2', type: 'image/png', parameters: { name: 'chart.png' }, encoding: 'base64', size: 12, id: '<img1@x>',
              disposition: 'inline', dispositionParameters: { filename: 'chart.png' }, location: 'chart.png',
            },
          ],
        },
      ],
    });
  });

  test('message/rfc822 is one attachment with its subject; RFC 2231 file names decoded', () => {
    const s = view('forward-and-attachment').view.structure;
    const [text, fwd, notes] = s.childNodes!;
    assert.equal(text!.part, '1');
    assert.deepEqual(fwd, {
      part: '2', type: 'message/rfc822', encoding: '7bit', size: 288, disposition: 'attachment', dispositionParameters: { filename: 'fwd.eml' }, messageSubject: 'Inner ü',
    });
    assert.deepEqual(notes, {
      part: '3', type: 'text/plain', parameters: { charset: 'utf-8', name: 'Übersicht.txt' }, encoding: 'base64', size: 4, description: 'notes',
      disposition: 'attachment', dispositionParameters: { filename: 'Übersicht.txt' },
    });
  });

  test('single-part text/calendar keeps its method parameter', () => {
    assert.deepEqual(view('calendar-single').view.structure, { part: '1', type: 'text/calendar', parameters: { charset: 'utf-8', method: 'REQUEST' }, encoding: '7bit', size: 32 });
  });
});

describe('toMimePart on imapflow structures', () => {
  test('a single-part message/rfc822 root is "1" and its inside is not read', () => {
    const node: MessageStructureObject = {
      type: 'message/rfc822', encoding: '7bit', size: 100,
      envelope: { subject: 'inner' },
      childNodes: [{ type: 'text/plain', encoding: '7bit', size: 10 }],
    };
    assert.deepEqual(toMimePart(node, true), { part: '1', type: 'message/rfc822', encoding: '7bit', size: 100, messageSubject: 'inner' });
  });

  test('the root of a multipart has no section; upper-case encodings and dispositions are lowered', () => {
    const node: MessageStructureObject = {
      type: 'multipart/mixed',
      childNodes: [{ part: '1', type: 'application/pdf', encoding: 'BASE64', disposition: 'ATTACHMENT', parameters: {}, dispositionParameters: {} }],
    };
    assert.deepEqual(toMimePart(node, true), { type: 'multipart/mixed', childNodes: [{ part: '1', type: 'application/pdf', encoding: 'base64', disposition: 'attachment' }] });
  });

  test('no BODYSTRUCTURE (server sent NIL): a plain-text part "1" stands in', () => {
    assert.deepEqual(toMessageView({ flags: ['\\Recent', '\\Seen'] }).structure, { part: '1', type: 'text/plain' });
    assert.deepEqual(toMessageView({ flags: ['\\Recent', '\\Seen'] }).flags, ['\\Seen']);
  });
});

describe('header fields and ids', () => {
  test('unfolded, by lower-case name, every occurrence kept, values raw', () => {
    const raw = Buffer.from('Thread-Topic: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nX-Priority: 1\r\nREFERENCES: <a@x>\r\n\t<b@x>\r\nx-priority: 2\r\n\r\n');
    assert.deepEqual(parseHeaderFields(raw), { 'thread-topic': ['=?utf-8?q?Gr=C3=BC=C3=9Fe?='], 'x-priority': ['1', '2'], references: ['<a@x>\t<b@x>'] });
    assert.deepEqual(messageIds('<a@x> junk <b@x>,<c@y>'), ['<a@x>', '<b@x>', '<c@y>']);
    assert.deepEqual(parseHeaderFields(Buffer.from('__proto__: x\r\n\r\n')), {});
  });
});

describe('view FETCH rows and UID sets', () => {
  test('an unsolicited FETCH (FLAGS only) is not a view', () => {
    const row = [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: '7' }, { type: 'ATOM', value: 'FLAGS' }, [{ type: 'ATOM', value: '\\Seen' }]];
    const p = parseViewRow(row as never);
    assert.equal(p.uid, 7);
    assert.equal(p.complete, false);
  });

  test('PREVIEW NIL leaves no preview', () => {
    const row = recorded.rows['calendar-single']!.map((a: unknown, i, all) => ((all[i - 1] as { value?: unknown } | undefined)?.value === 'PREVIEW' ? null : a));
    const p = parseViewRow(row as never);
    assert.equal(p.row.preview, undefined);
    assert.equal(toMessageView(p.row).preview, undefined);
  });

  test('UID sets are compact ranges and split before the command line gets long', () => {
    assert.equal(uidSet([5, 3, 4, 9, 12, 13, 13, 1]), '1,3:5,9,12:13');
    assert.equal(uidSet([]), '');
    const many = Array.from({ length: 5000 }, (_, i) => 1_000_000 + i * 2);
    const sets = uidSets(many, 8000);
    assert.ok(sets.length > 1);
    assert.ok(sets.every((s) => s.length < 8100));
    assert.deepEqual(sets.flatMap((s) => s.split(',').map(Number)), many);
    assert.deepEqual(uidSets([1, 2, 3]), ['1:3']);
  });
});
