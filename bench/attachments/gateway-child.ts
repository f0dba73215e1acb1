/**
 * The gateway under measurement, alone in its own process so its RSS is its own: started by
 * run.ts with an IPC channel, it reports its URL and then waits to be stopped.
 */
import { rmSync } from 'node:fs';
import { startGateway } from '../../gateway/main.js';
import { integrationConfig, testDataDir } from '../../test/support/backing.js';

const data = testDataDir();
const base = integrationConfig(data.path, { policy: { enforce: false } });
const gw = await startGateway({ ...base, log: { level: 'warn' } });
process.send?.({ url: gw.url });
process.on('message', (msg: unknown) => {
  if (msg === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.('gc-done');
  } else if (msg === 'stop') {
    void gw.close().finally(() => {
      rmSync(data.path, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
