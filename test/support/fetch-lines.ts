/**
 * Untagged FETCH lines for parser tests: the stream item imapflow's reader hands over (the line
 * with each literal cut out), and a deterministic generator of varied rows (envelopes with odd
 * strings, groups and NILs; nested structures with RFC 2231 and encoded parameters, message/rfc822
 * parts, dispositions; body sections, literals).
 */

const MARK = Buffer.byteLength('«');

/**
 * A response as imapflow's stream hands it over: the lines joined, each literal's bytes cut out
 * into `literals` after its `{N}\r\n` marker. Literals are written as «text» here.
 */
export function streamItem(text: string | Buffer): { payload: Buffer; literals: Buffer[] } {
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

/** `count` FETCH lines (with «literals»), the same for the same seed. */
export function generatedFetchLines(count: number, seed: number): string[] {
  let state = seed;
  const rnd = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const words = ['a', 'Hello', 'Grüße', '日本語', 'x y', '', 'quote"d', 'back\\slash', '=?utf-8?B?w7w=?=', '=?iso-8859-1?q?J=F6rg?= =?iso-8859-1?q?_M=FCller?=', '"Quoted Name"', 'tab\there', '(paren)', '[b]', '{3}', 'NIL', '*', '%'];
  const quoted = (w: string): string => `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const str = (): string => {
    const w = pick(words);
    return rnd(5) === 0 ? `«${w}»` : quoted(w);
  };
  const nstr = (): string => (rnd(4) === 0 ? pick(['NIL', 'nil', 'Nil']) : str());
  const addr = (): string => (rnd(8) === 0 ? `(NIL NIL ${pick(['"undisclosed-recipients"', 'NIL'])} NIL)` : `(${nstr()} NIL ${nstr()} ${nstr()})`);
  const addrs = (): string => (rnd(3) === 0 ? 'NIL' : `(${Array.from({ length: 1 + rnd(3) }, addr).join('')})`);
  const envelope = (): string => `(${pick(['"Tue, 3 Feb 2026 10:00:00 +0100"', '"not a date"', 'NIL', '""'])} ${nstr()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${addrs()} ${nstr()} ${pick([' <a@b> ', '<id@x>', 'NIL'].map((v) => (v === 'NIL' ? v : quoted(v))))})`;
  const param = (): string =>
    pick([
      () => `${str()} ${str()}`,
      () => `"charset" ${pick(['"utf-8"', '"ISO-8859-1"', 'NIL'])}`,
      () => `"name*0*" "utf-8''%C3%BCber" "name*1" "${pick(['.pdf', ' x'])}"`,
      () => `"filename*" "utf-8''%E2%82%AC%20rates.xlsx"`,
      () => `"filename" "${pick(["utf-8''abc.txt", "it's.txt", 'plain.txt'])}"`,
      () => `"NAME" "=?utf-8?B?w7w=?=.txt"`,
      () => `"__proto__" "x"`,
    ])();
  const params = (): string => (rnd(5) === 0 ? 'NIL' : `(${Array.from({ length: 1 + rnd(3) }, param).join(' ')})`);
  const disposition = (): string => pick(['NIL', `(${pick(['"attachment"', '"INLINE"'])} ${params()})`, '("attachment" NIL)']);
  const extension = (): string => `${pick(['NIL', '"d41d8cd98f00B204"'])} ${disposition()} ${pick(['NIL', '"EN"', '("en" "DE")'])} ${pick(['NIL', '"http://x/y"'])}`;
  const part = (depth: number): string => {
    const kind = depth < 3 ? rnd(6) : 5;
    if (kind === 0) return `(${Array.from({ length: 1 + rnd(3) }, () => part(depth + 1)).join('')} ${pick(['"mixed"', '"ALTERNATIVE"', '"related"'])} ${params()} ${disposition()} NIL NIL)`;
    if (kind === 1) return `("message" "rfc822" ${params()} NIL NIL "7bit" ${rnd(9999)} ${envelope()} ${part(depth + 1)} ${rnd(99)} ${extension()})`;
    if (kind === 2) return `("text" "plain" ${params()} NIL NIL "7bit" ${rnd(999)} ${disposition()} NIL NIL NIL)`; // no line count: 11 items
    const type = pick(['"text" "html"', '"TEXT" "Plain"', '"application" "pdf"', '"image" "png"']);
    const lines = type.toLowerCase().startsWith('"text"') ? ` ${rnd(99)}` : '';
    return `(${type} ${params()} ${nstr()} ${nstr()} ${pick(['"BASE64"', '"quoted-printable"', '"7bit"', 'NIL'])} ${rnd(99999)}${lines}${rnd(3) ? ` ${extension()}` : ''})`;
  };
  const items = [
    () => `UID ${1 + rnd(1_000_000)}`,
    () => `FLAGS (${Array.from({ length: rnd(4) }, () => pick(['\\Seen', '\\Answered', '\\Flagged', '$Forwarded', '$label1', 'Junk', 'a:b', '\\*'])).join(' ')})`,
    () => `INTERNALDATE "0${1 + rnd(9)}-Feb-2026 09:00:05 +0000"`,
    () => `RFC822.SIZE ${rnd(100000)}`,
    () => `MODSEQ (${1 + rnd(1e9)})`,
    () => `ENVELOPE ${envelope()}`,
    () => `BODYSTRUCTURE ${part(0)}`,
    () => `BODY[${pick(['1', '1.2', 'TEXT', 'HEADER', ''])}]${rnd(2) ? `<${rnd(3) ? 0 : rnd(500)}>` : ''} ${nstr()}`,
    () => `BODY[HEADER.FIELDS (${pick(['IMPORTANCE', 'X-PRIORITY REFERENCES', 'IN-REPLY-TO'])})] ${str()}`,
    () => `PREVIEW ${nstr()}`,
  ];
  return Array.from({ length: count }, () => `* ${1 + rnd(99999)} FETCH (${Array.from({ length: 1 + rnd(6) }, () => pick(items)()).join(' ')})`);
}
