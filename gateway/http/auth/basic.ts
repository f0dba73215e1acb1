/** HTTP Basic credentials (RFC 7617). The password never leaves this pair. */
import { AuthenticationError } from '../../errors.js';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** undefined when the header is absent; throws AuthenticationError when it is not usable Basic. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Basic[ \t]+([A-Za-z0-9+/=._~-]+)[ \t]*$/i.exec(header.trim());
  if (!match?.[1]) throw new AuthenticationError('malformed-credentials', 'Authorization is not HTTP Basic');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new AuthenticationError('malformed-credentials', 'Basic credentials without a user name');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
