import { z } from 'zod';

/**
 * The one configuration schema. Every key has a default that works against the
 * loopback services of test-fixtures/backing, except where an operator must decide.
 * Environment variables override the file: EASGATE_<SECTION>_<KEY> in SCREAMING_SNAKE
 * (e.g. EASGATE_IMAP_PORT, EASGATE_AUTH_CACHE_TTL_SECONDS); see load.ts.
 */
const port = z.coerce.number().int().min(1).max(65535);
/** 0 asks the OS for a free port (tests). */
const listenPort = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: listenPort.default(8080),
    /** Request bodies above this are refused with 413 before they are read in full. */
    maxBodyBytes: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
    /** Trust X-Forwarded-For for the client address (behind a reverse proxy). */
    trustProxy: bool.default(false),
  }).prefault({}),
  imap: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(143),
    /** Implicit TLS (993). */
    secure: bool.default(false),
    /** Reject self-signed certificates; turn off only for a lab server. */
    rejectUnauthorized: bool.default(true),
    connectTimeoutMs: z.coerce.number().int().min(100).default(10_000),
    /** Also list other users' and shared folders (RFC 2342 namespaces); they carry no default folder types. */
    sharedNamespaces: bool.default(false),
    /** Logged-in IMAP sessions kept for reuse across requests, over all users. */
    poolMaxConnections: z.coerce.number().int().min(1).default(200),
    /** Sessions one user may hold at once (a long Ping and a Sync need one each). */
    poolMaxPerUser: z.coerce.number().int().min(1).default(4),
    /** A session unused this long is logged out. */
    poolIdleSeconds: z.coerce.number().int().min(1).default(300),
  }).prefault({}),
  smtp: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(587),
    secure: bool.default(false),
    rejectUnauthorized: bool.default(true),
  }).prefault({}),
  dav: z.object({
    url: z.string().url().default('http://127.0.0.1:5232/'),
  }).prefault({}),
  auth: z.object({
    /** Appended to a bare `user` login (and replaces the DOMAIN of `DOMAIN\user`) when set. */
    defaultDomain: z.string().regex(/^[^@\s]+$/, 'a domain name without @').optional(),
    /** How long a verified credential is trusted without logging in to IMAP again. */
    cacheTtlSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
    cacheMaxEntries: z.coerce.number().int().min(1).default(10_000),
    /** Failed logins allowed per user and per client address within failureWindowSeconds before slowing down. */
    failureBudget: z.coerce.number().int().min(1).default(5),
    failureWindowSeconds: z.coerce.number().int().min(1).default(300),
    /** Extra delay per failure beyond the budget, capped by failureMaxDelayMs. */
    failureDelayMs: z.coerce.number().int().min(0).default(1000),
    failureMaxDelayMs: z.coerce.number().int().min(0).default(30_000),
  }).prefault({}),
  state: z.object({
    /** Directory of the embedded SQLite state store (devices, policy keys, sync states). */
    dataDir: z.string().min(1).default('./data'),
  }).prefault({}),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }).prefault({}),
  /** Seconds a client is told to wait (Retry-After) when a backing server is down. */
  retryAfterSeconds: z.coerce.number().int().min(1).default(30),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
