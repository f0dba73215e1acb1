import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * The secret a backend adapter needs to act as the user. The password sits in a
 * private field: JSON.stringify, util.inspect, pino and object spread cannot reach it.
 * Only an adapter that is handed the object calls withSecret().
 */
export class BackendCredentials {
  readonly #login: string;
  readonly #secret: string;

  constructor(login: string, secret: string) {
    this.#login = login;
    this.#secret = secret;
  }

  get login(): string {
    return this.#login;
  }

  /** Lends the secret to fn; keeping it beyond the call is the caller's sin. */
  withSecret<T>(fn: (login: string, secret: string) => T): T {
    return fn(this.#login, this.#secret);
  }

  toJSON(): { login: string; secret: string } {
    return { login: this.#login, secret: REDACTED };
  }

  toString(): string {
    return `BackendCredentials(${this.#login})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
