import type { BackendCredentials } from './credentials.js';

/**
 * Who is calling. `credentials` is defined non-enumerable (see makeAuthenticatedUser),
 * so spreading, serializing or logging the user never carries it along.
 */
export interface AuthenticatedUser {
  /** The normalized login the backend accepted (e.g. "alice@example.com"). */
  readonly login: string;
  /** The user's primary address. */
  readonly email: string;
  /** Opaque: only a port factory turns it into a backend session. */
  readonly credentials: BackendCredentials;
}

export function makeAuthenticatedUser(login: string, email: string, credentials: BackendCredentials): AuthenticatedUser {
  const user = { login, email } as AuthenticatedUser;
  Object.defineProperty(user, 'credentials', { value: credentials, enumerable: false, writable: false });
  return Object.freeze(user);
}
