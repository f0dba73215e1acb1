/**
 * loadEmailItems over a batched-parts port: items built as each message's parts arrive are the
 * items built after the fetch; a port that hands parts over only at the end (or twice, as on a
 * retried fetch) gives the same; a message gone between the two fetches is absent; a conversion
 * that throws fails the load instead of leaving an item silently out.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadEmailItems, type LoadEmailOptions } from '../../../../../gateway/commands/email/load-items.js';
import type { FetchedPart, MessageView } from '../../../../../gateway/convert/email/message-view.js';
import type { MailboxRef, MailMessages, PartsRequest } from '../../../../../gateway/ports/mail-messages.js';
import { CONVERT_FIXTURES, loadEml, fetchSections, type Eml } from '../../convert/support/eml.js';

const BOX: MailboxRef = { path: 'INBOX', uidValidity: 1 };
const OPTS: LoadEmailOptions = { version: '16.1', body: { bodyPreferences: [{ type: 2, truncationSize: 200 }] }, collectionId: '5' };
const emls = new Map<number, Eml>(
  readdirSync(join(CONVERT_FIXTURES, 'eml'))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f, i) => [i + 1, loadEml(join(CONVERT_FIXTURES, 'eml', f), { flags: ['\\Seen'] })]),
);

type Delivery = 'streamed' | 'at-end' | 'twice';

function port(delivery: Delivery, opts: { gone?: number; views?: Map<number, MessageView> } = {}): MailMessages {
  return {
    fetchViews: async (_box: MailboxRef, uids: readonly number[]) => new Map(uids.filter((u) => emls.has(u)).map((u) => [u, opts.views?.get(u) ?? emls.get(u)!.view])),
    fetchPartsMany: async (_box: MailboxRef, wanted: readonly PartsRequest[], onParts?: (uid: number, parts: FetchedPart[]) => void) => {
      const out = new Map<number, FetchedPart[]>();
      for (const w of wanted) {
        if (w.uid === opts.gone) continue;
        const parts = fetchSections(emls.get(w.uid)!, w.requests);
        out.set(w.uid, parts);
        if (delivery !== 'at-end') onParts?.(w.uid, parts);
        if (delivery === 'twice') onParts?.(w.uid, parts);
      }
      return out;
    },
  } as unknown as MailMessages;
}

describe('loadEmailItems with fetchPartsMany', () => {
  const uids = [...emls.keys()];

  it('builds the same items whether parts arrive one by one, at the end, or twice', async () => {
    const streamed = await loadEmailItems(port('streamed'), BOX, uids, OPTS);
    assert.equal(streamed.size, uids.length);
    assert.deepEqual(await loadEmailItems(port('at-end'), BOX, uids, OPTS), streamed);
    assert.deepEqual(await loadEmailItems(port('twice'), BOX, uids, OPTS), streamed);
  });

  it('leaves out a message gone between the view and the body fetch', async () => {
    const items = await loadEmailItems(port('streamed', { gone: 2 }), BOX, uids, OPTS);
    assert.equal(items.has(2), false);
    assert.equal(items.size, uids.length - 1);
  });

  it('fails the load when converting a message throws, rather than leaving it out', async () => {
    const broken = { ...emls.get(3)!.view };
    Object.defineProperty(broken, 'flags', { get: () => { throw new Error('conversion bug'); }, enumerable: true });
    for (const delivery of ['streamed', 'at-end'] as const) {
      await assert.rejects(loadEmailItems(port(delivery, { views: new Map([[3, broken as MessageView]]) }), BOX, uids, OPTS), /conversion bug/);
    }
  });
});
