import { createLogger } from '../log.js';
import type { RunningGateway } from '../main.js';
import { cliConfig, CONFIG_OPTION, parse } from './options.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './types.js';

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
  const { startGateway } = await import('../main.js');
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(config, { logger });
  } catch (err) {
    logger.fatal({ err }, 'easgate failed to start');
    // Also plainly on stderr: an operator at a terminal should not have to read JSON to see why.
    io.stderr.write(`easgate serve: cannot start: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  // startGateway itself logs "easgate listening" with the URL (and "easgate stopped").

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
  return code;
}

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
