/** Starts createApp() with fakes on an ephemeral port: the edge without backing services. */
import type { AddressInfo } from 'node:net';
import { configSchema, type Config, type ConfigInput } from '../../gateway/config/schema.js';
import type { CommandRegistry } from '../../gateway/commands/registry.js';
import { createApp } from '../../gateway/http/app.js';
import { createHttpServer } from '../../gateway/http/server.js';
import { FakeHealth, FakeVerifier, fakeCodec, fakePorts } from './fakes.js';
import { memoryLog, type MemoryLog } from './memory-log.js';
import { testRegistry } from './test-commands.js';

export interface TestApp {
  readonly url: string;
  readonly config: Config;
  readonly verifier: FakeVerifier;
  readonly health: FakeHealth;
  readonly log: MemoryLog;
  /** Delays the failure budget asked for, in order. */
  readonly sleeps: number[];
  close(): Promise<void>;
}

export async function startTestApp(opts: { config?: ConfigInput; registry?: CommandRegistry; realSleep?: boolean } = {}): Promise<TestApp> {
  const config = configSchema.parse(opts.config ?? {});
  const verifier = new FakeVerifier();
  const health = new FakeHealth();
  const log = memoryLog('debug');
  const sleeps: number[] = [];
  const app = createApp({
    config,
    registry: opts.registry ?? testRegistry(),
    logger: log.logger,
    credentialVerifier: verifier,
    healthChecks: [health],
    codec: fakeCodec,
    ports: fakePorts,
    ...(opts.realSleep ? {} : { authSleep: async (ms: number) => void sleeps.push(ms) }),
  });
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    verifier,
    health,
    log,
    sleeps,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const ALICE = { user: 'alice@example.com', password: 'alice-secret' } as const;
export const EAS = '/Microsoft-Server-ActiveSync';

export function plainQuery(cmd: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ Cmd: cmd, User: 'alice@example.com', DeviceId: 'DEV0001', DeviceType: 'TestPhone', ...extra });
  return `${EAS}?${q.toString()}`;
}
