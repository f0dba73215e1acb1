/** The loopback backing services of test-fixtures/backing, as integration tests see them. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config, type ConfigInput } from '../../gateway/config/schema.js';

export const IMAP_HOST = '127.0.0.1';
export const IMAP_PORT = Number(process.env.EASGATE_IMAP_PORT ?? 10143);
export const USERS = {
  alice: { user: 'alice@example.com', password: 'alice-secret' },
  bob: { user: 'bob@example.com', password: 'bob-secret' },
} as const;

/** Throws with the command to run when Dovecot is not listening. */
export async function requireImap(): Promise<void> {
  const up = await new Promise<boolean>((resolve) => {
    const s = net.connect({ host: IMAP_HOST, port: IMAP_PORT });
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
  if (!up) throw new Error(`no IMAP server on ${IMAP_HOST}:${IMAP_PORT}; run: bash test-fixtures/backing/start.sh`);
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface TestDataDir {
  readonly path: string;
  /** Every byte of every file under the directory, as latin1 text for grepping. */
  contents(): string;
  remove(): void;
}

export function testDataDir(): TestDataDir {
  const path = mkdtempSync(join(tmpdir(), 'easgate-it-'));
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    path,
    contents: () => walk(path).map((f) => readFileSync(f).toString('latin1')).join('\n'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Config for a gateway under test: the loopback Dovecot, a private data dir, and
 * port 0 (which the schema, meant for operators, does not accept, hence set after parsing).
 */
export function integrationConfig(dataDir: string, input: ConfigInput = {}): Config {
  const parsed = configSchema.parse({
    ...input,
    imap: { host: IMAP_HOST, port: IMAP_PORT, connectTimeoutMs: 3000, ...input.imap },
    state: { dataDir },
    log: { level: 'debug' },
  });
  return { ...parsed, server: { ...parsed.server, host: '127.0.0.1', port: 0 } };
}
