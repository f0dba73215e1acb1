/**
 * Where the unpacked EAS-4-TbSync add-on lives: test-fixtures/install-deps.sh downloads the Debian
 * package webext-eas4tbsync (without installing it or Thunderbird), unpacks the .deb and then the
 * .xpi (a zip) into `<repo>/test-fixtures/.cache/eas4tbsync/xpi/`. EASGATE_TBSYNC_DIR overrides
 * that directory (it must contain `content/provider.js`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TBSYNC_XPI_DIR = process.env.EASGATE_TBSYNC_DIR ?? fileURLToPath(new URL('../../../test-fixtures/.cache/eas4tbsync/xpi', import.meta.url));

/** The add-on's files this harness evaluates, relative to the xpi root. */
export const TBSYNC_SCRIPTS = {
  provider: 'content/provider.js',
  network: 'content/includes/network.js',
  wbxmltools: 'content/includes/wbxmltools.js',
  xmltools: 'content/includes/xmltools.js',
  tools: 'content/includes/tools.js',
  sync: 'content/includes/sync.js',
} as const;

export interface TbSyncPackage {
  readonly dir: string;
  /** From the add-on's manifest.json, e.g. "4.11". */
  readonly version: string;
  /** chrome://eas4tbsync/content/... -> file text (unmodified). */
  read(chromeUrl: string): string;
}

/** Throws, saying how to get the package, when it has not been unpacked. */
export function locateTbSync(dir: string = TBSYNC_XPI_DIR): TbSyncPackage {
  const missing = Object.values(TBSYNC_SCRIPTS).filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new Error(`EAS-4-TbSync is not unpacked in ${dir} (missing ${missing.join(', ')}); run: bash test-fixtures/install-deps.sh (or set EASGATE_TBSYNC_DIR)`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version?: string };
  return {
    dir,
    version: manifest.version ?? 'unknown',
    read(chromeUrl: string): string {
      const prefix = 'chrome://eas4tbsync/';
      if (!chromeUrl.startsWith(prefix)) throw new Error(`TbSync shim: cannot load ${chromeUrl} (only ${prefix}...)`);
      return readFileSync(join(dir, chromeUrl.slice(prefix.length)), 'utf8');
    },
  };
}
