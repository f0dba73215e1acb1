#!/usr/bin/env node
// The `easgate` command. Runs the build (dist/) when there is one; in a dev checkout
// without a build it runs the TypeScript source through tsx, so `npx easgate` works
// right after `npm install`. EASGATE_FROM_SOURCE=1 forces the source even when a
// (possibly stale) build exists; the CLI tests use it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const built = new URL('dist/gateway/cli/index.js', root);

async function load() {
  if (process.env.EASGATE_FROM_SOURCE !== '1' && existsSync(fileURLToPath(built))) return import(built.href);
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write('easgate: no build in dist/ and tsx is not installed; run `npm run build` (or `npm install` for a dev checkout)\n');
    process.exit(1);
  }
  tsx.register();
  return import(new URL('gateway/cli/index.ts', root).href);
}

const { runCli, processIo } = await load();
const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
// A backend client that forgets to close its socket must not keep a finished command
// (or a server that has shut down) hanging; unref'd, so it never delays a clean exit.
setTimeout(() => process.exit(code), 2000).unref();
