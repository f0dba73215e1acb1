/**
 * The FETCH tokenizer against imapflow's parser, line for line: whatever it accepts must come out
 * exactly as imapflow makes it (the consumers read both), and whatever it is unsure of it must
 * refuse (undefined), leaving the line to imapflow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import parser from 'imapflow/lib/handler/imap-parser.js';
import { tokenizeFetch } from '../../../../../gateway/adapters/imap/fetch-tokenizer.js';

/**
 * A response as imapflow's stream hands it over: the lines joined, each literal's bytes cut out
 * into `literals` after its `{N}\r\n` marker. Literals are written as «text» here.
 */
const MARK = Buffer.byteLength('«');

function streamItem(text: string | Buffer): { payload: Buffer; literals: Buffer[] } {
  const raw = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const literals: Buffer[] = [];
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const open = raw.indexOf('«', at);
    if (open < 0) break;
    const close = raw.indexOf('»', open);
    const body = raw.subarray(open + MARK, close);
    parts.push(raw.subarray(at, open), Buffer.from(`{${body.length}}\r\n`));
    literals.push(Buffer.from(body));
    at = close + MARK;
  }
  parts.push(raw.subarray(at));
  return { payload: Buffer.concat(parts), literals };
}

async function imapflowList(item: { payload: Buffer; literals: Buffer[] }): Promise<unknown> {
  const parsed = (await parser(item.payload, { literals: [...item.literals] })) as { command: string; attributes: unknown[] };
  return { seq: parsed.command, list: parsed.attributes[1] };
}

async function assertSame(text: string | Buffer): Promise<void> {
  const item = streamItem(text);
  const ours = tokenizeFetch(item.payload, item.literals);
  assert.ok(ours, `refused: ${item.payload.toString('latin1').slice(0, 200)}`);
  assert.deepStrictEqual({ seq: ours.seq, list: ours.list }, await imapflowList(item));
}

describe('fetch tokenizer', () => {
  it('reads a Dovecot view row as imapflow does: atoms, NIL, quoted UTF-8, sections, literals, multipart BODYSTRUCTURE', async () => {
    await assertSame(
      '* 12 FETCH (UID 345 FLAGS (\\Seen $Forwarded \\*) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 MODSEQ (12345) ' +
        'ENVELOPE ("Wed, 17 Jul 1996" "a \\"q\\" b \\\\ ü" (("Näme" NIL "x" "y.z")) NIL NIL ((NIL NIL "group" NIL)(NIL NIL NIL NIL)) "" NIL NIL "<id@x>") ' +
        'BODY[HEADER.FIELDS (IMPORTANCE X-PRIORITY)] «Importance: high\r\n\r\n» PREVIEW «Grüße aus Köln» ' +
        'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 40 2 NIL NIL NIL NIL) "alternative" ("boundary" "x") NIL NIL NIL))',
    );
  });

  it('reads partial body sections, empty literals, literal8 and mixed-case NIL/FETCH', async () => {
    await assertSame('* 3 FETCH (UID 9 BODY[1]<0> «<p>hi</p>» BODY[2.1]<0> «» BODY[] NIL BODY[TEXT]<10> "x")');
    await assertSame('* 3 fetch (UID 9 BODY[1] nil FLAGS ())');
    await assertSame('* 7 FETCH (UID 1 BINARY[1] ~«bin\u0000ary» BINARY.PEEK[2]<0> «x»)');
  });

  it('reads nested message/rfc822 structures and RFC 2231 parameters as given', async () => {
    await assertSame(
      '* 1 FETCH (UID 2 BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1 NIL NIL NIL NIL)' +
        '("message" "rfc822" NIL NIL NIL "7bit" 400 ("Mon, 1 Jan 2024" "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" NIL NIL NIL "7bit" 10 1 NIL NIL NIL NIL) 20 NIL NIL NIL NIL)' +
        '("application" "pdf" ("name*0*" "utf-8\'\'%C3%BC" "name*1" ".pdf") NIL NIL "base64" 100 NIL ("attachment" ("filename" "x.pdf")) NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL))',
    );
  });

  it('reads a quoted string with invalid UTF-8 the way imapflow decodes the whole line', async () => {
    await assertSame(Buffer.concat([Buffer.from('* 5 FETCH (UID 1 ENVELOPE (NIL "a'), Buffer.from([0xc3]), Buffer.from('" NIL NIL NIL NIL NIL NIL NIL NIL))')]));
    await assertSame(Buffer.concat([Buffer.from('* 5 FETCH (UID 1 X "'), Buffer.from([0xe2, 0x82]), Buffer.from('z" Y "'), Buffer.from([0xff]), Buffer.from('")')]));
  });

  it('refuses what it leaves to imapflow, and other responses', () => {
    const refused = [
      '* 5 EXISTS',
      '* OK [HIGHESTMODSEQ 5] x',
      'A1 OK done',
      '* 5 FETCH UID 1',
      '* 5 FETCH (UID 1',
      '* 5 FETCH (UID 1))',
      '* 5 FETCH (UID 1 X "a""b")',
      '* 5 FETCH (UID 1 X "a\r\nb")',
      '* 5 FETCH (UID 1 BODY[1]<0.> "x")',
      '* 5 FETCH (UID 1 BODY[1]<01> "x")',
      // imapflow reads these its own ways: a key it takes no section after, a sequence set,
      // flags written without a space between them, a wildcard.
      '* 5 FETCH (UID 1 BINARY.SIZE[2] 77)',
      '* 5 FETCH (UID 1 FLAGS (1:5))',
      '* 5 FETCH (UID 1 FLAGS (\\Seen\\Flagged))',
      '* 5 FETCH (UID 1 FLAGS (a*))',
      `* 5 FETCH (UID 1 X ${'('.repeat(60)}${')'.repeat(60)})`,
    ];
    for (const line of refused) assert.equal(tokenizeFetch(Buffer.from(line), []), undefined, line);
    assert.equal(tokenizeFetch(Buffer.concat([Buffer.from('* 5 FETCH (UID 1 FLAGS (k'), Buffer.from([0xe9]), Buffer.from('))')]), []), undefined, '8-bit atom');
    assert.equal(tokenizeFetch(Buffer.from('* 5 FETCH (UID 1 X {3}\r\n)'), [Buffer.from('ab')]), undefined, 'literal shorter than its marker');
    assert.equal(tokenizeFetch(Buffer.from('* 5 FETCH (UID 1 X {2}\r\n)'), []), undefined, 'literal missing');
    assert.equal(tokenizeFetch(Buffer.from('* 5 FETCH (UID 1)'), [Buffer.from('ab')]), undefined, 'literal left over');
  });

  it('matches imapflow on 3,000 generated rows', async () => {
    let seed = 0x5eed;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const words = ['a', 'Hello', 'Grüße', '日本語', 'x y', '', 'quote"d', 'back\\slash', '=?utf-8?B?w7w=?=', 'tab\there', '(paren)', '[b]', '{3}', 'NIL', '*', '%'];
    const str = (): string => {
      const w = pick(words);
      return rnd(5) === 0 ? `«${w}»` : `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    };
    const nstr = (): string => (rnd(4) === 0 ? pick(['NIL', 'nil', 'Nil']) : str());
    const addr = (): string => `(${nstr()} NIL ${nstr()} ${nstr()})`;
    const addrs = (): string => (rnd(3) === 0 ? 'NIL' : `(${Array.from({ length: 1 + rnd(3) }, addr).join('')})`);
    const part = (depth: number): string => {
      if (depth < 3 && rnd(3) === 0) return `(${Array.from({ length: 1 + rnd(3) }, () => part(depth + 1)).join('')} ${str()} (${str()} ${str()}) NIL NIL NIL)`;
      return `(${str()} ${str()} (${str()} ${str()}) ${nstr()} ${nstr()} ${str()} ${rnd(9999)} ${rnd(99)} NIL ${rnd(2) ? `(${str()} (${str()} ${str()}))` : 'NIL'} NIL NIL)`;
    };
    const items = [
      () => `UID ${1 + rnd(1_000_000)}`,
      () => `FLAGS (${Array.from({ length: rnd(4) }, () => pick(['\\Seen', '\\Answered', '\\Flagged', '$Forwarded', '$label1', 'Junk', 'a:b', '1,a', '\\*'])).join(' ')})`,
      () => `INTERNALDATE "0${1 + rnd(9)}-Feb-2026 09:00:05 +0000"`,
      () => `RFC822.SIZE ${rnd(100000)}`,
      () => `MODSEQ (${1 + rnd(1e9)})`,
      () => `ENVELOPE (${nstr()} ${nstr()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${nstr()} ${nstr()})`,
      () => `BODYSTRUCTURE ${part(0)}`,
      () => `BODY[${pick(['1', '1.2', 'TEXT', 'HEADER', ''])}]${rnd(2) ? `<${rnd(3) ? 0 : rnd(500)}>` : ''} ${nstr()}`,
      () => `BODY[HEADER.FIELDS (${pick(['IMPORTANCE', 'X-PRIORITY REFERENCES', 'IN-REPLY-TO'])})] ${str()}`,
      () => `PREVIEW ${nstr()}`,
    ];
    for (let i = 0; i < 3000; i++) {
      const chosen = Array.from({ length: 1 + rnd(6) }, () => pick(items)());
      await assertSame(`* ${1 + rnd(99999)} FETCH (${chosen.join(' ')})`);
    }
  });
});
