/**
 * The third-party WBXML fixtures in shared/fixtures (see shared/fixtures/INDEX.md), found beside
 * the repository checkout: `<repo>/../shared/fixtures`, or `$EASGATE_SHARED_DIR/fixtures`, or
 * `$EASGATE_FIXTURES_DIR`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromXmlOptions } from '../../../../codec/xml.js';
import {
  LIBWBXML_BASE64_OPAQUE,
  specNameFromLibwbxml,
  specNamespaceFromLibwbxml,
} from '../../../support/libwbxml-names.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', '..');
export const FIXTURES_DIR =
  process.env.EASGATE_FIXTURES_DIR ??
  (process.env.EASGATE_SHARED_DIR ? join(process.env.EASGATE_SHARED_DIR, 'fixtures') : resolve(REPO_ROOT, '..', 'shared', 'fixtures'));

export interface WbxmlFixture {
  /** Path relative to the fixtures directory. */
  readonly name: string;
  /** The document as decoded (headerless Horde fragments already wrapped). */
  readonly bytes: Uint8Array;
  /** What `wbxml2xml -l ACTIVESYNC -m 1` made of it, if INDEX.md's generator stored it. */
  readonly decodedXml: string | undefined;
}

/**
 * Fixtures whose canonical re-encoding is not byte-identical, and why. Everything else
 * re-encodes to exactly its original bytes.
 */
export const NON_CANONICAL: Readonly<Record<string, string>> = {
  'captured_clients/eas4tbsync_eas14.0/007-GetItemEstimate.req.wbxml':
    'EAS-4-TbSync writes a redundant SWITCH_PAGE `00 06` right before its closing END tokens; we write none',
  'captured_clients/eas4tbsync_eas2.5/006-GetItemEstimate.req.wbxml':
    'EAS-4-TbSync writes a redundant SWITCH_PAGE `00 06` right before its closing END tokens; we write none',
};

const EAS_HEADER = [0x03, 0x01, 0x6a, 0x00];

/**
 * Horde's fixtures are bodies without a header. Those that start with ApplicationData (0x5D) are
 * one element; the others are the children of an ApplicationData, so they are wrapped in one, as
 * the INDEX.md generator did: `03 01 6a 00 [5d] ... [01]`.
 */
export function wrapHordeFragment(fragment: Uint8Array): Uint8Array {
  if (fragment[0] === 0x5d) return Uint8Array.from([...EAS_HEADER, ...fragment]);
  return Uint8Array.from([...EAS_HEADER, 0x5d, ...fragment, 0x01]);
}

export function fixturesAvailable(): boolean {
  return existsSync(join(FIXTURES_DIR, 'INDEX.md'));
}

/** Every WBXML fixture: captured client requests, frankobe's Exchange responses, Horde's fragments. */
export function wbxmlFixtures(): WbxmlFixture[] {
  if (!fixturesAvailable()) {
    throw new Error(`WBXML fixtures not found in ${FIXTURES_DIR}; set EASGATE_SHARED_DIR or EASGATE_FIXTURES_DIR`);
  }
  const out: WbxmlFixture[] = [];
  const add = (name: string, bytes: Uint8Array): void => {
    const xmlPath = join(FIXTURES_DIR, name.replace(/\.wbxml$/, '.decoded.xml'));
    out.push({ name, bytes, decodedXml: existsSync(xmlPath) && xmlPath.endsWith('.decoded.xml') ? readFileSync(xmlPath, 'utf8') : undefined });
  };
  const captured = join(FIXTURES_DIR, 'captured_clients');
  for (const client of readdirSync(captured).sort()) {
    for (const file of readdirSync(join(captured, client)).sort()) {
      if (file.endsWith('.req.wbxml')) add(`captured_clients/${client}/${file}`, readFileSync(join(captured, client, file)));
    }
  }
  for (const file of readdirSync(join(FIXTURES_DIR, 'frankobe_ActiveSyncWBXMLParser')).sort()) {
    if (file.endsWith('.wbxml')) add(`frankobe_ActiveSyncWBXMLParser/${file}`, readFileSync(join(FIXTURES_DIR, 'frankobe_ActiveSyncWBXMLParser', file)));
  }
  for (const file of readdirSync(join(FIXTURES_DIR, 'horde_ActiveSync')).sort()) {
    const full = join(FIXTURES_DIR, 'horde_ActiveSync', file);
    if (file.endsWith('.wbxml')) add(`horde_ActiveSync/${file}`, wrapHordeFragment(readFileSync(full)));
    if (file === 'FolderSyncRequest.txt') add(`horde_ActiveSync/${file}`, readFileSync(full)); // a complete document
  }
  return out;
}

/** XML files with the ActiveSync DOCTYPE, written for libwbxml's xml2wbxml. */
export function activeSyncXmlFixtures(): { name: string; xml: string }[] {
  const out: { name: string; xml: string }[] = [];
  const dirs = ['libwbxml_tests/activesync', 'evolution-activesync/check_tests/TestData/Mocked_Negative_Tests'];
  for (const dir of dirs) {
    const full = join(FIXTURES_DIR, dir);
    if (!existsSync(full)) continue;
    for (const file of readdirSync(full).sort()) {
      if (file.endsWith('.xml')) out.push({ name: `${dir}/${file}`, xml: readFileSync(join(full, file), 'utf8') });
    }
  }
  return out;
}

/** fromXml options for XML written by or for libwbxml: legacy names mapped, its base64 opaque elements. */
export const LIBWBXML_XML: FromXmlOptions = {
  mapName: (ns, tag) => ({ ns: specNamespaceFromLibwbxml(ns), tag: specNameFromLibwbxml(ns, tag) }),
  opaqueElements: [...LIBWBXML_BASE64_OPAQUE].map((name) => name.replace('.', ':')),
};

export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, name));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
