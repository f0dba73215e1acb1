import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { UsageError, type CliIo } from './types.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const satisfies Options;

/** node:util parseArgs, with its errors turned into a UsageError for this command. */
export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, command);
  }
}

/** loadConfig from --config and the process environment; a ConfigError propagates (exit 2). */
export function cliConfig(file: string | undefined, io: CliIo): Config {
  return loadConfig({ ...(file === undefined ? {} : { file }), env: io.env });
}
