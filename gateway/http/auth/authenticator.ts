/**
 * Turns an Authorization header into an AuthenticatedUser: Basic parsing, login
 * normalization, the verified-credential cache, the failure budget and the backend
 * verifier, in that order. One instance per app; nothing here is module-level.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendCredentials } from '../../ports/credentials.js';
import type { CredentialVerifier, VerifiedIdentity } from '../../ports/credential-verifier.js';
import { makeAuthenticatedUser, type AuthenticatedUser } from '../../ports/identity.js';
import { AuthenticationError } from '../../errors.js';
import { parseBasicAuthorization } from './basic.js';
import { CredentialCache } from './credential-cache.js';
import { FailureBudget } from './failure-budget.js';
import { normalizeLogin } from './login-name.js';

export interface AuthenticatorOptions {
  readonly verifier: CredentialVerifier;
  readonly defaultDomain?: string;
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
  readonly failureBudget: number;
  readonly failureWindowMs: number;
  readonly failureDelayMs: number;
  readonly failureMaxDelayMs: number;
  /** Injected by tests to observe or skip the slow-down. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

export interface AuthenticationOutcome {
  readonly user: AuthenticatedUser;
  /** Served from the cache, without asking the backend. */
  readonly cached: boolean;
}

export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  readonly #cache: CredentialCache;
  readonly #budget: FailureBudget;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Phones fire Ping and Sync together: one backend login serves both. */
  readonly #inFlight = new Map<string, Promise<VerifiedIdentity | undefined>>();

  constructor(opts: AuthenticatorOptions) {
    this.#opts = opts;
    this.#cache = new CredentialCache({ ttlMs: opts.cacheTtlMs, maxEntries: opts.cacheMaxEntries });
    this.#budget = new FailureBudget({
      budget: opts.failureBudget,
      windowMs: opts.failureWindowMs,
      delayMs: opts.failureDelayMs,
      maxDelayMs: opts.failureMaxDelayMs,
      ...(opts.now ? { now: opts.now } : {}),
    });
    this.#sleep = opts.sleep ?? ((ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined));
  }

  /**
   * Throws AuthenticationError (401) for missing or wrong credentials and lets the
   * verifier's BackendUnavailableError (503) through untouched.
   */
  async authenticate(authorization: string | undefined, clientIp: string, signal?: AbortSignal): Promise<AuthenticationOutcome> {
    const basic = parseBasicAuthorization(authorization);
    if (!basic) throw new AuthenticationError('missing-credentials', 'no credentials sent');
    const login = normalizeLogin(basic.username, this.#opts.defaultDomain);
    if (!login) throw new AuthenticationError('malformed-credentials', 'the user name is not a usable login');
    const password = basic.password;
    const key = this.#cache.keyFor(login, password);

    const hit = this.#cache.get(key);
    if (hit) return { user: this.toUser(hit, login, password), cached: true };

    const delay = this.#budget.delayFor(login, clientIp);
    if (delay > 0) await this.#sleep(delay, signal);

    const identity = await this.verifyOnce(key, login, password);
    if (!identity) {
      this.#budget.recordFailure(login, clientIp);
      throw new AuthenticationError('wrong-credentials', `credentials for ${login} were refused`, login);
    }
    this.#budget.recordSuccess(login);
    this.#cache.set(key, identity);
    return { user: this.toUser(identity, login, password), cached: false };
  }

  /** No abort signal: a shared login must not die with the first request that asked for it; the verifier's own timeouts bound it. */
  private verifyOnce(key: string, login: string, password: string): Promise<VerifiedIdentity | undefined> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const started = this.#opts.verifier.verify(login, password).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  private toUser(identity: VerifiedIdentity, login: string, password: string): AuthenticatedUser {
    return makeAuthenticatedUser(identity.login, identity.email, new BackendCredentials(login, password));
  }
}
