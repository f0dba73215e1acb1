import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { decodeCharset, decodeHeaderWords, decodeParameter, transferDecode, utf8Boundary } from '../../../../gateway/convert/email/decode.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const isPrefix = (part: Uint8Array, whole: Uint8Array): boolean => Buffer.from(whole).subarray(0, part.length).equals(Buffer.from(part));

describe('transfer decoding', () => {
  const payload = Buffer.from('Grüße – 日本語 😀 '.repeat(20), 'utf8');

  it('base64 cut at any byte decodes to a prefix of the whole', () => {
    const encoded = bytes(payload.toString('base64').replace(/.{76}/g, '$&\r\n'));
    const whole = transferDecode(encoded, 'base64', false);
    assert.ok(Buffer.from(whole).equals(payload));
    for (let cut = 0; cut <= encoded.length; cut++) {
      const part = transferDecode(encoded.subarray(0, cut), 'base64', true);
      assert.ok(isPrefix(part, whole), `cut at ${cut}`);
      assert.ok(whole.length - part.length <= 3 + Math.ceil(((encoded.length - cut) * 3) / 4), `cut at ${cut} keeps all complete groups`);
    }
  });

  it('quoted-printable cut at any byte decodes to a prefix of the whole (soft breaks, =XX escapes)', () => {
    const qp = bytes('Gr=C3=BC=C3=9Fe, a long line that is wrapped with a soft line=\r\n break and an =3D sign=\r\n=E2=80=93 end\r\n');
    const whole = transferDecode(qp, 'quoted-printable', false);
    assert.equal(Buffer.from(whole).toString('utf8'), 'Grüße, a long line that is wrapped with a soft line break and an = sign– end\r\n');
    for (let cut = 0; cut <= qp.length; cut++) assert.ok(isPrefix(transferDecode(qp.subarray(0, cut), 'quoted-printable', true), whole), `cut at ${cut}`);
  });

  it('keeps a stray "=" and passes 7bit/8bit/binary through', () => {
    assert.equal(Buffer.from(transferDecode(bytes('a=zz b'), 'quoted-printable', false)).toString('latin1'), 'a=zz b');
    assert.deepEqual(transferDecode(bytes('x\u00ff'), '8bit', true), bytes('x\u00ff'));
  });
});

describe('charset decoding', () => {
  const cases: Array<[string, string]> = [
    ['windows-1252', '“quotes” – € …'],
    ['koi8-r', 'Привет, мир'],
    ['shift_jis', 'こんにちは世界'],
    ['gbk', '你好，世界'],
    ['big5', '你好'],
    ['euc-kr', '안녕하세요'],
    ['iso-8859-7', 'Καλημέρα'],
  ];
  for (const [charset, text] of cases) {
    it(charset, () => assert.equal(decodeCharset(new Uint8Array(iconv.encode(text, charset)), charset), text));
  }

  it('reads ISO-8859-1 and US-ASCII labels as Windows-1252 (smart quotes in 0x80-0x9F)', () => {
    assert.equal(decodeCharset(bytes('\x93hi\x94 \x80 \xe9'), 'ISO-8859-1'), '“hi” € é');
    assert.equal(decodeCharset(bytes('\x93'), '"us-ascii"'), '“');
  });

  it('decodes GB2312-labelled GBK text and ISO-2022-JP', () => {
    assert.equal(decodeCharset(new Uint8Array(iconv.encode('镕', 'gbk')), 'gb2312'), '镕');
    assert.equal(decodeCharset(bytes('\x1b$B$3$s$K$A$O\x1b(B'), 'ISO-2022-JP'), 'こんにちは');
  });

  it('guesses UTF-8, else Windows-1252, for an unknown label', () => {
    assert.equal(decodeCharset(new Uint8Array(Buffer.from('ü€', 'utf8')), 'x-unknown'), 'ü€');
    assert.equal(decodeCharset(bytes('\xfc'), 'x-unknown'), 'ü');
  });

  it('drops a multibyte sequence cut at the end of a truncated part', () => {
    const utf8 = new Uint8Array(Buffer.from('aé日', 'utf8'));
    assert.equal(decodeCharset(utf8.subarray(0, 5), 'utf-8', true), 'aé');
    assert.equal(decodeCharset(utf8.subarray(0, 5), 'utf-8', false), 'aé\ufffd');
    const sjis = new Uint8Array(iconv.encode('日本', 'shift_jis'));
    assert.equal(decodeCharset(sjis.subarray(0, 3), 'shift_jis', true), '日');
  });

  it('utf8Boundary never splits a sequence', () => {
    const b = new Uint8Array(Buffer.from('a😀é', 'utf8'));
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => utf8Boundary(b, n)), [0, 1, 1, 1, 1, 5, 5, 7, 7]);
  });
});

describe('header words and parameters', () => {
  it('RFC 2047 words, including ones split over two words', () => {
    assert.equal(decodeHeaderWords('=?iso-8859-1?Q?f=FCr?= you'), 'für you');
    assert.equal(decodeHeaderWords('=?utf-8?B?w7w=?= =?utf-8?B?w7w=?='), 'üü');
    assert.equal(decodeHeaderWords('plain'), 'plain');
  });

  it('RFC 2231 values and encoded-word file names', () => {
    assert.equal(decodeParameter("utf-8''%E2%82%AC%20rates.pdf"), '€ rates.pdf');
    assert.equal(decodeParameter("iso-8859-1'de'K%F6ln.txt"), 'Köln.txt');
    assert.equal(decodeParameter('=?utf-8?Q?R=C3=A9sum=C3=A9.pdf?='), 'Résumé.pdf');
    assert.equal(decodeParameter("it's.txt"), "it's.txt");
  });
});
