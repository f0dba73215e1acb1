import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmlError, type XmlErrorReason } from '../../../codec/errors.js';
import { el, treesEqual, type WbxmlElement } from '../../../codec/tree.js';
import { fromXml, LOG_REDACTIONS, toXml, type FromXmlOptions } from '../../../codec/xml.js';

const AS = 'AirSync';
const ASB = 'AirSyncBase';

function xmlFails(xml: string, reason: XmlErrorReason, options?: FromXmlOptions): void {
  assert.throws(
    () => fromXml(xml, options),
    (e: unknown) => e instanceof XmlError && e.reason === reason,
  );
}

const roundTrips = (tree: WbxmlElement) => assert.ok(treesEqual(fromXml(toXml(tree)), tree), toXml(tree));

describe('toXml', () => {
  it('writes MS-ASCMD style: default namespace on the root, prefixes for the others, indented', () => {
    const tree = el(AS, 'Sync', [
      el(AS, 'Collections', [
        el(AS, 'Collection', [
          el(AS, 'SyncKey', '1'),
          el(AS, 'GetChanges'),
          el(AS, 'Options', [el(ASB, 'BodyPreference', [el(ASB, 'Type', '2')])]),
        ]),
      ]),
    ]);
    assert.equal(
      toXml(tree),
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Sync xmlns="AirSync:" xmlns:airsyncbase="AirSyncBase:">',
        '  <Collections>',
        '    <Collection>',
        '      <SyncKey>1</SyncKey>',
        '      <GetChanges/>',
        '      <Options>',
        '        <airsyncbase:BodyPreference>',
        '          <airsyncbase:Type>2</airsyncbase:Type>',
        '        </airsyncbase:BodyPreference>',
        '      </Options>',
        '    </Collection>',
        '  </Collections>',
        '</Sync>',
        '',
      ].join('\n'),
    );
    roundTrips(tree);
  });

  it("indent '' and declaration false give one line", () => {
    assert.equal(
      toXml(el(AS, 'Sync', [el(AS, 'SyncKey', '1')]), { indent: '', declaration: false }),
      '<Sync xmlns="AirSync:"><SyncKey>1</SyncKey></Sync>',
    );
  });

  it('escapes markup characters and keeps CR, whitespace and non-ASCII text exact', () => {
    for (const text of ['a < b && c > d', ']]>', 'line1\r\nline2\r', '  padded  ', '\ttab', 'Grüße 😀', '"quotes" \'']) {
      roundTrips(el(AS, 'Sync', [el(AS, 'SyncKey', text)]));
    }
    assert.match(toXml(el(AS, 'SyncKey', 'a<&>\r')), /<SyncKey xmlns="AirSync:">a&lt;&amp;&gt;&#13;<\/SyncKey>/);
  });

  it('marks opaque content and writes it as base64', () => {
    const tree = el('ComposeMail', 'SendMail', [el('ComposeMail', 'Mime', Uint8Array.from([0, 1, 2, 250, 255]))]);
    const xml = toXml(tree);
    assert.match(xml, /xmlns:wbxml="urn:x-easgate:wbxml"/);
    assert.match(xml, /<Mime wbxml:opaque="base64">AAEC\+v8=<\/Mime>/);
    roundTrips(tree);
    roundTrips(el('ComposeMail', 'Mime', new Uint8Array(0)));
  });

  it('keeps the empty string apart from no content', () => {
    const tree = el(AS, 'Sync', [el(AS, 'SyncKey', ''), el(AS, 'GetChanges')]);
    assert.match(toXml(tree), /<SyncKey wbxml:text="empty"\/>\n\s*<GetChanges\/>/);
    roundTrips(tree);
  });

  it('writes text XML cannot carry (control characters, lone surrogates) as marked base64', () => {
    for (const text of ['bell\u0007', 'esc \u001b[0m', 'nul-free \u000b\u000c', 'lone \ud800 high']) {
      const tree = el(AS, 'Sync', [el(AS, 'SyncKey', text)]);
      assert.match(toXml(tree), /wbxml:text="base64"/);
      const back = fromXml(toXml(tree));
      // A lone surrogate has no UTF-8 form: it comes back as U+FFFD, as it would through WBXML.
      assert.equal(back.children[0]!.text, text.replace(/[\ud800-\udfff]/g, '\ufffd'));
    }
  });

  it('handles deep trees without recursion', () => {
    let tree = el(AS, 'SyncKey', 'x');
    for (let i = 0; i < 3000; i++) tree = el(AS, 'Collection', [tree]);
    assert.ok(treesEqual(fromXml(toXml(tree, { indent: '' })), tree));
  });

  it('describes an opaque source instead of reading it', () => {
    const xml = toXml(el('ComposeMail', 'Mime', { length: 5_000_000, stream: async function* () {} }));
    assert.match(xml, /<Mime xmlns="ComposeMail:" xmlns:wbxml="urn:x-easgate:wbxml" wbxml:opaque="stream">\[opaque stream 5000000 bytes\]<\/Mime>/);
    xmlFails(xml, 'redacted');
  });
});

describe('toXml: redaction', () => {
  const tree = el('Search', 'Search', [
    el('Search', 'Store', [el('Search', 'Password', 'hunter2ü'), el('ItemOperations', 'Password', 'x')]),
    el(ASB, 'Body', [el(ASB, 'Type', '1'), el(ASB, 'Data', 'secret body')]),
    el('ComposeMail', 'Mime', new Uint8Array(1234)),
  ]);

  it('replaces the text of listed tags (bare or qualified) and all opaque content', () => {
    const xml = toXml(tree, { redact: { tags: ['Password', 'AirSyncBase:Data'] } });
    assert.match(xml, /<Password wbxml:text="redacted">\[redacted 9 bytes\]<\/Password>/);
    assert.match(xml, /<itemoperations:Password wbxml:text="redacted">\[redacted 1 bytes\]/);
    assert.match(xml, /<airsyncbase:Data wbxml:text="redacted">\[redacted 11 bytes\]/);
    assert.match(xml, /<composemail:Mime wbxml:opaque="redacted">\[redacted 1234 bytes\]/);
    assert.match(xml, /<airsyncbase:Type>1</);
    assert.doesNotMatch(xml, /hunter2|secret/);
  });

  it('qualified names only match their namespace; opaque: false keeps opaque data', () => {
    const xml = toXml(tree, { redact: { tags: ['ItemOperations:Password'], opaque: false } });
    assert.match(xml, /hunter2/);
    assert.match(xml, /itemoperations:Password wbxml:text="redacted"/);
    assert.match(xml, /wbxml:opaque="base64"/);
  });

  it('redact: true uses LOG_REDACTIONS', () => {
    assert.ok([...LOG_REDACTIONS.tags].includes('Password'));
    const xml = toXml(tree, { redact: true });
    assert.doesNotMatch(xml, /hunter2|secret|AAAA/);
  });

  it('redacted XML cannot be read back as if it were the original', () => {
    xmlFails(toXml(tree, { redact: true }), 'redacted');
  });
});

describe('fromXml', () => {
  it('reads libwbxml style: DOCTYPE, a default namespace per element', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">
<Sync xmlns="AirSync:">
<Collections>
<Collection>
<Options>
<BodyPreference xmlns="AirSyncBase:">
<Type>2</Type>
</BodyPreference>
<MIMESupport>1</MIMESupport>
</Options>
</Collection>
</Collections>
</Sync>`;
    assert.ok(treesEqual(fromXml(xml), el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [
      el(AS, 'Options', [el(ASB, 'BodyPreference', [el(ASB, 'Type', '2')]), el(AS, 'MIMESupport', '1')]),
    ])])])));
  });

  it('accepts namespaces without the trailing colon, and none with defaultNamespace', () => {
    assert.ok(treesEqual(fromXml('<Sync xmlns="AirSync"><SyncKey>1</SyncKey></Sync>'), el(AS, 'Sync', [el(AS, 'SyncKey', '1')])));
    xmlFails('<FolderSync><SyncKey>0</SyncKey></FolderSync>', 'namespace');
    const tree = fromXml('<FolderSync><SyncKey>0</SyncKey></FolderSync>', { defaultNamespace: 'FolderHierarchy' });
    assert.ok(treesEqual(tree, el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')])));
  });

  it('reads CDATA, ignores comments and processing instructions', () => {
    const tree = fromXml('<Sync xmlns="AirSync:"><!-- c --><SyncKey><![CDATA[a<b]]>c</SyncKey><?pi x?></Sync>');
    assert.ok(treesEqual(tree, el(AS, 'Sync', [el(AS, 'SyncKey', 'a<bc')])));
  });

  it('mapName renames, opaqueElements reads unmarked base64 (with line breaks) as opaque', () => {
    const xml = '<SendMail xmlns="ComposeMail:"><MIME>\n  AAEC\n  +v8=\n</MIME><Recurrence_Type>1</Recurrence_Type></SendMail>';
    const tree = fromXml(xml, {
      mapName: (ns, tag) => ({ ns, tag: tag === 'MIME' ? 'Mime' : tag.replace('Recurrence_', '') }),
      opaqueElements: ['ComposeMail:Mime'],
    });
    assert.deepEqual([...tree.children[0]!.opaque!], [0, 1, 2, 250, 255]);
    assert.equal(tree.children[1]!.tag, 'Type');
  });

  it('rejects malformed XML, stray attributes, mixed content, bad base64, unknown markers', () => {
    xmlFails('<Sync xmlns="AirSync:"><SyncKey>1</Sync>', 'xml');
    xmlFails('', 'xml');
    xmlFails('not xml at all', 'xml');
    xmlFails('<Sync xmlns="AirSync:" id="1"/>', 'attribute');
    xmlFails('<Sync xmlns="AirSync:">text<SyncKey>1</SyncKey></Sync>', 'mixed-content');
    xmlFails('<Mime xmlns="ComposeMail:" xmlns:wbxml="urn:x-easgate:wbxml" wbxml:opaque="base64">!!</Mime>', 'base64');
    xmlFails('<Mime xmlns="ComposeMail:" xmlns:wbxml="urn:x-easgate:wbxml" wbxml:opaque="hex">00</Mime>', 'attribute');
    xmlFails('<Mime xmlns="ComposeMail:" xmlns:wbxml="urn:x-easgate:wbxml" wbxml:opaque="base64"><a/></Mime>', 'mixed-content');
    xmlFails('<wbxml:Mime xmlns:wbxml="urn:x-easgate:wbxml"/>', 'namespace');
  });

  it('does not expand entities declared in an internal DTD subset', () => {
    const xml = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><Sync xmlns="AirSync:"><SyncKey>&a;</SyncKey></Sync>';
    let text: string | undefined;
    try {
      text = fromXml(xml).children[0]?.text;
    } catch (e) {
      assert.ok(e instanceof XmlError);
      return;
    }
    assert.notEqual(text, 'aaaaaaaaaa');
  });
});
