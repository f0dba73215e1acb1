/**
 * The setup every gateway integration suite repeats: wait for the backing IMAP server, make a
 * private data dir, start a gateway on it before the suite, and close and remove both after.
 * Suites keep their own extra fixtures (a direct IMAP client, seeded folders) in their own hooks.
 */
import { after, before } from 'node:test';
import { startGateway, type RunningGateway } from '../../gateway/main.js';
import type { ConfigInput } from '../../gateway/config/schema.js';
import { integrationConfig, requireImap, testDataDir, type TestDataDir } from './backing.js';
import type { MemoryLog } from './memory-log.js';

export interface SuiteGateway<G> {
  /** The running gateway (valid inside tests and later hooks). */
  readonly gw: G;
  readonly data: TestDataDir;
}

/** Registers before/after hooks that start `open(dataDir)` and close it; call at describe level. */
export function gatewaySuite<G extends { close(): Promise<void> }>(open: (dataDir: string) => Promise<G>): SuiteGateway<G> {
  let gw: G | undefined;
  let data: TestDataDir | undefined;
  before(async () => {
    await requireImap();
    data = testDataDir();
    gw = await open(data.path);
  });
  after(async () => {
    await gw?.close();
    data?.remove();
  });
  return {
    get gw(): G {
      if (!gw) throw new Error('the suite gateway is not running (used outside a test?)');
      return gw;
    },
    get data(): TestDataDir {
      if (!data) throw new Error('the suite data dir does not exist (used outside a test?)');
      return data;
    },
  };
}

/** The common case: the production gateway on the loopback backing services, logging into `log`. */
export function productionGatewaySuite(log: MemoryLog, input: ConfigInput = {}): SuiteGateway<RunningGateway> {
  return gatewaySuite((dir) => startGateway(integrationConfig(dir, input), { logger: log.logger }));
}
