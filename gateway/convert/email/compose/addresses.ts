/**
 * The addresses of an address-list header value (RFC 5322 3.4), for the SMTP envelope: mailboxes
 * as "addr", "Name <addr>" or '"Quoted, Name" <addr>', groups ("team: a@x, b@y;") flattened,
 * comments dropped. Display names are not needed here, so they are not decoded.
 */
export function listAddresses(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let angle: string | undefined;
  let inAngle = false;
  let quoted = false;
  let comment = 0;
  const flush = (): void => {
    const candidate = (angle ?? current).trim();
    if (/^[^@\s]+@[^@\s]+$/.test(candidate)) out.push(candidate);
    current = '';
    angle = undefined;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (comment > 0) {
      if (c === '\\') i++;
      else if (c === '(') comment++;
      else if (c === ')') comment--;
      continue;
    }
    if (inAngle) {
      if (c === '>') inAngle = false;
      else angle += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') comment = 1;
    else if (c === '<') {
      inAngle = true;
      angle = '';
    } else if (c === ',' || c === ';') flush();
    // "group-name:" opens a group; what came before it was a display name.
    else if (c === ':') current = '';
    else current += c;
  }
  flush();
  return out;
}
