/**
 * The AirSyncBase:Data element exactly as the gateway writes it for an HTML body: the corpus's
 * HTML becomes the bytes of a text/html; charset=utf-8 part "fetched" from IMAP, goes through the
 * e-mail converter (gateway/convert/email buildBody, BodyPreference Type 2) and the schema's value
 * writer (gateway/items/values encodeScalar), so the "body bytes" column measures the tree the
 * gateway really builds, not an assumption about it.
 */
import type { WbxmlElement } from '../../codec/index.js';
import { buildBody } from '../../gateway/convert/email/body.js';
import { planBodyFetch } from '../../gateway/convert/email/body-plan.js';
import type { MessageView } from '../../gateway/convert/email/message-view.js';
import { encodeScalar } from '../../gateway/items/values.js';

export function gatewayHtmlData(html: string): WbxmlElement {
  const bytes = Buffer.from(html, 'utf8');
  const view: MessageView = {
    flags: [],
    size: bytes.length + 200,
    structure: { part: '1', type: 'text/html', parameters: { charset: 'utf-8' }, encoding: '8bit', size: bytes.length },
  };
  const plan = planBodyFetch(view, { bodyPreferences: [{ type: 2 }] }, '16.1');
  const fetched = plan.fetch.map((r) => ({ part: r.part, bytes, truncated: false }));
  const { data } = buildBody(view, plan, fetched).body;
  if (data === undefined) throw new Error('the converter sent no body data');
  return encodeScalar('text-or-opaque', 'AirSyncBase', 'Data', data, 'Body/Data');
}
