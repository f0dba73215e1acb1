/** The process's streams and environment, passed in so commands can run inside tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Exit statuses: 0 done, 1 the operation failed, 2 the command line or configuration is wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A command line the user has to fix; the dispatcher prints the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;
