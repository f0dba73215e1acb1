/**
 * Golden round trips over every third-party WBXML fixture (shared/fixtures/INDEX.md):
 * decode succeeds; re-encoding gives the original bytes (or, for the fixtures in NON_CANONICAL,
 * the minimal form of the same tree); the XML form round-trips.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, encodedLength, fromXml, toXml, treesEqual, type WbxmlElement } from '../../../codec/index.js';
import { activeSyncXmlFixtures, hex, LIBWBXML_XML, NON_CANONICAL, readFixture, wbxmlFixtures } from './support/fixtures.js';

const fixtures = wbxmlFixtures();
const BASE64_OPAQUE = new Set(LIBWBXML_XML.opaqueElements);

describe('fixtures: WBXML round trip', () => {
  it('found the fixtures', () => {
    assert.ok(fixtures.length >= 60, `only ${fixtures.length} fixtures`);
  });

  for (const fx of fixtures) {
    it(fx.name, () => {
      const tree = decode(fx.bytes);
      const again = encode(tree);
      assert.equal(encodedLength(tree), again.length);
      const why = NON_CANONICAL[fx.name];
      if (why === undefined) {
        assert.equal(hex(again), hex(fx.bytes), 're-encoding is byte-identical');
      } else {
        assert.notEqual(hex(again), hex(fx.bytes), `listed as non-canonical (${why}) but re-encodes identically`);
        assert.ok(again.length < fx.bytes.length, 'the canonical form is shorter');
        assert.ok(treesEqual(decode(again), tree), 'decode(encode(decode(x))) equals decode(x)');
        assert.equal(hex(encode(decode(again))), hex(again), 'the canonical form is a fixed point');
      }
    });
  }

  it('the trailing-SWITCH_PAGE quirk is what makes EAS-4-TbSync requests non-canonical', () => {
    for (const name of Object.keys(NON_CANONICAL)) {
      const original = fixtures.find((f) => f.name === name)!.bytes;
      const canonical = encode(decode(original));
      // The original is the canonical form with `00 06` inserted before the closing ENDs.
      const tail = hex(original).slice(-12);
      assert.match(tail, /0006(01)+$/, `${name} ends with ${tail}`);
      assert.equal(hex(original).replace(/0006((01)+)$/, '$1'), hex(canonical));
    }
  });
});

describe('fixtures: XML round trip', () => {
  for (const fx of fixtures) {
    it(fx.name, () => {
      const tree = decode(fx.bytes);
      assert.ok(treesEqual(fromXml(toXml(tree)), tree), 'indented');
      assert.ok(treesEqual(fromXml(toXml(tree, { indent: '', declaration: false })), tree), 'compact');
    });
  }
});

describe('fixtures: XML written by and for libwbxml', () => {
  for (const fx of fixtures.filter((f) => f.decodedXml !== undefined && !f.name.includes('016-Find'))) {
    it(`${fx.name}.decoded.xml reads back to our tree`, () => {
      const tree = decode(fx.bytes);
      const theirs = fromXml(fx.decodedXml!, LIBWBXML_XML);
      assert.ok(treesEqual(comparable(theirs), comparable(tree)), toXml(theirs));
    });
  }

  for (const { name, xml } of activeSyncXmlFixtures()) {
    it(`${name} encodes, and decodes back to the same tree`, () => {
      const tree = fromXml(xml, LIBWBXML_XML);
      assert.ok(treesEqual(decode(encode(tree)), tree));
    });
  }

  it("frankobe's namespace-less output.xml is the 32-folder FolderSync response", () => {
    const tree = fromXml(readFixture('frankobe_ActiveSyncWBXMLParser/output.xml').toString('utf8'), { defaultNamespace: 'FolderHierarchy' });
    assert.ok(treesEqual(tree, decode(readFixture('frankobe_ActiveSyncWBXMLParser/response-1858.wbxml'))));
  });

  it("frankobe's request.xml (namespaces without the colon) encodes", () => {
    const tree = fromXml(readFixture('frankobe_ActiveSyncWBXMLParser/request.xml').toString('utf8'));
    assert.equal(tree.ns, 'AirSync');
    assert.ok(treesEqual(decode(encode(tree)), tree));
  });
});

/**
 * A copy in the form libwbxml's XML can express: OPAQUE outside libwbxml's base64 list becomes
 * text (it writes those bytes raw); CR LF becomes LF (it writes CR raw, which XML parsers
 * normalise away); text is trimmed (wbxml2xml drops leading and trailing whitespace).
 */
function comparable(e: WbxmlElement): WbxmlElement {
  const copy: WbxmlElement = { ns: e.ns, tag: e.tag, children: e.children.map(comparable) };
  const text = e.opaque !== undefined && !BASE64_OPAQUE.has(`${e.ns}:${e.tag}`) ? Buffer.from(e.opaque).toString('utf8') : e.text;
  if (text !== undefined) {
    const normalised = text.replace(/\r\n?/g, '\n').trim();
    if (normalised !== '') copy.text = normalised;
  } else if (e.opaque !== undefined) {
    copy.opaque = e.opaque;
  }
  return copy;
}
