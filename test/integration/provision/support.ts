/**
 * For the provisioning integration tests: the gateway as `easgate serve` runs it (startGateway,
 * real codec, real state store, IMAP logins against the loopback Dovecot), a registry with the
 * production Provision and Settings rows plus a FolderSync stand-in (so these tests do not
 * depend on the folder commands), a client that speaks EAS over HTTP, and the operator CLI
 * run in-process against the same data directory.
 */
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { decode, encode } from '../../../codec/index.js';
import { el, type WbxmlElement } from '../../../codec/tree.js';
import { run as devicesCli } from '../../../gateway/cli/devices.js';
import { provisionCommand } from '../../../gateway/commands/provision.js';
import { CommandRegistry } from '../../../gateway/commands/registry.js';
import { settingsCommand } from '../../../gateway/commands/settings.js';
import type { CommandDefinition } from '../../../gateway/commands/types.js';
import type { Config, ConfigInput } from '../../../gateway/config/schema.js';
import { startGateway, type RunningGateway } from '../../../gateway/main.js';
import { integrationConfig, USERS } from '../../support/backing.js';
import { memoryLog, type MemoryLog } from '../../support/memory-log.js';

export const EAS_PATH = '/Microsoft-Server-ActiveSync';
export const ALICE = USERS.alice;

/** Answers like a FolderSync with nothing to report; its row has no statusResponse, so refusals use the generic one. */
export const folderSyncStandIn: CommandDefinition = {
  name: 'FolderSync',
  needsProvisioning: true,
  body: 'wbxml',
  handler: async () => ({
    kind: 'wbxml',
    root: el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'Status', 1), el('FolderHierarchy', 'SyncKey', '1'), el('FolderHierarchy', 'Changes', [el('FolderHierarchy', 'Count', 0)])]),
  }),
};

export function provisioningRegistry(config: Config): CommandRegistry {
  return new CommandRegistry([folderSyncStandIn, provisionCommand({ policy: config.policy }), settingsCommand({ users: config.users })]);
}

export interface Gateway {
  readonly gw: RunningGateway;
  readonly config: Config;
  readonly log: MemoryLog;
  close(): Promise<void>;
}

/** production: use createProductionRegistry (no registry passed) instead of the test registry. */
export async function start(dataDir: string, input: ConfigInput = {}, opts: { production?: boolean } = {}): Promise<Gateway> {
  const config = integrationConfig(dataDir, input);
  const log = memoryLog('debug');
  const gw = await startGateway(config, { logger: log.logger, ...(opts.production ? {} : { registry: provisioningRegistry(config) }) });
  return { gw, config, log, close: () => gw.close() };
}

export interface EasResponse {
  readonly status: number;
  readonly statusMessage: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The decoded WBXML body (throws when there is none). */
  wbxml(): WbxmlElement;
}

export interface EasRequest {
  readonly method?: string;
  /** Path and query; defaults to the plain query built from cmd/deviceId. */
  readonly target?: string;
  readonly cmd?: string;
  readonly deviceId?: string;
  readonly deviceType?: string;
  readonly version?: string;
  readonly policyKey?: string | number;
  readonly userAgent?: string;
  readonly body?: WbxmlElement | Uint8Array;
  readonly auth?: { user: string; password: string };
  /** Sent as they are (after the ones above). */
  readonly headers?: Record<string, string>;
}

export function query(cmd: string, deviceId: string, deviceType = 'TestPhone'): string {
  return `${EAS_PATH}?${new URLSearchParams({ Cmd: cmd, User: ALICE.user, DeviceId: deviceId, DeviceType: deviceType }).toString()}`;
}

/** One EAS request as a phone sends it; keeps the reason phrase, which 449 has to carry. */
export function eas(gw: RunningGateway, r: EasRequest): Promise<EasResponse> {
  const body = r.body === undefined ? undefined : r.body instanceof Uint8Array ? Buffer.from(r.body) : Buffer.from(encode(r.body));
  const auth = r.auth ?? ALICE;
  const headers: Record<string, string> = { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
  if (r.version) headers['MS-ASProtocolVersion'] = r.version;
  if (r.policyKey !== undefined) headers['X-MS-PolicyKey'] = String(r.policyKey);
  if (r.userAgent) headers['User-Agent'] = r.userAgent;
  Object.assign(headers, r.headers);
  if (body) {
    headers['Content-Type'] = 'application/vnd.ms-sync.wbxml';
    headers['Content-Length'] = String(body.length);
  }
  const target = r.target ?? query(r.cmd ?? 'FolderSync', r.deviceId ?? 'PROVTEST', r.deviceType);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(target, gw.url), { method: r.method ?? 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: res.headers,
          body: bytes,
          wbxml: () => {
            if (bytes.length === 0) throw new Error(`HTTP ${res.statusCode} without a body`);
            return decode(bytes);
          },
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `easgate devices ARGS` in-process, against the gateway's data directory. */
export async function operator(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await devicesCli(args, { stdin: new PassThrough(), stdout, stderr, env: { EASGATE_STATE_DATA_DIR: dataDir } });
  return { code, out, err };
}

/** The element at a path of tags below root. */
export function at(root: WbxmlElement, ...path: string[]): WbxmlElement | undefined {
  let cur: WbxmlElement | undefined = root;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  return cur;
}

export const P = (tag: string, content?: Parameters<typeof el>[2]): WbxmlElement => el('Provision', tag, content);
export const S = (tag: string, content?: Parameters<typeof el>[2]): WbxmlElement => el('Settings', tag, content);
export const EAS_POLICY = 'MS-EAS-Provisioning-WBXML';
export const WAP_POLICY = 'MS-WAP-Provisioning-XML';

export const downloadRequest = (type = EAS_POLICY): WbxmlElement => P('Provision', [P('Policies', [P('Policy', [P('PolicyType', type)])])]);
export const ackRequest = (key: string, type = EAS_POLICY): WbxmlElement =>
  P('Provision', [P('Policies', [P('Policy', [P('PolicyType', type), P('PolicyKey', key), P('Status', '1')])])]);
export const FOLDER_SYNC_0 = el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]);

/** Both Provision rounds; returns the final key. */
export async function provision(gw: RunningGateway, deviceId: string, version: string): Promise<string> {
  const type = version === '2.5' ? WAP_POLICY : EAS_POLICY;
  const first = await eas(gw, { cmd: 'Provision', deviceId, version, policyKey: 0, body: downloadRequest(type) });
  const temp = at(first.wbxml(), 'Policies', 'Policy', 'PolicyKey')?.text;
  if (first.status !== 200 || !temp) throw new Error(`Provision download failed: HTTP ${first.status}`);
  const second = await eas(gw, { cmd: 'Provision', deviceId, version, policyKey: temp, body: ackRequest(temp, type) });
  const final = at(second.wbxml(), 'Policies', 'Policy', 'PolicyKey')?.text;
  if (second.status !== 200 || !final) throw new Error(`Provision acknowledgement failed: HTTP ${second.status}`);
  return final;
}
