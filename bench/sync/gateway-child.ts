/**
 * The gateway as the benchmark's child process, so its memory is measured alone: the production
 * registry and adapters (startGateway), provisioning off, on an ephemeral loopback port. Prints
 * one JSON line {"url": ...} when listening; stops on SIGTERM.
 */
import { configSchema } from '../../gateway/config/schema.js';
import { startGateway } from '../../gateway/main.js';
import { IMAP_HOST, IMAP_PORT } from './common.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: gateway-child.ts <dataDir>');
const parsed = configSchema.parse({
  imap: { host: IMAP_HOST, port: IMAP_PORT, connectTimeoutMs: 10_000 },
  state: { dataDir },
  log: { level: 'warn' },
  policy: { enforce: false },
});
const gw = await startGateway({ ...parsed, server: { ...parsed.server, host: '127.0.0.1', port: 0 } });
process.stdout.write(`${JSON.stringify({ url: gw.url })}\n`);
process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)));
