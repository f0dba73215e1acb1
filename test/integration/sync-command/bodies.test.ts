/**
 * What Sync puts on the wire for real messages (the converter's own golden tests cover the
 * details): HTML-only, plain, multipart/alternative, S/MIME signed, ISO-8859-1 and a body cut
 * inside a multibyte character, with BodyPreference 1/2/4 and truncation at 12.1, 14.1 and
 * 16.1, and 2.5's Email:Body with Truncation and MIMESupport; Fetch of a truncated item; the
 * FilterType window (old mail not sent, narrowing soft-deletes, widening adds back). Every
 * response validates against SyncResponse.xsd (support.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from '../../support/backing.js';
import { AS, bodyPreference, cleanUp, collection, drain, field, folderIds, imapAsAlice, RUN, sync, syncRequest, type Item, type Phone } from './support.js';

const BOX = `${RUN}-bodies`;
const WINDOW_BOX = `${RUN}-window`;
const EML = new URL('../../fixtures/convert/eml/', import.meta.url);
const FILES = ['alternative', 'html-only', 'plain', 'latin1', 'smime-signed', 'multibyte-boundary'] as const;
const DAY = 86_400_000;

const bySubject = (adds: Item[], subject: string): WbxmlElement[] => {
  const a = adds.find((x) => field(x.data, 'Subject') === subject);
  assert.ok(a, `no Add with Subject ${subject}: ${adds.map((x) => field(x.data, 'Subject')).join(' | ')}`);
  return a.data;
};
const utf8Clean = (s: string | undefined): boolean => s !== undefined && !s.includes('\uFFFD');

describe('Sync bodies, versions and the FilterType window over HTTP', { timeout: 300_000 }, () => {
  let gw: RunningGateway;
  let data: TestDataDir;
  let imap: ImapFlow;

  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await startGateway(integrationConfig(data.path, { policy: { enforce: false } }));
    imap = await imapAsAlice();
    await imap.mailboxCreate(BOX);
    for (const f of FILES) await imap.append(BOX, readFileSync(new URL(`${f}.eml`, EML)), ['\\Seen']);
    await imap.mailboxCreate(WINDOW_BOX);
    const now = Date.now();
    for (const [name, age] of [['old', 60], ['mid', 10], ['new', 0]] as const) {
      await imap.append(WINDOW_BOX, `From: w@example.org\r\nSubject: ${name}\r\nMessage-ID: <${name}-${RUN}@example.org>\r\n\r\n${name}\r\n`, [], new Date(now - age * DAY - 3_600_000));
    }
  });

  after(async () => {
    await gw?.close();
    await imap?.logout().catch(() => undefined);
    await cleanUp();
    data?.remove();
  });

  async function syncAll(phone: Phone, options: WbxmlElement[], box = BOX, className?: string): Promise<{ id: string; adds: Item[]; key: string }> {
    const id = (await folderIds(gw.url, phone)).get(box)!;
    const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id, ...(className ? { className } : {}), options })]));
    assert.equal(prime.collections[0]!.status, 1);
    if (className) assert.equal(prime.collections[0]!.className, className, 'Class in the 2.5 collection');
    const all = await drain(gw.url, phone, id, prime.collections[0]!.syncKey, { options, ...(className ? { className } : {}) });
    return { id, adds: all.adds, key: all.key };
  }

  it('2.5: Email:Body with Truncation code 1 (512 chars), charsets decoded, a 283-character body whole', async () => {
    const { adds } = await syncAll({ deviceId: `B25${RUN}`, version: '2.5' }, [el(AS, 'Truncation', 1), el(AS, 'MIMESupport', 0)], BOX, 'Email');
    assert.equal(adds.length, FILES.length);
    assert.ok(field(bySubject(adds, 'Grüße'), 'Body')?.includes('Grüße aus Köln'));
    const mb = bySubject(adds, 'Multibyte');
    assert.equal(field(mb, 'BodyTruncated'), '0');
    const eml = readFileSync(new URL('multibyte-boundary.eml', EML), 'utf8');
    const text = Buffer.from(eml.split(/\r?\n\r?\n/).slice(1).join(''), 'base64').toString('utf8');
    assert.equal(field(mb, 'Body')!.replace(/\r\n/g, '\n').trim(), text.trim());
    assert.equal(bySubject(adds, 'Lunch?').some((e) => e.ns === 'AirSyncBase'), false, 'no AirSyncBase at 2.5');
  });

  it('2.5: MIMESupport 2 with MIMETruncation 1 (4096 chars): Email:MIMEData, MIMESize, MIMETruncated', async () => {
    const { adds } = await syncAll({ deviceId: `BM25${RUN}`, version: '2.5' }, [el(AS, 'MIMETruncation', 1), el(AS, 'MIMESupport', 2)], BOX, 'Email');
    const signed = bySubject(adds, 'Signed');
    assert.ok(field(signed, 'MIMEData')!.includes('multipart/signed'));
    assert.ok(Number(field(signed, 'MIMESize')) > 0);
    assert.ok(['0', '1'].includes(field(signed, 'MIMETruncated')!));
    assert.ok([...field(signed, 'MIMEData')!].length <= 4096);
  });

  for (const version of ['12.1', '14.1', '16.1'] as const) {
    it(`${version}: BodyPreference 1 truncated to 20 bytes: plain text, HTML-only converted, cut on a character`, async () => {
      const { adds } = await syncAll({ deviceId: `B1${version.replace('.', '')}${RUN}`, version }, [bodyPreference(1, 20)]);
      assert.equal(adds.length, FILES.length);
      const latin = bySubject(adds, 'Grüße');
      assert.deepEqual([field(latin, 'Body', 'Type'), field(latin, 'Body', 'Truncated')], ['1', '1']);
      assert.ok('Grüße aus Köln'.startsWith(field(latin, 'Body', 'Data')!.trimEnd()));
      const mb = bySubject(adds, 'Multibyte');
      assert.ok(utf8Clean(field(mb, 'Body', 'Data')) && Buffer.byteLength(field(mb, 'Body', 'Data')!) <= 20);
      const html = bySubject(adds, '“Smart” quotes – and more');
      assert.deepEqual([field(html, 'Body', 'Type'), field(html, 'NativeBodyType')], ['1', '2']);
      assert.ok(!field(html, 'Body', 'Data')!.includes('<'), 'HTML turned into text');
    });
  }

  for (const version of ['14.1', '16.1'] as const) {
    it(`${version}: BodyPreference 2 gives HTML, 4 gives MIME; S/MIME with MIMESupport 2 keeps its class`, async () => {
      const v = version.replace('.', '');
      const html = await syncAll({ deviceId: `B2${v}${RUN}`, version }, [bodyPreference(2, 100000)]);
      const alt = bySubject(html.adds, 'Lunch?');
      assert.equal(field(alt, 'Body', 'Type'), '2');
      assert.ok(field(alt, 'Body', 'Data')!.includes('<'));
      const mime = await syncAll({ deviceId: `B4${v}${RUN}`, version }, [el(AS, 'MIMESupport', 2), bodyPreference(4)]);
      const signed = bySubject(mime.adds, 'Signed');
      assert.equal(field(signed, 'Body', 'Type'), '4');
      assert.ok(field(signed, 'Body', 'Data')!.includes('multipart/signed'));
      assert.equal(field(signed, 'MessageClass'), 'IPM.Note.SMIME.MultipartSigned');
    });
  }

  it('Fetch returns the whole item of a truncated Add; an unknown ServerId is Status 8', async () => {
    const phone: Phone = { deviceId: `BF${RUN}`, version: '16.1' };
    const { id, adds, key } = await syncAll(phone, [bodyPreference(1, 10)]);
    const mb = adds.find((a) => field(a.data, 'Subject') === 'Multibyte')!;
    const fetch = (serverId: string) => el(AS, 'Fetch', [el(AS, 'ServerId', serverId)]);
    const r = await sync(gw.url, phone, syncRequest([collection({ syncKey: key, collectionId: id, options: [bodyPreference(1, 100000)], commands: [fetch(mb.serverId), fetch(`${id}:999999`)] })]));
    const responses = r.collections[0]!.responses;
    assert.deepEqual(responses.map((x) => [x.tag, field(x.children, 'ServerId'), field(x.children, 'Status')]), [['Fetch', mb.serverId, '1'], ['Fetch', `${id}:999999`, '8']]);
    const whole = responses[0]!.children.find((c) => c.tag === 'ApplicationData')!.children;
    assert.ok(field(whole, 'Body', 'Data')!.length > 100 && field(whole, 'Body', 'Truncated') !== '1');
  });

  it('FilterType: older mail is not sent; narrowing soft-deletes; widening adds back', async () => {
    const phone: Phone = { deviceId: `BW${RUN}`, version: '14.1' };
    const month = await syncAll(phone, [], WINDOW_BOX).then(async ({ id }) => {
      // Re-prime with a one-month window (the first prime had none).
      const prime = await sync(gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id, filterType: 5 })]));
      const all = await drain(gw.url, phone, id, prime.collections[0]!.syncKey, { filterType: 5 });
      return { id, ...all };
    });
    assert.deepEqual(month.adds.map((a) => field(a.data, 'Subject')).sort(), ['mid', 'new']);
    const week = await sync(gw.url, phone, syncRequest([collection({ syncKey: month.key, collectionId: month.id, filterType: 3 })]));
    const midId = month.adds.find((a) => field(a.data, 'Subject') === 'mid')!.serverId;
    assert.deepEqual([week.collections[0]!.softDeletes, week.collections[0]!.adds], [[midId], []]);
    const all = await sync(gw.url, phone, syncRequest([collection({ syncKey: week.collections[0]!.syncKey, collectionId: month.id, filterType: 0 })]));
    assert.deepEqual(all.collections[0]!.adds.map((a) => field(a.data, 'Subject')).sort(), ['mid', 'old']);
  });
});
