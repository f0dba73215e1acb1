import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log.js';
import { cliConfig, CONFIG_OPTION, parse } from './options.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './types.js';

/** The composition root's entry point, as gateway/main.ts exports it. */
interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}
type StartGateway = (config: Config, opts?: { logger?: Logger }) => Promise<Gateway>;

/**
 * easgate serve: config first (a ConfigError exits 2 before anything starts), then
 * the gateway, then wait for SIGINT/SIGTERM. A second signal while closing gives up
 * waiting, for an operator whose close hangs on a dead backend.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('serve', argv, CONFIG_OPTION);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'serve');
  const config = cliConfig(values.config, io);
  const logger = createLogger(config);

  // Imported here, not at the top, so that help, devices and wbxml never load Koa.
  const { startGateway } = (await import(MAIN)) as { startGateway: StartGateway };
  let gateway: Gateway;
  try {
    gateway = await startGateway(config, { logger });
  } catch (err) {
    logger.fatal({ err }, 'easgate failed to start');
    return EXIT_FAILURE;
  }
  logger.info({ url: gateway.url, port: gateway.port }, `easgate listening on ${gateway.url}`);

  const first = listenForSignal();
  const signal = await first.received;
  first.stop();
  logger.info({ signal }, 'shutting down');
  const second = listenForSignal();
  const forced = second.received.then((again) => {
    logger.warn({ signal: again }, 'second signal: exiting without waiting for close');
    return EXIT_FAILURE;
  });
  const closed = gateway.close().then(() => EXIT_OK, (err: unknown) => {
    logger.error({ err }, 'error while closing');
    return EXIT_FAILURE;
  });
  const code = await Promise.race([closed, forced]);
  second.stop();
  if (code === EXIT_OK) logger.info('stopped');
  return code;
}

// A variable, not a literal, so the type checker does not need gateway/main.ts to exist.
const MAIN: string = '../main.js';

/** Our handlers replace Node's default (exit at once) only while they are installed. */
function listenForSignal(): { received: Promise<NodeJS.Signals>; stop(): void } {
  let on!: (sig: NodeJS.Signals) => void;
  const stop = (): void => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    on = (sig) => {
      stop();
      resolve(sig);
    };
  });
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { received, stop };
}
