import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/load.js';
import { mainUsage, synopsisFor, usageFor } from './help.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type CommandRunner } from './types.js';
import { packageVersion } from './version.js';

/**
 * The operator CLI. Each command is its own module, loaded only when asked for, so
 * `easgate --help` stays fast and `serve`'s dependencies (Koa, backends) load only for serve.
 */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  serve: async () => (await import('./serve.js')).run,
  devices: async () => (await import('./devices.js')).run,
  wbxml: async () => (await import('./wbxml.js')).runWbxml,
};

/** Commands that answer --help themselves rather than through help.ts. */
const OWN_HELP = new Set(['wbxml']);

const isHelp = (a: string): boolean => a === '--help' || a === '-h';

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || isHelp(first)) {
    (first === undefined ? io.stderr : io.stdout).write(mainUsage(first !== undefined));
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`easgate ${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (first === 'help') return help(rest, io);
  const load = COMMANDS[first];
  if (!load) {
    io.stderr.write(`easgate: unknown command "${first}"\n\n${mainUsage(false)}`);
    return EXIT_USAGE;
  }
  if (!OWN_HELP.has(first) && rest.some(isHelp)) {
    io.stdout.write(usageFor(first) ?? mainUsage());
    return EXIT_OK;
  }
  try {
    const run = await load();
    return await run(rest, io);
  } catch (err) {
    return report(err, first, io);
  }
}

async function help(rest: string[], io: CliIo): Promise<number> {
  const [topic] = rest;
  if (topic === undefined) {
    io.stdout.write(mainUsage());
    return EXIT_OK;
  }
  if (OWN_HELP.has(topic)) return runCli([topic, '--help'], io);
  const text = usageFor(topic);
  if (!text) {
    io.stderr.write(`easgate: no help for "${topic}"\n\n${mainUsage(false)}`);
    return EXIT_USAGE;
  }
  io.stdout.write(text);
  return EXIT_OK;
}

function report(err: unknown, command: string, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`easgate ${command}: ${err.message}\n\n${synopsisFor(err.command ?? command) ?? mainUsage(false)}`);
    return EXIT_USAGE;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`easgate ${command}: ${err.message}\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(`easgate ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_FAILURE;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

// Run directly (node dist/gateway/cli/index.js) as well as through bin/easgate.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
