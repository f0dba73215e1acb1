/**
 * The one logger factory. Redaction is belt and braces: the gateway never puts a
 * password or a body into a log call, and these paths catch it if someone ever does.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config/schema.js';

export type { Logger } from 'pino';

export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  '*.*.password',
  'pass',
  '*.pass',
  'secret',
  '*.secret',
  'credentials',
  '*.credentials',
  'body',
  '*.body',
  'mime',
  '*.mime',
];

export function createLogger(config: Pick<Config, 'log'>, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { service: 'easgate' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
