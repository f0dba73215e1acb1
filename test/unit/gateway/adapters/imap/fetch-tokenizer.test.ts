/**
 * The FETCH tokenizer against imapflow's parser, line for line: whatever it accepts must come out
 * exactly as imapflow makes it (the consumers read both), and whatever it is unsure of it must
 * refuse (undefined), leaving the line to imapflow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import parser from 'imapflow/lib/handler/imap-parser.js';
import { tokenizeFetch } from '../../../../../gateway/adapters/imap/fetch-tokenizer.js';
import { generatedFetchLines, streamItem } from '../../../../support/fetch-lines.js';

/**
 * A response as imapflow's stream hands it over: the lines joined, each literal's bytes cut out
 * into `literals` after its `{N}\r\n` marker. Literals are written as «text» here.
 */
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
    for (const line of generatedFetchLines(3000, 0x5eed)) await assertSame(line);
  });
});
