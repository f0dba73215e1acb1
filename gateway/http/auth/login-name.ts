/**
 * The login forms phones send, and what we log in to the backend with:
 *
 *   "alice@example.com"   stays as it is;
 *   "alice"               becomes "alice@<auth.defaultDomain>" when that is set, else stays "alice";
 *   "EXAMPLE\alice"       the Windows domain is dropped (it names an AD domain, not a mail
 *                         domain), then the rule for a bare user applies.
 *
 * Case is kept: whether logins are case-sensitive is the backend's business.
 */
export function normalizeLogin(raw: string, defaultDomain?: string): string | undefined {
  let login = raw.trim();
  const backslash = login.lastIndexOf('\\');
  if (backslash >= 0) login = login.slice(backslash + 1);
  if (login === '' || /\s/.test(login)) return undefined;
  if (login.includes('@')) {
    const at = login.lastIndexOf('@');
    return at > 0 && at < login.length - 1 ? login : undefined;
  }
  return defaultDomain ? `${login}@${defaultDomain}` : login;
}
