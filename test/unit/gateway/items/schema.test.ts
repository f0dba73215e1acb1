import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el, toXml, type WbxmlElement } from '../../../../codec/index.js';
import { PROTOCOL_VERSIONS } from '../../../../gateway/commands/types.js';
import { ItemConversionError, ItemValueError } from '../../../../gateway/items/errors.js';
import { fieldsOf, fromApplicationData, toApplicationData, type ItemSchema } from '../../../../gateway/items/schema.js';
import { formatCompactDate, parseEasDate } from '../../../../gateway/items/values.js';
import { ITEM_VERSIONS } from '../../../../gateway/items/version.js';

interface Inner {
  a?: string;
  b?: number;
}
interface Thing {
  title?: string;
  count?: number;
  done?: boolean;
  when?: Date;
  stamp?: Date;
  blob?: Uint8Array;
  tags?: string[];
  inner?: Inner;
  rows?: Inner[];
  old?: string;
  fresh?: string;
  owned?: Uint8Array;
}

const I = fieldsOf<Inner>();
const INNER: ItemSchema<Inner> = { name: 'Inner', fields: [I.string('Tasks', 'Subject', 'a'), I.int('Tasks', 'Importance', 'b')] };
const T = fieldsOf<Thing>();
const SCHEMA: ItemSchema<Thing> = {
  name: 'Thing',
  fields: [
    T.string('Email', 'Subject', 'title'),
    T.int('Email', 'Importance', 'count'),
    T.bool('Email', 'Read', 'done'),
    T.emailDate('Email', 'DateReceived', 'when'),
    T.compactDate('Calendar', 'DtStamp', 'stamp'),
    T.opaque('Email2', 'ConversationIndex', 'blob'),
    T.stringList('Email', 'Categories', 'Category', 'tags', { min: '14.0' }),
    T.container('Email', 'Flag', 'inner', INNER),
    T.containerList('AirSyncBase', 'Attachments', 'Attachment', 'rows', INNER),
    T.string('Email', 'Body', 'old', { max: '2.5' }),
    T.string('Email2', 'Sender', 'fresh', { min: '14.0', max: '14.1' }),
    T.opaque('Email2', 'ConversationId', 'owned', { readOnly: true }),
  ],
};

const xml = (es: WbxmlElement[]): string => toXml(el('AirSync', 'ApplicationData', es), { declaration: false });

describe('item schema engine', () => {
  it('names the same protocol versions as the commands layer', () => {
    assert.deepEqual([...ITEM_VERSIONS], [...PROTOCOL_VERSIONS]);
  });

  it('writes present fields in schema order with their value types', () => {
    const out = toApplicationData(
      SCHEMA,
      {
        inner: { b: 2, a: 'x' },
        title: 'Hi',
        count: 2,
        done: false,
        when: new Date('2026-11-25T14:00:00Z'),
        stamp: new Date('2026-11-25T14:00:00Z'),
        blob: new Uint8Array([1, 2, 255]),
        tags: [],
      },
      '16.1',
    );
    assert.deepEqual(
      out.map((e) => `${e.ns}:${e.tag}`),
      ['Email:Subject', 'Email:Importance', 'Email:Read', 'Email:DateReceived', 'Calendar:DtStamp', 'Email2:ConversationIndex', 'Email:Categories', 'Email:Flag'],
    );
    assert.equal(out[2]!.text, '0');
    assert.equal(out[3]!.text, '2026-11-25T14:00:00.000Z');
    assert.equal(out[4]!.text, '20261125T140000Z');
    assert.deepEqual([...out[5]!.opaque!], [1, 2, 255]);
    assert.equal(out[6]!.children.length, 0, 'an empty string list is an empty container');
    assert.deepEqual(out[7]!.children.map((c) => c.tag), ['Subject', 'Importance'], 'container children in schema order');
  });

  it('leaves out fields the version does not carry and undefined/null values', () => {
    const item: Thing = { tags: ['a'], old: 'x', fresh: 'y', title: undefined };
    assert.deepEqual(toApplicationData(SCHEMA, item, '2.5').map((e) => e.tag), ['Body']);
    assert.deepEqual(toApplicationData(SCHEMA, item, '14.0').map((e) => e.tag), ['Categories', 'Sender']);
    assert.deepEqual(toApplicationData(SCHEMA, item, '16.0').map((e) => e.tag), ['Categories']);
  });

  it('writes container lists, and nothing for an empty one', () => {
    const out = toApplicationData(SCHEMA, { rows: [{ a: '1' }, { b: 3 }] }, '14.1');
    assert.match(xml(out), /<airsyncbase:Attachments>\s*<airsyncbase:Attachment>\s*<tasks:Subject>1<\/tasks:Subject>\s*<\/airsyncbase:Attachment>\s*<airsyncbase:Attachment>\s*<tasks:Importance>3<\/tasks:Importance>/);
    assert.deepEqual(toApplicationData(SCHEMA, { rows: [] }, '14.1'), []);
  });

  it('filters to the requested properties', () => {
    const out = toApplicationData(SCHEMA, { title: 't', done: true, tags: [] }, '14.1', { only: new Set(['done', 'tags']) });
    assert.deepEqual(out.map((e) => e.tag), ['Read', 'Categories']);
  });

  it('drops characters an inline string cannot carry', () => {
    const [e] = toApplicationData(SCHEMA, { title: 'a\u0000b\u0007c\td\ufffe' }, '14.1');
    assert.equal(e!.text, 'abc\td');
  });

  it('rejects values of the wrong type with the element path', () => {
    assert.throws(() => toApplicationData(SCHEMA, { count: 1.5 } as Thing, '14.1'), (e: unknown) => e instanceof ItemValueError && /Email:Importance/.test(e.message));
    assert.throws(() => toApplicationData(SCHEMA, { when: new Date(NaN) }, '14.1'), ItemValueError);
    assert.throws(() => toApplicationData(SCHEMA, { tags: ['a', 3] } as unknown as Thing, '14.1'), /Categories\[1\]/);
  });

  it('reads a client ApplicationData back, reporting what it skipped', () => {
    const { item, skipped } = fromApplicationData(
      SCHEMA,
      [
        el('Email', 'Read', '1'),
        el('Email', 'Importance', ' 2 '),
        el('Email', 'DateReceived', '2026-11-25T14:00:00.000Z'),
        el('Calendar', 'DtStamp', '20261125T140000Z'),
        el('Email', 'Categories', [el('Email', 'Category', 'x'), el('Email', 'Bogus', 'y')]),
        el('Email', 'Flag', [el('Tasks', 'Subject', 's'), el('Tasks', 'Unheard', '1')]),
        el('Email', 'Flag', []),
        el('Email', 'Body', 'only 2.5'),
        el('Email2', 'ConversationId', new Uint8Array([1])),
        el('Contacts', 'FileAs', 'x'),
      ],
      '14.1',
    );
    assert.equal(item.done, true);
    assert.equal(item.count, 2);
    assert.equal(item.when?.toISOString(), '2026-11-25T14:00:00.000Z');
    assert.equal(item.stamp?.toISOString(), '2026-11-25T14:00:00.000Z');
    assert.deepEqual(item.tags, ['x']);
    assert.deepEqual(item.inner, {}, 'the last Flag counts');
    assert.deepEqual(skipped, [
      { path: 'ApplicationData/Email:Categories/Email:Bogus', reason: 'unknown' },
      { path: 'ApplicationData/Email:Flag/Tasks:Unheard', reason: 'unknown' },
      { path: 'ApplicationData/Email:Flag', reason: 'duplicate' },
      { path: 'ApplicationData/Email:Body', reason: 'not-in-version' },
      { path: 'ApplicationData/Email2:ConversationId', reason: 'read-only' },
      { path: 'ApplicationData/Contacts:FileAs', reason: 'unknown' },
    ]);
  });

  it('throws ItemConversionError (Status 6) for malformed client values', () => {
    const bad: Array<[WbxmlElement, string]> = [
      [el('Email', 'Importance', 'high'), 'not-int'],
      [el('Email', 'Read', 'yes'), 'not-bool'],
      [el('Email', 'DateReceived', '2026-02-31T00:00:00.000Z'), 'not-date'],
      [el('Email', 'Subject', [el('Email', 'To', 'x')]), 'not-text'],
      [el('Email', 'Flag', 'text'), 'not-container'],
    ];
    for (const [e, reason] of bad) {
      assert.throws(
        () => fromApplicationData(SCHEMA, [e], '14.1'),
        (err: unknown) => err instanceof ItemConversionError && err.reason === reason && err.easStatus === 6 && err.path === `ApplicationData/${e.ns}:${e.tag}`,
      );
    }
  });

  it('parses both date forms and keeps them in UTC', () => {
    assert.equal(parseEasDate('2026-11-25T14:00:00Z')?.toISOString(), '2026-11-25T14:00:00.000Z');
    assert.equal(parseEasDate('20261125T140000Z')?.toISOString(), '2026-11-25T14:00:00.000Z');
    assert.equal(parseEasDate('2026-11-25T14:00:00.5Z')?.toISOString(), '2026-11-25T14:00:00.500Z');
    assert.equal(parseEasDate('2026-11-25'), undefined);
    assert.equal(formatCompactDate(new Date('2026-01-02T03:04:05.678Z')), '20260102T030405Z');
  });
});
