/** Human-readable exchanges and failures of the TbSync harness, for assertion messages. */
import { decode, toXml } from '../../../codec/index.js';
import type { TbSyncExchange, TbSyncLogLine, TbSyncStatus } from './index.js';

/** "Provision" for a POST with ?Cmd=Provision, "OPTIONS" for OPTIONS. */
export function commandOf(e: TbSyncExchange): string {
  if (e.method !== 'POST') return e.method;
  return new URL(e.url).searchParams.get('Cmd') ?? '(no Cmd)';
}

function body(bytes: Buffer | undefined, contentType: string | undefined): string {
  if (!bytes || bytes.length === 0) return '(empty body)';
  if (bytes[0] === 0x03 && bytes[1] === 0x01) {
    try {
      return toXml(decode(bytes));
    } catch (e) {
      return `(undecodable WBXML: ${(e as Error).message}) ${bytes.toString('hex')}`;
    }
  }
  const text = bytes.toString('utf8');
  return /text|xml|json/.test(contentType ?? '') || /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : bytes.toString('hex');
}

function headers(h: Record<string, unknown> | undefined): string {
  return Object.entries(h ?? {})
    .filter(([k]) => k.toLowerCase() !== 'authorization')
    .map(([k, v]) => `  ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('\n');
}

/** Request line, headers (without Authorization), decoded body; then the response the same way. */
export function formatExchange(e: TbSyncExchange): string {
  const url = new URL(e.url);
  const request = `>>> ${e.method} ${url.pathname}${url.search}\n${headers(e.requestHeaders)}\n${body(e.requestBody, e.requestHeaders['Content-Type'])}`;
  const response =
    e.status === undefined
      ? `<<< no response: ${e.error ?? 'unknown error'}`
      : `<<< HTTP ${e.status}\n${headers(e.responseHeaders)}\n${body(e.responseBody, String(e.responseHeaders?.['content-type'] ?? ''))}`;
  return `${request}\n${response}`;
}

/** Everything needed to see where TbSync stopped: its status, its last states, the exchanges, its log. */
export function formatFailure(what: string, status: TbSyncStatus, exchanges: TbSyncExchange[], states: string[], log: TbSyncLogLine[]): string {
  const last = exchanges[exchanges.length - 1];
  return [
    `${what}: TbSync ended with ${status.type} "${status.message}"${status.details ? ` (${status.details.split('\n')[0]})` : ''}`,
    `after sync state ${states[states.length - 1] ?? '(none)'}; requests: ${exchanges.map((e) => `${commandOf(e)}->${e.status ?? e.error}`).join(', ') || '(none)'}`,
    last ? `last exchange:\n${formatExchange(last)}` : 'no request was sent',
    `TbSync log (last 8):\n${log.slice(-8).map((l) => `  [${l.kind}] ${l.text.slice(0, 400)}`).join('\n')}`,
  ].join('\n');
}
