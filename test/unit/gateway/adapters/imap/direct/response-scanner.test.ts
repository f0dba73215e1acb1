/**
 * The response scanner cut at every offset: the same lines, the same literal bytes to the sink
 * that asked for them, other literals skipped, however the bytes arrive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LINE_BYTES, ResponseScanner } from '../../../../../../gateway/adapters/imap/direct/response-scanner.js';

const wire = Buffer.from(
  '* OK [UIDVALIDITY 42] ok\r\n* 1 FETCH (BODY[1] {5}\r\nskip!)\r\n* 2 FETCH (UID 7 BODY[2] {12}\r\nline1\r\nline2 ) UID 7)\r\n* 3 FETCH (BODY[2] {0}\r\n)\r\nD3 OK done\r\n',
  'latin1',
);

function scan(pieces: Buffer[]): { lines: string[]; literal: string; prefixes: string[] } {
  const lines: string[] = [];
  const prefixes: string[] = [];
  let literal = '';
  const scanner = new ResponseScanner({
    line: (text) => lines.push(text),
    literal: (prefix) => {
      prefixes.push(prefix);
      return prefix.includes('UID 7') ? { write: (b, s, e) => (literal += Buffer.from(b.subarray(s, e)).toString('latin1')), end: () => (literal += '|') } : undefined;
    },
  });
  for (const p of pieces) scanner.feed(p, 0, p.length);
  return { lines, literal, prefixes };
}

describe('ResponseScanner', () => {
  const whole = scan([wire]);

  it('reads lines, hands one literal to its sink and skips the others', () => {
    assert.deepEqual(whole.lines, ['* OK [UIDVALIDITY 42] ok', '* 1 FETCH (BODY[1] {5})', '* 2 FETCH (UID 7 BODY[2] {12} ) UID 7)', '* 3 FETCH (BODY[2] {0})', 'D3 OK done']);
    assert.equal(whole.literal, 'line1\r\nline2|');
    assert.deepEqual(whole.prefixes, ['* 1 FETCH (BODY[1] {5}', '* 2 FETCH (UID 7 BODY[2] {12}', '* 3 FETCH (BODY[2] {0}']);
  });

  it('gives the same result cut at any two offsets, within a larger reused buffer', () => {
    for (let a = 0; a <= wire.length; a++) {
      for (let b = a; b <= wire.length; b += 7) {
        assert.deepEqual(scan([wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)]), whole, `cut at ${a}, ${b}`);
      }
    }
  });

  it('refuses a line longer than MAX_LINE_BYTES', () => {
    const scanner = new ResponseScanner({ line: () => undefined, literal: () => undefined });
    assert.throws(() => scanner.feed(Buffer.alloc(MAX_LINE_BYTES + 1, 0x41), 0, MAX_LINE_BYTES + 1), /longer than/);
  });
});
