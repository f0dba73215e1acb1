import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declareUtf8, decodeEntities, htmlToText, previewOf, textToHtml, truncateUtf8, unflow } from '../../../../gateway/convert/email/text.js';

describe('HTML to text', () => {
  it('keeps block structure, drops head/script/style/comments, decodes entities', () => {
    const html = `<html><head><title>T</title><style>p{}</style></head><body><!-- hidden --><h1>Title</h1>
      <p>Hello&nbsp;<b>World</b> &amp; &quot;you&quot; &#8364; &#x1F600;</p><div>a<br>b</div>
      <ul><li>one</li><li>two</li></ul><table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>
      <pre>  keep
  this</pre><script>var x = "<p>no</p>";</script>end</body></html>`;
    assert.equal(
      htmlToText(html),
      ['Title', '', 'Hello World & "you" € 😀', '', 'a', 'b', '', '- one', '- two', '', '1\t2', '3', '', '  keep', '  this', '', 'end'].join('\r\n'),
    );
  });

  it('copes with unclosed tags and attributes containing ">"', () => {
    assert.equal(htmlToText('<p title="a>b">x</p><p>y'), 'x\r\n\r\ny');
    assert.equal(htmlToText('text <b'), 'text <b');
  });

  it('decodes named, numeric and accented entities, leaves unknown ones', () => {
    assert.equal(decodeEntities('&auml;&Ouml;&eacute;&ccedil;&copy;&unknown;&#0;'), 'äÖéç©&unknown;\ufffd');
  });
});

describe('text to HTML and charset declarations', () => {
  it('escapes and keeps line breaks', () => {
    assert.equal(textToHtml('a < b & "c"\r\nd'), '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>a &lt; b &amp; &quot;c&quot;<br>\r\nd</body></html>');
  });

  it('rewrites meta charsets to utf-8', () => {
    assert.equal(declareUtf8('<meta charset="iso-8859-1"><META http-equiv="Content-Type" content="text/html; charset=windows-1252">'),
      '<meta charset="utf-8"><META http-equiv="Content-Type" content="text/html; charset=utf-8">');
  });
});

describe('format=flowed', () => {
  it('joins soft-broken lines per quote depth, undoes stuffing, keeps the signature separator', () => {
    assert.equal(unflow('Hello \r\nworld\r\n> quoted \r\n> more\r\n>> deep \r\n> other\r\n From stuffed\r\n-- \r\nsig', false),
      ['Hello world', '> quoted more', '>> deep ', '> other', 'From stuffed', '-- ', 'sig'].join('\r\n'));
    assert.equal(unflow('Hel \r\nlo', true), 'Hello');
  });
});

describe('truncation', () => {
  it('cuts on a UTF-8 character boundary, and exactly at a boundary when it falls on one', () => {
    const s = 'AB日本語';
    assert.deepEqual(truncateUtf8(s, 11), { text: 'AB日本語', truncated: false });
    assert.deepEqual(truncateUtf8(s, 10), { text: 'AB日本', truncated: true });
    assert.deepEqual(truncateUtf8(s, 8), { text: 'AB日本', truncated: true });
    assert.deepEqual(truncateUtf8('😀x', 3), { text: '', truncated: true });
  });

  it('in HTML, never inside a tag or an entity', () => {
    assert.equal(truncateUtf8('<p>ab<img src="x.png">cd', 12, true).text, '<p>ab');
    assert.equal(truncateUtf8('<p>a &amp; b', 8, true).text, '<p>a ');
    assert.equal(truncateUtf8('<p>a &amp; b', 10, true).text, '<p>a &amp;');
  });

  it('previews fold white space and count characters', () => {
    assert.equal(previewOf(' a\r\n\r\n  b\tc ', 255), 'a b c');
    assert.equal(previewOf('😀😀😀', 2), '😀😀');
  });
});
