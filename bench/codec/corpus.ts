/**
 * A deterministic, realistic benchmark corpus of EAS responses (same bytes on every run):
 *
 * - sync-email:     Sync response, 100 emails with HTML bodies of 5-20 KB, ConversationId/Index
 *                   as opaque, flags, categories, attachments metadata.
 * - foldersync:     FolderSync response with a 32-folder hierarchy (like frankobe's Exchange capture).
 * - sync-calendar:  Sync response with 60 calendar items: time zones, recurrences, exceptions,
 *                   attendee lists of 2-60 people.
 * - itemoperations: ItemOperations Fetch response carrying a 5 MB attachment as opaque data.
 * - sync-email-intl: sync-email with Japanese/Russian text: the worst case for a JS codec, whose
 *                    strings are UTF-16 and must be transcoded (libwbxml keeps UTF-8 bytes).
 */
import { el, type WbxmlElement } from '../../codec/tree.js';
import { mulberry32 } from '../../test-fixtures/seed/rng.js';


type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const bytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));

const AS = 'AirSync';
const ASB = 'AirSyncBase';
const EM = 'Email';
const EM2 = 'Email2';
const CAL = 'Calendar';
const FH = 'FolderHierarchy';
const IO = 'ItemOperations';

/** Business-mail vocabulary; a few words in 100 are non-ASCII (names, typographic quotes), as in real mail. */
const WORDS = ('the quarterly report meeting project budget review schedule customer invoice deadline update team launch ' +
  'design proposal contract shipment numbers forecast agenda minutes follow-up please find attached regards thanks ' +
  'next week Monday office call notes draft final version').split(' ');
const WORDS_NON_ASCII = ['Grüße', 'café', 'naïve', 'résumé', 'Zürich', 'don’t', '–', '“OK”', '€100', 'Müller'];
/** For the international variant: mostly non-ASCII text. */
const WORDS_INTL = ['会議', 'の', '議題', 'について', '連絡', 'します', 'привет', 'встреча', 'отчёт', 'Grüße', 'Zürich', 'meeting'];
const PEOPLE = ['Anna Schmidt', 'Bob Miller', 'Chloé Dubois', 'Dmitri Ivanov', 'Emma Wilson', 'Fatima Khan', 'George Brown',
  'Hiroshi Tanaka', 'Ines García', 'Jonas Berg', 'Kate O\'Neil', 'Liam Chen'];
const address = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`;
const mailbox = (name: string) => `"${name}" <${address(name)}>`;
const sentence = (rng: Rng, n: number, intl = false) =>
  Array.from({ length: n }, () => (intl ? pick(rng, WORDS_INTL) : rng() < 0.03 ? pick(rng, WORDS_NON_ASCII) : pick(rng, WORDS))).join(' ');

function html(rng: Rng, targetBytes: number, intl = false): string {
  const parts = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0}</style></head><body>'];
  let size = parts[0]!.length;
  while (size < targetBytes) {
    const p = `<p style="font-family:Calibri,sans-serif;font-size:11pt">${sentence(rng, int(rng, 8, 40), intl)}.</p>\r\n`;
    parts.push(p);
    size += p.length;
  }
  parts.push('</body></html>');
  return parts.join('');
}

const date = (rng: Rng) => new Date(Date.UTC(2026, int(rng, 0, 11), int(rng, 1, 28), int(rng, 0, 23), int(rng, 0, 59))).toISOString();
const compactDate = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Sync response with `count` emails; `intl`: bodies and subjects in mostly non-ASCII text. */
export function syncEmail(count = 100, intl = false): WbxmlElement {
  const rng = mulberry32(intl ? 4 : 1);
  const adds: WbxmlElement[] = [];
  for (let i = 0; i < count; i++) {
    const from = pick(rng, PEOPLE);
    const to = [pick(rng, PEOPLE), pick(rng, PEOPLE)];
    const body = html(rng, int(rng, 5 * 1024, 20 * 1024), intl);
    const data: WbxmlElement[] = [
      el(EM, 'To', to.map(mailbox).join(', ')),
      el(EM, 'From', mailbox(from)),
      el(EM, 'Subject', `RE: ${sentence(rng, int(rng, 3, 9), intl)}`),
      el(EM, 'DateReceived', date(rng)),
      el(EM, 'DisplayTo', to.join('; ')),
      el(EM, 'ThreadTopic', sentence(rng, 5)),
      el(EM, 'Importance', String(int(rng, 0, 2))),
      el(EM, 'Read', String(int(rng, 0, 1))),
      el(ASB, 'Body', [el(ASB, 'Type', '2'), el(ASB, 'EstimatedDataSize', String(Buffer.byteLength(body))), el(ASB, 'Data', body)]),
      el(EM, 'MessageClass', 'IPM.Note'),
      el(EM, 'InternetCPID', '65001'),
      el(EM, 'Flag', rng() < 0.2 ? [el(EM, 'Status', '2'), el(EM, 'FlagType', 'Follow up')] : []),
      el(EM, 'ContentClass', 'urn:content-classes:message'),
      el(ASB, 'NativeBodyType', '2'),
      el(EM2, 'ConversationId', bytes(rng, 16)),
      el(EM2, 'ConversationIndex', bytes(rng, 5 + 5 * int(rng, 0, 3))),
      el(EM, 'Categories', rng() < 0.3 ? [el(EM, 'Category', pick(rng, ['Red', 'Blue', 'Project X']))] : []),
    ];
    if (rng() < 0.25) {
      data.push(el(ASB, 'Attachments', [el(ASB, 'Attachment', [
        el(ASB, 'DisplayName', `${pick(rng, WORDS)}.pdf`),
        el(ASB, 'FileReference', `5%3a${i}%3a1`),
        el(ASB, 'Method', '1'),
        el(ASB, 'EstimatedDataSize', String(int(rng, 1000, 900000))),
      ])]));
    }
    adds.push(el(AS, 'Add', [el(AS, 'ServerId', `5:${1000 + i}`), el(AS, 'ApplicationData', data)]));
  }
  return el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [
    el(AS, 'SyncKey', '{8f1b0b9e-7f5a-4c2e-9a51-3c9d2f1e6b7a}12'),
    el(AS, 'CollectionId', '5'),
    el(AS, 'Status', '1'),
    el(AS, 'Commands', adds),
    el(AS, 'MoreAvailable'),
  ])])]);
}

/** FolderSync response with a 32-folder hierarchy. */
export function folderSync(): WbxmlElement {
  const folders: [string, string, string, string][] = [
    ['1', '0', 'Calendar', '8'], ['2', '0', 'Contacts', '9'], ['3', '0', 'Deleted Items', '4'], ['4', '0', 'Drafts', '3'],
    ['5', '0', 'Inbox', '2'], ['6', '0', 'Journal', '11'], ['7', '0', 'Junk E-Mail', '12'], ['8', '0', 'Notes', '10'],
    ['9', '0', 'Outbox', '6'], ['10', '0', 'Sent Items', '5'], ['11', '0', 'Tasks', '7'], ['RI', '0', 'RecipientInfo', '19'],
  ];
  for (let i = 12; i < 32; i++) folders.push([String(i), pick(mulberry32(i), ['5', '10', '12', '13']), `Projekt ${i} – Ablage`, '12']);
  return el(FH, 'FolderSync', [
    el(FH, 'Status', '1'),
    el(FH, 'SyncKey', '1'),
    el(FH, 'Changes', [
      el(FH, 'Count', String(folders.length)),
      ...folders.map(([id, parent, name, type]) =>
        el(FH, 'Add', [el(FH, 'ServerId', id), el(FH, 'ParentId', parent), el(FH, 'DisplayName', name), el(FH, 'Type', type)])),
    ]),
  ]);
}

/** A TIME_ZONE_INFORMATION blob (172 bytes) in base64, as EAS carries it in Calendar:Timezone. */
const TIMEZONE = Buffer.concat([
  Buffer.from([0xc4, 0xff, 0xff, 0xff]),
  Buffer.from('W. Europe Standard Time'.padEnd(32, '\0'), 'utf16le'),
  Buffer.from([0, 0, 10, 0, 0, 0, 5, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  Buffer.from('W. Europe Daylight Time'.padEnd(32, '\0'), 'utf16le'),
  Buffer.from([0, 0, 3, 0, 0, 0, 5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xc4, 0xff, 0xff, 0xff]),
]).toString('base64');

/** Sync response with `count` calendar items: recurrences, exceptions, attendees. */
export function syncCalendar(count = 60): WbxmlElement {
  const rng = mulberry32(2);
  const adds: WbxmlElement[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.UTC(2026, int(rng, 0, 11), int(rng, 1, 28), int(rng, 7, 17)));
    const end = new Date(start.getTime() + int(rng, 1, 4) * 1800_000);
    const organizer = pick(rng, PEOPLE);
    const attendees = Array.from({ length: rng() < 0.1 ? 60 : int(rng, 2, 12) }, (_, k) => {
      const name = `${pick(rng, PEOPLE)} ${k}`;
      return el(CAL, 'Attendee', [el(CAL, 'Email', address(name)), el(CAL, 'Name', name),
        el(CAL, 'AttendeeStatus', String(pick(rng, [0, 2, 3, 4]))), el(CAL, 'AttendeeType', String(int(rng, 1, 2)))]);
    });
    const data: WbxmlElement[] = [
      el(CAL, 'Timezone', TIMEZONE),
      el(CAL, 'DtStamp', compactDate(start)),
      el(CAL, 'StartTime', compactDate(start)),
      el(CAL, 'EndTime', compactDate(end)),
      el(CAL, 'Subject', sentence(rng, int(rng, 2, 6))),
      el(CAL, 'UID', `040000008200E00074C5B7101A82E00800000000${(0x1000 + i).toString(16).toUpperCase()}00000000000000001000000`),
      el(CAL, 'OrganizerName', organizer),
      el(CAL, 'OrganizerEmail', address(organizer)),
      el(CAL, 'Location', `Room ${int(rng, 100, 999)}, ${pick(rng, ['Zürich', 'Berlin', 'Paris'])}`),
      el(CAL, 'Sensitivity', '0'),
      el(CAL, 'BusyStatus', '2'),
      el(CAL, 'AllDayEvent', '0'),
      el(CAL, 'Reminder', '15'),
      el(CAL, 'MeetingStatus', '3'),
      el(CAL, 'Attendees', attendees),
      el(ASB, 'Body', [el(ASB, 'Type', '1'), el(ASB, 'EstimatedDataSize', '300'), el(ASB, 'Data', sentence(rng, 50))]),
      el(ASB, 'NativeBodyType', '1'),
    ];
    if (rng() < 0.5) {
      data.push(el(CAL, 'Recurrence', [el(CAL, 'Type', '1'), el(CAL, 'Interval', '1'), el(CAL, 'DayOfWeek', String(1 << start.getUTCDay())),
        el(CAL, 'Until', compactDate(new Date(start.getTime() + 180 * 86400_000)))]));
      const exceptions: WbxmlElement[] = [];
      for (let k = 0; k < int(rng, 0, 6); k++) {
        const when = new Date(start.getTime() + 7 * 86400_000 * (k + 1));
        exceptions.push(el(CAL, 'Exception', rng() < 0.5
          ? [el(CAL, 'Deleted', '1'), el(CAL, 'ExceptionStartTime', compactDate(when))]
          : [el(CAL, 'ExceptionStartTime', compactDate(when)), el(CAL, 'StartTime', compactDate(new Date(when.getTime() + 3600_000))),
            el(CAL, 'EndTime', compactDate(new Date(when.getTime() + 7200_000))), el(CAL, 'Subject', sentence(rng, 3)),
            el(CAL, 'DtStamp', compactDate(when))]));
      }
      if (exceptions.length > 0) data.push(el(CAL, 'Exceptions', exceptions));
    }
    adds.push(el(AS, 'Add', [el(AS, 'ServerId', `1:${200 + i}`), el(AS, 'ApplicationData', data)]));
  }
  return el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [
    el(AS, 'SyncKey', '7'), el(AS, 'CollectionId', '1'), el(AS, 'Status', '1'), el(AS, 'Commands', adds),
  ])])]);
}

/** ItemOperations Fetch response with a `size`-byte attachment as opaque data. */
export function itemOperations(size = 5 * 1024 * 1024): WbxmlElement {
  const rng = mulberry32(3);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = (rng() * 4294967296) >>> 0;
    data[i] = v & 0xff;
    data[i + 1] = (v >>> 8) & 0xff;
    data[i + 2] = (v >>> 16) & 0xff;
    data[i + 3] = v >>> 24;
  }
  return el(IO, 'ItemOperations', [
    el(IO, 'Status', '1'),
    el(IO, 'Response', [el(IO, 'Fetch', [
      el(IO, 'Status', '1'),
      el(ASB, 'FileReference', '5%3a1042%3a1'),
      el(IO, 'Properties', [el(ASB, 'ContentType', 'application/pdf'), el(IO, 'Data', data)]),
    ])]),
  ]);
}

export interface CorpusItem {
  readonly name: string;
  readonly tree: WbxmlElement;
}

export function corpus(): CorpusItem[] {
  return [
    { name: 'sync-email', tree: syncEmail() },
    { name: 'foldersync', tree: folderSync() },
    { name: 'sync-calendar', tree: syncCalendar() },
    { name: 'itemoperations', tree: itemOperations() },
    { name: 'sync-email-intl', tree: syncEmail(100, true) },
  ];
}
