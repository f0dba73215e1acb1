/**
 * The gateway under measurement, alone in its own process so its RSS is its own: started by
 * run.ts with an IPC channel, it reports its URL and then waits to be stopped.
 */
import { rmSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { startGateway } from '../../gateway/main.js';
import { integrationConfig, testDataDir } from '../../test/support/backing.js';

const data = testDataDir();
const base = integrationConfig(data.path, { policy: { enforce: false } });
const gw = await startGateway({ ...base, log: { level: 'warn' } });
process.send?.({ url: gw.url });
process.on('message', (msg: unknown) => {
  if (msg === 'heap') {
    // Committed size per V8 space plus Buffer memory, in MiB: where an RSS increase went.
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, +(s.space_size / 1048576).toFixed(1)]));
    const mem = process.memoryUsage();
    process.send?.({ ...spaces, arrayBuffers: +(mem.arrayBuffers / 1048576).toFixed(1), rss: +(mem.rss / 1048576).toFixed(1) });
  } else if (msg === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.('gc-done');
  } else if (msg === 'stop') {
    void gw.close().finally(() => {
      rmSync(data.path, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
