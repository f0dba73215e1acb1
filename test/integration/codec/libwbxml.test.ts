/**
 * Cross-check with libwbxml (Debian libwbxml2-utils 0.11.8), an independent implementation:
 *
 * 1. For every WBXML fixture, our decode and `wbxml2xml -l ACTIVESYNC -m 1` agree.
 * 2. libwbxml decodes what we encode (our re-encoding of every fixture) to the same tree.
 * 3. Generated documents with every tag of code pages 0-24 (libwbxml knows no more): both agree.
 * 4. We decode what `xml2wbxml` encodes, with and without its string table / public id.
 * 5. The known disagreements (tokens only one side knows) are what test/support/libwbxml-names.ts says.
 *
 * libwbxml's XML is read with our fromXml, legacy names mapped to the specification's, and both
 * trees are put in the form libwbxml's XML can express (see `comparable`). Skipped, loudly, only
 * when wbxml2xml is not installed (test-fixtures/run-tests.sh installs it).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CODE_PAGES, decode, encode, fromXml, tokenFor, WbxmlError, type WbxmlElement } from '../../../codec/index.js';
import {
  LIBWBXML_BASE64_OPAQUE,
  LIBWBXML_ONLY_TOKENS,
  LIBWBXML_UNKNOWN_PAGES,
  LIBWBXML_UNKNOWN_TOKENS,
} from '../../support/libwbxml-names.js';
import { activeSyncXmlFixtures, LIBWBXML_XML, wbxmlFixtures } from '../../unit/codec/support/fixtures.js';

const available = spawnSync('wbxml2xml', [], { encoding: 'utf8' }).error === undefined;
const skip = available ? false : 'wbxml2xml is not installed (apt-get install libwbxml2-utils; test-fixtures/run-tests.sh does)';

const work = available ? mkdtempSync(join(tmpdir(), 'easgate-libwbxml-')) : '';
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

let counter = 0;
/** wbxml2xml -l ACTIVESYNC -m 1 on these bytes; its XML. */
function wbxml2xml(bytes: Uint8Array): string {
  const input = join(work, `in-${++counter}.wbxml`);
  const output = join(work, `out-${counter}.xml`);
  writeFileSync(input, bytes);
  execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '1', '-o', output, input], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(output, 'latin1') === '' ? '' : readFileSync(output, 'utf8');
}

/** xml2wbxml on this XML; its bytes. */
function xml2wbxml(xml: string, args: string[]): Buffer {
  const input = join(work, `in-${++counter}.xml`);
  const output = join(work, `out-${counter}.wbxml`);
  writeFileSync(input, xml);
  execFileSync('xml2wbxml', [...args, '-o', output, input], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(output);
}

const BASE64_OPAQUE = new Set([...LIBWBXML_BASE64_OPAQUE].map((n) => n.replace('.', ':')));
const UNKNOWN_TO_LIBWBXML = new Set(LIBWBXML_UNKNOWN_TOKENS.map((t) => `${t.page}:${t.token}`));

/** Does libwbxml print this element of ours as `<unknown>`? */
function libwbxmlUnknown(e: WbxmlElement): boolean {
  const ref = tokenFor(e.ns, e.tag);
  if (ref === undefined) return true;
  return LIBWBXML_UNKNOWN_PAGES.includes(ref.page) || UNKNOWN_TO_LIBWBXML.has(`${ref.page}:${ref.token}`);
}

/**
 * Content as libwbxml's XML can express it: OPAQUE outside its base64 list is written raw, so it is
 * compared as text; CR LF arrives as LF; wbxml2xml trims leading and trailing whitespace; an
 * element whose text is only whitespace (or empty) looks like an empty element.
 */
function content(e: WbxmlElement, fromLibwbxml: boolean): string {
  if (e.children.length > 0) return '<children>';
  if (e.opaque !== undefined) {
    if (fromLibwbxml || BASE64_OPAQUE.has(`${e.ns}:${e.tag}`)) return `opaque:${Buffer.from(e.opaque).toString('base64')}`;
    return `text:${Buffer.from(e.opaque).toString('utf8').replace(/\r\n?/g, '\n').trim()}`;
  }
  return `text:${(e.text ?? '').replace(/\r\n?/g, '\n').trim()}`;
}

/** Where `ours` and `theirs` differ (a path and what), or undefined. */
function difference(ours: WbxmlElement, theirs: WbxmlElement, path = '', insideUnknown = false): string | undefined {
  const here = `${path}/${ours.tag}`;
  const unknown = libwbxmlUnknown(ours);
  if (unknown) {
    if (theirs.tag !== 'unknown') return `${here}: libwbxml should not know it, printed <${theirs.tag}>`;
  } else {
    if (theirs.tag !== ours.tag) return `${here}: libwbxml says <${theirs.ns}:${theirs.tag}>`;
    // Below an <unknown>, libwbxml puts known elements in the namespace it gave the unknown one.
    if (!insideUnknown && theirs.ns !== ours.ns) return `${here}: namespace ${ours.ns} vs libwbxml ${theirs.ns}`;
  }
  const a = content(ours, false);
  const b = content(theirs, true);
  if (a !== b && !(a === 'text:' && b === 'text:')) return `${here}: content ${a.slice(0, 80)} vs libwbxml ${b.slice(0, 80)}`;
  if (ours.children.length !== theirs.children.length) {
    return `${here}: ${ours.children.length} children vs libwbxml ${theirs.children.length}`;
  }
  for (let i = 0; i < ours.children.length; i++) {
    const d = difference(ours.children[i]!, theirs.children[i]!, here, insideUnknown || unknown);
    if (d) return d;
  }
  return undefined;
}

/** libwbxml's view of these bytes, as a tree with spec names. */
function libwbxmlTree(bytes: Uint8Array): WbxmlElement {
  return fromXml(wbxml2xml(bytes), LIBWBXML_XML);
}

describe('libwbxml cross-check', { skip }, () => {
  const fixtures = available ? wbxmlFixtures() : [];

  describe('our decode agrees with wbxml2xml on every fixture', () => {
    for (const fx of fixtures) {
      it(fx.name, () => {
        const d = difference(decode(fx.bytes), libwbxmlTree(fx.bytes));
        assert.equal(d, undefined, d);
      });
    }
  });

  describe('wbxml2xml decodes our encoding of every fixture to the same tree', () => {
    for (const fx of fixtures) {
      it(fx.name, () => {
        const tree = decode(fx.bytes);
        const d = difference(tree, libwbxmlTree(encode(tree)));
        assert.equal(d, undefined, d);
      });
    }
  });

  describe('every tag of code pages 0-24, encoded by us, decoded by both', () => {
    for (const cp of CODE_PAGES.filter((p) => !LIBWBXML_UNKNOWN_PAGES.includes(p.page))) {
      it(`page ${cp.page} ${cp.namespace} (${Object.keys(cp.tags).length} tags)`, () => {
        const names = Object.values(cp.tags);
        const leaves: WbxmlElement[] = names.map((tag, i) => {
          if (BASE64_OPAQUE.has(`${cp.namespace}:${tag}`)) return { ns: cp.namespace, tag, children: [], opaque: Uint8Array.from([0, 1, 0xfe, 0xff, i]) };
          return i % 7 === 6 ? { ns: cp.namespace, tag, children: [] } : { ns: cp.namespace, tag, children: [], text: `${tag} ${i} <&> ü` };
        });
        // Each tag also once with children, so both kinds of start tag are exercised.
        const tree: WbxmlElement = {
          ns: 'AirSync',
          tag: 'Sync',
          children: [
            { ns: cp.namespace, tag: names[0]!, children: leaves },
            ...names.map((tag) => ({ ns: cp.namespace, tag, children: [{ ns: 'AirSync', tag: 'Status', children: [], text: '1' }] })),
          ],
        };
        const bytes = encode(tree);
        const d = difference(decode(bytes), libwbxmlTree(bytes));
        assert.equal(d, undefined, d);
      });
    }
  });

  describe('we decode what xml2wbxml encodes', () => {
    for (const { name, xml } of available ? activeSyncXmlFixtures() : []) {
      for (const args of [['-a', '-n'], []]) {
        it(`${name} (xml2wbxml ${args.join(' ') || 'with string table and public id'})`, () => {
          const expected = fromXml(xml, LIBWBXML_XML);
          const d = difference(decode(xml2wbxml(xml, args)), expected);
          assert.equal(d, undefined, d);
        });
      }
    }
  });

  it('the comparison notices a renamed tag, a changed text and a missing child', () => {
    const fx = fixtures.find((f) => f.name.endsWith('004-Settings.req.wbxml'))!;
    const theirs = libwbxmlTree(fx.bytes);
    const ours = decode(fx.bytes);
    assert.equal(difference(ours, theirs), undefined);
    const leaf = (e: WbxmlElement): WbxmlElement => (e.children.length > 0 ? leaf(e.children[0]!) : e);
    const renamed = decode(fx.bytes);
    const first = leaf(renamed) as { ns: string; tag: string };
    first.tag = Object.values(CODE_PAGES.find((p) => p.namespace === first.ns)!.tags).find((t) => t !== first.tag)!;
    assert.match(difference(renamed, theirs) ?? '', /libwbxml says/);
    const changed = decode(fx.bytes);
    leaf(changed).text = 'different';
    assert.match(difference(changed, theirs) ?? '', /content/);
    const fewer = decode(fx.bytes);
    fewer.children.pop();
    assert.match(difference(fewer, theirs) ?? '', /children/);
  });

  describe('the known disagreements are as documented', () => {
    it('tokens only libwbxml names: it prints the name, we call them unknown', () => {
      for (const t of LIBWBXML_ONLY_TOKENS) {
        const bytes = Uint8Array.from([0x03, 0x01, 0x6a, 0x00, 0x00, t.page, 0x40 | t.token, 0x03, 0x78, 0x00, 0x01]);
        assert.match(wbxml2xml(bytes), new RegExp(`<${t.libwbxmlName}[ >]`), `${t.namespace} 0x${t.token.toString(16)}`);
        assert.throws(() => decode(bytes), (e: unknown) => e instanceof WbxmlError && e.reason === 'unknown-token');
        assert.equal(decode(bytes, { unknownTags: 'keep' }).tag, `Unknown_0x${t.token.toString(16).toUpperCase().padStart(2, '0')}`);
      }
    });

    it('tokens only we know: libwbxml prints <unknown>', () => {
      for (const t of LIBWBXML_UNKNOWN_TOKENS) {
        const tag = CODE_PAGES[t.page]!.tags[t.token]!;
        const bytes = encode({ ns: t.namespace, tag, children: [], text: 'x' });
        assert.match(wbxml2xml(bytes), /<unknown/, `${t.namespace}:${tag}`);
      }
    });
  });
});
