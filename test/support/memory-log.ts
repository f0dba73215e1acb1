/** A real pino logger (same redaction as production) that writes into memory. */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../gateway/log.js';

export interface MemoryLog {
  readonly logger: Logger;
  /** Every line written so far, raw. */
  text(): string;
  /** Every line, parsed. */
  entries(): Record<string, unknown>[];
  /** Lines with msg === 'request' | 'request refused' | 'request failed' (the access log). */
  accessLines(): Record<string, unknown>[];
}

export function memoryLog(level: 'trace' | 'debug' | 'info' = 'debug'): MemoryLog {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ log: { level } }, sink);
  const text = (): string => chunks.join('');
  const entries = (): Record<string, unknown>[] =>
    text().split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    logger,
    text,
    entries,
    accessLines: () => entries().filter((e) => typeof e.msg === 'string' && e.msg.startsWith('request')),
  };
}
