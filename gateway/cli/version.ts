import { readFileSync } from 'node:fs';

/**
 * The version in package.json, found by walking up from this file: the source runs from
 * gateway/cli/, the build from dist/gateway/cli/, and both must print the same thing.
 */
export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'easgate' && pkg.version) return pkg.version;
    } catch {
      // not here: keep climbing
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
