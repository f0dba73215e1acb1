/**
 * Golden files for the email converters: each case turns an .eml (Horde's real-world mails in
 * the shared fixtures, and our own in test/fixtures/convert/eml) into a MessageView, plans and
 * "fetches" the body sections like the IMAP adapter will, builds the EmailItem and writes it as
 * the ApplicationData of a one-Add Sync response for the case's protocol version.
 *
 *   <case>.json  the fetch plan and the item (dates as ISO strings, bytes as text or hex)
 *   <case>.xml   the Sync response as XML
 *
 * Every response must also validate against Microsoft's SyncResponse XSD. After a deliberate
 * change, regenerate with EASGATE_UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { el, toXml, type WbxmlElement } from '../../../../codec/index.js';
import { planBodyFetch, toEmailItem, type BodyRequest } from '../../../../gateway/convert/email/index.js';
import { EMAIL_SCHEMA, type EmailFlag, type EmailMeetingRequest } from '../../../../gateway/items/email.js';
import { toApplicationData } from '../../../../gateway/items/schema.js';
import type { ItemVersion } from '../../../../gateway/items/version.js';
import { validateEasResponse } from '../../../support/xsd.js';
import { CONVERT_FIXTURES, fetchSections, HORDE_DIR, loadEml } from './support/eml.js';

interface GoldenCase {
  readonly name: string;
  readonly eml: string;
  readonly version: ItemVersion;
  readonly body: BodyRequest;
  readonly flags?: readonly string[];
  readonly storedFlag?: EmailFlag;
  readonly preview?: string;
  readonly meetingRequest?: EmailMeetingRequest;
}

const horde = (f: string): string => join(HORDE_DIR, f);
const own = (f: string): string => join(CONVERT_FIXTURES, 'eml', f);
const HTML_WITH_PREVIEW: BodyRequest = { bodyPreferences: [{ type: 2, truncationSize: 2048, preview: 200 }, { type: 1 }] };

const CASES: GoldenCase[] = [
  ...['email_plain', 'email_signed', 'encrypted', 'iOSMultipartAlternative', 'idna', 'invitation_one', 'mime_encoding', 'rfc822_multipart', 'signed_attachment'].map(
    (n): GoldenCase => ({ name: `horde-${n}`, eml: horde(`${n}.eml`), version: '16.1', body: HTML_WITH_PREVIEW, flags: ['\\Seen'] }),
  ),
  { name: 'plain-2.5', eml: own('plain.eml'), version: '2.5', body: { truncation: 9 }, flags: ['\\Seen', '\\Answered'] },
  { name: 'plain-14.1-preview', eml: own('plain.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1, preview: 50 }] }, flags: ['\\Answered', '$Forwarded', 'Work', '$label1'] },
  { name: 'html-only-12.1-as-text', eml: own('html-only.eml'), version: '12.1', body: { bodyPreferences: [{ type: 1, truncationSize: 100 }] } },
  { name: 'html-only-16.1', eml: own('html-only.eml'), version: '16.1', body: { bodyPreferences: [{ type: 2 }] }, flags: ['\\Draft'] },
  { name: 'alternative-14.0-native', eml: own('alternative.eml'), version: '14.0', body: { bodyPreferences: [{ type: 1 }, { type: 2 }] } },
  {
    name: 'alternative-14.1-allornone',
    eml: own('alternative.eml'),
    version: '14.1',
    body: { bodyPreferences: [{ type: 2, truncationSize: 30, allOrNone: true }, { type: 1, truncationSize: 1000 }] },
  },
  { name: 'alternative-2.5-mime', eml: own('alternative.eml'), version: '2.5', body: { mimeSupport: 2, mimeTruncation: 8 } },
  { name: 'mixed-2.5', eml: own('mixed-attachments.eml'), version: '2.5', body: { truncation: 1 } },
  { name: 'mixed-12.1', eml: own('mixed-attachments.eml'), version: '12.1', body: { bodyPreferences: [{ type: 2 }] } },
  {
    name: 'mixed-16.1-flagged',
    eml: own('mixed-attachments.eml'),
    version: '16.1',
    body: { bodyPreferences: [{ type: 2, preview: 80 }] },
    flags: ['\\Flagged', '\\Seen'],
    storedFlag: { subject: 'Sign it', startDate: new Date('2026-11-30T00:00:00Z'), utcStartDate: new Date('2026-11-30T00:00:00Z'), dueDate: new Date('2026-12-01T00:00:00Z'), utcDueDate: new Date('2026-12-01T00:00:00Z'), reminderSet: false },
  },
  { name: 'smime-signed-14.1-mime', eml: own('smime-signed.eml'), version: '14.1', body: { mimeSupport: 1, bodyPreferences: [{ type: 2 }, { type: 4 }] } },
  { name: 'smime-encrypted-14.1-no-mime', eml: own('smime-encrypted.eml'), version: '14.1', body: { bodyPreferences: [{ type: 2 }] } },
  { name: 'smime-encrypted-16.1-mime-cut', eml: own('smime-encrypted.eml'), version: '16.1', body: { mimeSupport: 2, bodyPreferences: [{ type: 2 }, { type: 4, truncationSize: 200 }] } },
  { name: 'latin1-14.1', eml: own('latin1.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1, truncationSize: 20 }] } },
  { name: 'shift-jis-16.1', eml: own('shift-jis.eml'), version: '16.1', body: { bodyPreferences: [{ type: 1 }] } },
  { name: 'shift-jis-16.1-html-cut', eml: own('shift-jis.eml'), version: '16.1', body: { bodyPreferences: [{ type: 2, truncationSize: 150 }] } },
  { name: 'koi8r-gb2312-14.1', eml: own('koi8r-gb2312.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1 }, { type: 2 }] } },
  { name: 'koi8r-gb2312-14.1-text', eml: own('koi8r-gb2312.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1 }] } },
  { name: 'imip-request-14.1', eml: own('imip-request.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1, preview: 255 }] }, preview: 'Server preview: you are invited' },
  {
    name: 'imip-request-14.1-meeting',
    eml: own('imip-request.eml'),
    version: '14.1',
    body: { bodyPreferences: [{ type: 1 }] },
    // What the Calendar converter will provide; here only to show the seam and the hidden .ics part.
    meetingRequest: {
      allDayEvent: 0, startTime: new Date('2026-12-04T14:00:00Z'), dtStamp: new Date('2026-12-03T08:00:00Z'), endTime: new Date('2026-12-04T15:00:00Z'),
      instanceType: 0, organizer: '"Organizer" <org@example.com>', reminder: 15, responseRequested: 1, sensitivity: 0, busyStatus: 1,
      timeZone: Buffer.alloc(172).toString('base64'), globalObjId: Buffer.from('planning-1@example.com').toString('base64'), meetingMessageType: 1,
    },
  },
  { name: 'imip-reply-14.1', eml: own('imip-reply.eml'), version: '14.1', body: { bodyPreferences: [{ type: 1 }] } },
  { name: 'multibyte-cut-inside', eml: own('multibyte-boundary.eml'), version: '16.1', body: { bodyPreferences: [{ type: 1, truncationSize: 10 }] } },
  { name: 'multibyte-cut-on-boundary', eml: own('multibyte-boundary.eml'), version: '16.1', body: { bodyPreferences: [{ type: 1, truncationSize: 11 }] } },
  { name: 'multibyte-2.5-512', eml: own('multibyte-boundary.eml'), version: '2.5', body: { truncation: 1 } },
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

function jsonOf(value: unknown): string {
  return `${JSON.stringify(
    value,
    function (key, v: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (raw instanceof Date) return raw.toISOString();
      if (raw instanceof Uint8Array) {
        try {
          return `bytes(utf-8):${utf8.decode(raw)}`;
        } catch {
          return `bytes(hex):${Buffer.from(raw).toString('hex')}`;
        }
      }
      return v;
    },
    2,
  )}\n`;
}

function syncResponse(applicationData: WbxmlElement[]): WbxmlElement {
  return el('AirSync', 'Sync', [
    el('AirSync', 'Collections', [
      el('AirSync', 'Collection', [
        el('AirSync', 'SyncKey', '2'),
        el('AirSync', 'CollectionId', '5'),
        el('AirSync', 'Status', '1'),
        el('AirSync', 'Commands', [el('AirSync', 'Add', [el('AirSync', 'ServerId', '5:17'), el('AirSync', 'ApplicationData', applicationData)])]),
      ]),
    ]),
  ]);
}

const EXPECTED = join(CONVERT_FIXTURES, 'expected');
const update = process.env.EASGATE_UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): void {
  const path = join(EXPECTED, file);
  if (update || !existsSync(path)) {
    mkdirSync(EXPECTED, { recursive: true });
    writeFileSync(path, actual);
    if (!update) assert.fail(`${file} did not exist and was written; review it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${file} differs (EASGATE_UPDATE_GOLDEN=1 regenerates)`);
}

describe('email converter golden files', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.version})`, () => {
      const eml = loadEml(c.eml, { flags: c.flags, preview: c.preview });
      const plan = planBodyFetch(eml.view, c.body, c.version);
      if (plan.choice.source !== 'mime') assert.ok(!plan.fetch.some((f) => f.part === ''), 'only a MIME body fetches the whole message');
      if (plan.choice.truncationSize !== undefined && plan.choice.source === 'mime') assert.ok(plan.fetch.every((f) => f.maxBytes !== undefined));
      const item = toEmailItem(eml.view, fetchSections(eml, plan.fetch), {
        version: c.version,
        body: c.body,
        fileReference: (section) => `5:17:${section}`,
        storedFlag: c.storedFlag,
        meetingRequest: c.meetingRequest,
        userAddresses: ['bob@example.net'],
      });
      const response = syncResponse(toApplicationData(EMAIL_SCHEMA, item, c.version));
      golden(`${c.name}.json`, jsonOf({ version: c.version, request: c.body, fetch: plan.fetch, item }));
      golden(`${c.name}.xml`, toXml(response));
      const xsd = validateEasResponse(response, 'SyncResponse');
      assert.ok(xsd.valid, xsd.errors.join('\n'));
    });
  }
});
