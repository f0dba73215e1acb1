/**
 * test/support/xsd.ts: real Exchange responses validate against Microsoft's XSDs, broken ones do
 * not, and the messages say which element is wrong.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode, el, fromXml, type WbxmlElement } from '../../../codec/index.js';
import { FIXTURES_DIR } from '../../support/fixtures.js';
import { specNameFromLibwbxml, specNamespaceFromLibwbxml } from '../../support/libwbxml-names.js';
import { easTreeToXml, RESPONSE_ROOTS, validateEasResponse, type EasSchemaName } from '../../support/xsd.js';

const FRANKOBE = join(FIXTURES_DIR, 'frankobe_ActiveSyncWBXMLParser');
const exchangeResponses = readdirSync(FRANKOBE)
  .filter((f) => /^response-\d+\.wbxml$/.test(f))
  .sort()
  .map((file) => ({ file, bytes: readFileSync(join(FRANKOBE, file)) }));

function schemaFor(root: WbxmlElement): EasSchemaName {
  const hit = Object.entries(RESPONSE_ROOTS).find(([, r]) => r.ns === root.ns && r.tag === root.tag);
  assert.ok(hit, `no response schema for ${root.ns}:${root.tag}`);
  return hit[0] as EasSchemaName;
}

/** A real Exchange FolderSync response with 32 folders. */
const folderSync = (): WbxmlElement => decode(readFileSync(join(FRANKOBE, 'response-1858.wbxml')));

/** libwbxml's test XML ("Settings:" namespaces, legacy tag names) as a tree with the specification's names. */
const libwbxmlTree = (name: string): WbxmlElement =>
  fromXml(readFileSync(join(FIXTURES_DIR, 'libwbxml_tests/activesync', name), 'utf8'), {
    mapName: (ns, tag) => {
      const spec = specNamespaceFromLibwbxml(ns.replace(/:$/, ''));
      return { ns: spec, tag: specNameFromLibwbxml(spec, tag) };
    },
  });

describe('validateEasResponse', () => {
  it('finds the 14 real Exchange responses (FolderSync, Provision, Sync)', () => {
    const kinds = exchangeResponses.map(({ bytes }) => schemaFor(decode(bytes)));
    assert.equal(kinds.length, 14);
    assert.equal(kinds.filter((k) => k === 'FolderSyncResponse').length, 4);
    assert.equal(kinds.filter((k) => k === 'ProvisionResponse').length, 3);
    assert.equal(kinds.filter((k) => k === 'SyncResponse').length, 7);
  });

  for (const { file, bytes } of exchangeResponses) {
    it(`real Exchange ${file} is valid (given as bytes)`, () => {
      const schema = schemaFor(decode(bytes));
      const result = validateEasResponse(bytes, schema);
      assert.deepEqual(result.errors, [], `${file} against ${schema}:\n${result.xml}`);
      assert.equal(result.valid, true);
    });
  }

  it('a Settings response (Status, DeviceInformation/Status) is valid', () => {
    const root = el('Settings', 'Settings', [el('Settings', 'Status', '1'), el('Settings', 'DeviceInformation', [el('Settings', 'Status', '1')])]);
    assert.deepEqual(validateEasResponse(root, 'SettingsResponse'), { valid: true, errors: [], xml: easTreeToXml(root).xml });
  });

  it('the Provision response with Settings:DeviceInformation from libwbxml (a real Exchange one, legacy names mapped) is valid', () => {
    const result = validateEasResponse(libwbxmlTree('activesync-012-provision-eas.xml'), 'ProvisionResponse');
    assert.deepEqual(result.errors, []);
  });

  it('FolderSync without the required Status: invalid, naming the element and what was expected', () => {
    const root = folderSync();
    assert.equal(root.children[0]!.tag, 'Status');
    root.children.shift();
    const result = validateEasResponse(root, 'FolderSyncResponse');
    assert.equal(result.valid, false);
    assert.equal(result.errors.length, 1, result.errors.join('\n'));
    assert.equal(
      result.errors[0],
      "FolderSync/SyncKey: Element '{FolderHierarchy}SyncKey': This element is not expected. Expected is ( {FolderHierarchy}Status ).",
    );
  });

  it('a FolderSync Add without DisplayName: invalid, with the path of the Add', () => {
    const root = folderSync();
    const changes = root.children.find((c) => c.tag === 'Changes')!;
    const third = changes.children.filter((c) => c.tag === 'Add')[2]!;
    third.children.splice(third.children.findIndex((c) => c.tag === 'DisplayName'), 1);
    const result = validateEasResponse(root, 'FolderSyncResponse');
    assert.equal(result.valid, false);
    assert.match(result.errors.join('\n'), /^FolderSync\/Changes\/Add\[3\]\/Type: Element '\{FolderHierarchy\}Type': This element is not expected\. Expected is \( \{FolderHierarchy\}DisplayName \)\.$/m);
  });

  it('a Status that is not a number: invalid', () => {
    const root = el('FolderHierarchy', 'FolderCreate', [el('FolderHierarchy', 'Status', 'ok')]);
    const result = validateEasResponse(root, 'FolderCreateResponse');
    assert.equal(result.valid, false);
    assert.match(result.errors[0]!, /^FolderCreate\/Status: .*'ok' is not a valid value of the atomic type 'xs:integer'/);
  });

  it('Settings DeviceInformation/Set/Status (as in a libwbxml test document): invalid, Status belongs directly under DeviceInformation', () => {
    const result = validateEasResponse(libwbxmlTree('activesync-005-settings_status.xml'), 'SettingsResponse');
    assert.equal(result.valid, false);
    assert.match(result.errors.join('\n'), /^Settings\/DeviceInformation\/Set: Element '\{Settings\}Set': This element is not expected/m);
  });

  it('the wrong root for the schema: invalid without running xmllint', () => {
    const result = validateEasResponse(folderSync(), 'ProvisionResponse');
    assert.deepEqual(result.errors, ['root element is FolderHierarchy:FolderSync, ProvisionResponse expects Provision:Provision']);
  });

  it('every response schema compiles', () => {
    for (const [name, root] of Object.entries(RESPONSE_ROOTS)) {
      // An empty root element is invalid for most schemas; what matters is that xmllint ran (no throw).
      const result = validateEasResponse(el(root.ns, root.tag), name as EasSchemaName);
      assert.equal(typeof result.valid, 'boolean', name);
    }
  });
});

describe('easTreeToXml', () => {
  it('declares the namespace without a colon on the root and on each change of namespace; opaque as base64; text escaped', () => {
    const root = el('Provision', 'Provision', [
      el('Settings', 'DeviceInformation', [el('Settings', 'Status', '1')]),
      el('Provision', 'Status', 'a<b&c'),
      el('Provision', 'Data', new Uint8Array([0, 1, 2, 255])),
    ]);
    const { xml, paths } = easTreeToXml(root);
    assert.equal(
      xml,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Provision xmlns="Provision">',
        '  <DeviceInformation xmlns="Settings">',
        '    <Status>1</Status>',
        '  </DeviceInformation>',
        '  <Status>a&lt;b&amp;c</Status>',
        '  <Data>AAEC/w==</Data>',
        '</Provision>',
        '',
      ].join('\n'),
    );
    assert.deepEqual(paths.slice(1, 5), ['Provision', 'Provision/DeviceInformation', 'Provision/DeviceInformation/Status', 'Provision/DeviceInformation (end)']);
  });
});
