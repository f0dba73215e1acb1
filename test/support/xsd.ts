/**
 * Validates EAS responses against Microsoft's XSDs (OfficeDev/Interop-TestSuites, MIT) in
 * `<shared>/fixtures/Interop-TestSuites_xsd/`, with `xmllint --schema` (Debian libxml2-utils,
 * installed by test-fixtures/install-deps.sh).
 *
 * The XSDs as published do not compile under libxml2 on their own: each file refers to other
 * namespaces through `xmlns:prefix` declarations only (no xs:import), and one namespace is split
 * over several files (FolderHierarchy.xsd declares ServerId, FolderSyncResponse.xsd refers to it).
 * So once per process a patched copy is written to a temporary directory (the fixtures are never
 * touched):
 *   - every file gets an `<xs:import namespace="N" schemaLocation="ns-N.xsd"/>` for each namespace
 *     it declares a prefix for;
 *   - `ns-N.xsd` is a wrapper with targetNamespace N that xs:includes every file of namespace N.
 * A document is validated against the wrapper of its root's namespace; the root element must be
 * the one the named response schema declares (FolderSyncResponse -> FolderHierarchy:FolderSync).
 *
 * Namespace URIs are the MS-ASWBXML names without the trailing colon ("AirSync", not "AirSync:"),
 * which is exactly what the codec's tree carries, so the tree is serialized as is (own serializer:
 * one element per line, so xmllint's line numbers point at an element path). Opaque content is
 * written as base64 (the XSDs type it as xs:string).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, type WbxmlElement } from '../../codec/index.js';
import { FIXTURES_DIR } from './fixtures.js';

export const XSD_DIR = join(FIXTURES_DIR, 'Interop-TestSuites_xsd');

/** Root element (namespace and tag) of each response schema. */
export const RESPONSE_ROOTS = {
  FolderSyncResponse: { ns: 'FolderHierarchy', tag: 'FolderSync' },
  FolderCreateResponse: { ns: 'FolderHierarchy', tag: 'FolderCreate' },
  FolderUpdateResponse: { ns: 'FolderHierarchy', tag: 'FolderUpdate' },
  FolderDeleteResponse: { ns: 'FolderHierarchy', tag: 'FolderDelete' },
  GetHierarchyResponse: { ns: 'FolderHierarchy', tag: 'Folders' },
  ProvisionResponse: { ns: 'Provision', tag: 'Provision' },
  SettingsResponse: { ns: 'Settings', tag: 'Settings' },
  SyncResponse: { ns: 'AirSync', tag: 'Sync' },
  GetItemEstimateResponse: { ns: 'GetItemEstimate', tag: 'GetItemEstimate' },
  PingResponse: { ns: 'Ping', tag: 'Ping' },
  MoveItemsResponse: { ns: 'Move', tag: 'MoveItems' },
  ItemOperationsResponse: { ns: 'ItemOperations', tag: 'ItemOperations' },
  MeetingResponseResponse: { ns: 'MeetingResponse', tag: 'MeetingResponse' },
  ResolveRecipientsResponse: { ns: 'ResolveRecipients', tag: 'ResolveRecipients' },
  SearchResponse: { ns: 'Search', tag: 'Search' },
  FindResponse: { ns: 'Find', tag: 'Find' },
  SendMailResponse: { ns: 'ComposeMail', tag: 'SendMail' },
  SmartReplyResponse: { ns: 'ComposeMail', tag: 'SmartReply' },
  SmartForwardResponse: { ns: 'ComposeMail', tag: 'SmartForward' },
  ValidateCertResponse: { ns: 'ValidateCert', tag: 'ValidateCert' },
} as const satisfies Record<string, { ns: string; tag: string }>;

export type EasSchemaName = keyof typeof RESPONSE_ROOTS;

export interface XsdResult {
  readonly valid: boolean;
  /** xmllint's messages, each prefixed with the element path it points at; or a root mismatch. */
  readonly errors: string[];
  /** The XML that was validated (one element per line). */
  readonly xml: string;
}

/**
 * Validates a response tree (or WBXML bytes, decoded with the project's codec) against the named
 * response schema. Throws when xmllint is missing or the schema set does not compile: those are
 * broken test environments, not invalid documents.
 */
export function validateEasResponse(root: WbxmlElement | Uint8Array, schemaName: EasSchemaName): XsdResult {
  const tree = root instanceof Uint8Array ? decode(root) : root;
  const expected = RESPONSE_ROOTS[schemaName];
  if (!expected) throw new Error(`unknown schema ${String(schemaName)}; known: ${Object.keys(RESPONSE_ROOTS).join(', ')}`);
  const { xml, paths } = easTreeToXml(tree);
  if (tree.ns !== expected.ns || tree.tag !== expected.tag) {
    return { valid: false, errors: [`root element is ${tree.ns}:${tree.tag}, ${schemaName} expects ${expected.ns}:${expected.tag}`], xml };
  }
  const schema = join(preparedSchemaDir(), wrapperName(expected.ns));
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run xmllint (${run.error.message}); run: bash test-fixtures/install-deps.sh (libxml2-utils)`);
  // xmllint exit codes: 0 valid, 3 validation error, 1/4 parse errors, 5 schema does not compile.
  if (run.status === 0) return { valid: true, errors: [], xml };
  if (run.status === 5) throw new Error(`XSD set for ${schemaName} does not compile:\n${run.stderr}`);
  const errors = withoutRelativeUriWarnings(run.stderr.split('\n'))
    .filter((line) => line.trim() !== '' && !/^- (fails to validate|validates)$/.test(line))
    .map((line) => {
      const m = /^-:(\d+): (.*)$/.exec(line);
      if (!m) return line;
      const path = paths[Number(m[1]) - 1];
      return `${path ?? `line ${m[1]}`}: ${m[2]!.replace(/^element \S+: Schemas validity error : /, '')}`;
    });
  if (errors.length === 0) errors.push(`xmllint exited with status ${run.status}`);
  return { valid: false, errors, xml };
}

/**
 * The tree as XML with the XSDs' namespace URIs (MS-ASWBXML names without a colon): a default
 * namespace declaration on the root and on every element whose namespace differs from its parent's.
 * One element per line; `paths[i]` is the element path of line i+1 (line 1 is the XML declaration).
 */
export function easTreeToXml(root: WbxmlElement): { xml: string; paths: string[] } {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const paths: string[] = ['(declaration)'];
  const walk = (e: WbxmlElement, parentNs: string | undefined, path: string, depth: number): void => {
    const indent = '  '.repeat(depth);
    const decl = e.ns !== parentNs ? ` xmlns="${escapeXml(e.ns)}"` : '';
    let content: string | undefined;
    if (e.opaque) content = Buffer.from(e.opaque).toString('base64');
    else if (e.text !== undefined) content = e.text;
    else if (e.opaqueSource) throw new Error(`${path}: lazy opaque content cannot be validated; encode and decode the response first`);
    if (e.children.length === 0) {
      lines.push(content === undefined || content === '' ? `${indent}<${e.tag}${decl}/>` : `${indent}<${e.tag}${decl}>${escapeXml(content)}</${e.tag}>`);
      paths.push(path);
      return;
    }
    lines.push(`${indent}<${e.tag}${decl}>`);
    paths.push(path);
    const seen = new Map<string, number>();
    const totals = new Map<string, number>();
    for (const c of e.children) totals.set(c.tag, (totals.get(c.tag) ?? 0) + 1);
    for (const c of e.children) {
      const n = (seen.get(c.tag) ?? 0) + 1;
      seen.set(c.tag, n);
      walk(c, e.ns, `${path}/${c.tag}${(totals.get(c.tag) ?? 0) > 1 ? `[${n}]` : ''}`, depth + 1);
    }
    lines.push(`${indent}</${e.tag}>`);
    paths.push(`${path} (end)`);
  };
  walk(root, undefined, root.tag, 0);
  return { xml: `${lines.join('\n')}\n`, paths };
}

/**
 * libxml2 warns that the EAS namespace names are not absolute URIs, once per schema file and once
 * for the document, each warning followed by the source line and a caret line: noise, dropped.
 */
function withoutRelativeUriWarnings(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/namespace warning : xmlns: URI \S+ is not absolute/.test(lines[i]!)) i += 2;
    else out.push(lines[i]!);
  }
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const wrapperName = (ns: string): string => `ns-${ns}.xsd`;

let prepared: string | undefined;

/** The patched schema set (see the file comment), written once per process. */
export function preparedSchemaDir(): string {
  if (prepared) return prepared;
  if (!existsSync(XSD_DIR)) throw new Error(`no XSDs at ${XSD_DIR}; set EASGATE_FIXTURES_DIR to the shared fixtures directory`);
  const dir = mkdtempSync(join(tmpdir(), 'easgate-xsd-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const byNamespace = new Map<string, string[]>();
  for (const file of readdirSync(XSD_DIR).filter((f) => f.endsWith('.xsd')).sort()) {
    const text = readFileSync(join(XSD_DIR, file), 'utf8').replace(/^\uFEFF/, '');
    const open = /<xs:schema\b[^>]*>/.exec(text);
    const tns = open ? /\btargetNamespace\s*=\s*"([^"]*)"/.exec(open[0])?.[1] : undefined;
    // Only the EAS namespaces (bare names); the Autodiscover schemas (http:// namespaces) are left out.
    if (!open || !tns || !/^[A-Za-z0-9]+$/.test(tns)) continue;
    const imports = new Set<string>();
    for (const m of open[0].matchAll(/\bxmlns:([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) {
      const uri = m[2]!;
      if (m[1] === 'xs' || uri === tns || !/^[A-Za-z0-9]+$/.test(uri)) continue;
      imports.add(uri);
    }
    const importLines = [...imports].sort().map((uri) => `\n  <xs:import namespace="${uri}" schemaLocation="${wrapperName(uri)}"/>`).join('');
    const at = open.index + open[0].length;
    writeFileSync(join(dir, file), text.slice(0, at) + importLines + text.slice(at));
    byNamespace.set(tns, [...(byNamespace.get(tns) ?? []), file]);
  }
  for (const [ns, files] of byNamespace) {
    const includes = files.map((f) => `  <xs:include schemaLocation="${f}"/>`).join('\n');
    writeFileSync(
      join(dir, wrapperName(ns)),
      `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${ns}" elementFormDefault="qualified">\n${includes}\n</xs:schema>\n`,
    );
  }
  // Referenced namespaces with no schema file would make every import fail: write empty ones.
  for (const file of readdirSync(dir)) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/schemaLocation="(ns-([^"]+)\.xsd)"/g)) {
      if (!existsSync(join(dir, m[1]!))) {
        writeFileSync(join(dir, m[1]!), `<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${m[2]}"/>\n`);
      }
    }
  }
  prepared = dir;
  return dir;
}
