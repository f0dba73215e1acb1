/**
 * Remembers logins IMAP accepted, so a phone's every request does not cost an IMAP
 * LOGIN. Keyed by HMAC-SHA256 over login and password with a random key made when the
 * cache is (once per process): the password is never stored, and the key cannot be
 * brute-forced offline from a memory dump without the HMAC key next to it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { VerifiedIdentity } from '../../ports/credential-verifier.js';

export interface CredentialCacheOptions {
  /** 0 turns the cache off. */
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export class CredentialCache {
  readonly #hmacKey = randomBytes(32);
  readonly #entries: LRUCache<string, VerifiedIdentity> | undefined;

  constructor(opts: CredentialCacheOptions) {
    this.#entries = opts.ttlMs > 0 ? new LRUCache({ max: opts.maxEntries, ttl: opts.ttlMs, ttlAutopurge: false }) : undefined;
  }

  /** The cache key for this pair; also used to coalesce concurrent verifications. */
  keyFor(login: string, password: string): string {
    return createHmac('sha256', this.#hmacKey).update(login).update('\0').update(password).digest('base64url');
  }

  get(key: string): VerifiedIdentity | undefined {
    return this.#entries?.get(key);
  }

  set(key: string, identity: VerifiedIdentity): void {
    this.#entries?.set(key, identity);
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }
}
