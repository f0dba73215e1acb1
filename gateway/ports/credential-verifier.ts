/**
 * Checks a login and password against the backend that owns the mailbox.
 * Implementations throw BackendUnavailableError (gateway/errors.ts) when the backend
 * cannot answer, so "wrong password" and "server down" never look alike.
 */
export interface CredentialVerifier {
  /** The identity the backend accepted, or undefined for wrong credentials. */
  verify(login: string, password: string, signal?: AbortSignal): Promise<VerifiedIdentity | undefined>;
}

export interface VerifiedIdentity {
  /** The login as the backend knows it. */
  readonly login: string;
  /** Primary address: the login when it is an address. */
  readonly email: string;
}
