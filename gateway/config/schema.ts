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
    /** A session this old is logged out after its request, so no session's view of the mailbox grows stale. */
    poolMaxAgeSeconds: z.coerce.number().int().min(1).default(120),
  }).prefault({}),
  smtp: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(587),
    secure: bool.default(false),
    rejectUnauthorized: bool.default(true),
    /** Connecting and the server's greeting, each. */
    connectTimeoutMs: z.coerce.number().int().min(100).default(10_000),
    /** Silence on an open submission connection before the send is given up. */
    socketTimeoutMs: z.coerce.number().int().min(1000).default(60_000),
    /**
     * Largest message SendMail/SmartReply/SmartForward will build and submit (a forward carries the
     * original's attachments). The message is held once in memory, since APPEND to Sent needs its size.
     */
    maxMessageBytes: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
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
  /**
   * The security policy handed to devices by Provision (MS-ASPROV). The defaults mirror
   * Exchange's built-in default policy: every device must provision (enforce) but nothing
   * is demanded of it, so phones sync without a PIN yet still hold a policy key, and an
   * operator can tighten the policy later (devices then get Status 143 and re-provision).
   * Unset numbers are sent as empty elements ("no limit"). Keys are the MS-ASPROV element
   * names in camelCase with acronyms written as words, so the environment variables read
   * well (allowHtmlEmail: EASGATE_POLICY_ALLOW_HTML_EMAIL).
   */
  policy: z.object({
    /** Commands other than Provision need a current X-MS-PolicyKey (449, or Status 142/143/144 from 14.0). */
    enforce: bool.default(true),
    /** DevicePasswordEnabled: the device must have a PIN or password. */
    devicePasswordEnabled: bool.default(false),
    /** AlphanumericDevicePasswordRequired. */
    alphanumericPasswordRequired: bool.default(false),
    /** MinDevicePasswordLength, 1-16; unset: no minimum. */
    minPasswordLength: z.coerce.number().int().min(1).max(16).optional(),
    /** MinDevicePasswordComplexCharacters, 1-4 character groups (12.1+). */
    minPasswordComplexCharacters: z.coerce.number().int().min(1).max(4).default(1),
    /** AllowSimpleDevicePassword ("1111", "1234"). */
    allowSimplePassword: bool.default(true),
    /** MaxInactivityTimeDeviceLock in seconds; unset: the device never has to lock. */
    maxInactivityTimeDeviceLock: z.coerce.number().int().min(1).max(9999).optional(),
    /** MaxDevicePasswordFailedAttempts before the device wipes itself, 4-16; unset: never. */
    maxDevicePasswordFailedAttempts: z.coerce.number().int().min(4).max(16).optional(),
    /** DevicePasswordExpiration in days; unset: never. */
    passwordExpirationDays: z.coerce.number().int().min(1).max(730).optional(),
    /** DevicePasswordHistory: how many old passwords cannot be reused; 0: any. */
    passwordHistory: z.coerce.number().int().min(0).max(50).default(0),
    /** RequireDeviceEncryption (12.1+). */
    requireDeviceEncryption: bool.default(false),
    /** RequireStorageCardEncryption (12.1+). */
    requireStorageCardEncryption: bool.default(false),
    /** AttachmentsEnabled: the device may download attachments. */
    attachmentsEnabled: bool.default(true),
    /** MaxAttachmentSize in bytes; unset: no limit. */
    maxAttachmentSize: z.coerce.number().int().min(1).optional(),
    /** AllowHTMLEmail (12.1+): false makes the device show HTML mail as plain text. */
    allowHtmlEmail: bool.default(true),
    /** MaxEmailAgeFilter (12.1+): 0 all, 1 one day, 2 three days, 3 one week, 4 two weeks, 5 one month. */
    maxEmailAgeFilter: z.coerce.number().int().min(0).max(5).default(0),
    /** MaxCalendarAgeFilter (12.1+): 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months. */
    maxCalendarAgeFilter: z.union([z.literal(0), z.literal(4), z.literal(5), z.literal(6), z.literal(7)])
      .or(z.enum(['0', '4', '5', '6', '7']).transform(Number)).default(0),
    /** MaxEmailBodyTruncationSize (12.1+): -1 no truncation, 0 headers only, >0 the size (Exchange counts KB). */
    maxEmailBodyTruncationSize: z.coerce.number().int().min(-1).default(-1),
    /** MaxEmailHTMLBodyTruncationSize (12.1+), same values. */
    maxEmailHtmlBodyTruncationSize: z.coerce.number().int().min(-1).default(-1),
    /** AllowStorageCard, AllowCamera, AllowWiFi, ... (12.1+): device features the policy permits. */
    allowStorageCard: bool.default(true),
    allowCamera: bool.default(true),
    allowWifi: bool.default(true),
    allowTextMessaging: bool.default(true),
    allowPopImapEmail: bool.default(true),
    allowIrda: bool.default(true),
    allowDesktopSync: bool.default(true),
    allowBrowser: bool.default(true),
    allowConsumerEmail: bool.default(true),
    allowRemoteDesktop: bool.default(true),
    allowInternetSharing: bool.default(true),
    allowUnsignedApplications: bool.default(true),
    allowUnsignedInstallationPackages: bool.default(true),
    /** AllowBluetooth (12.1+): 0 disabled, 1 hands-free only, 2 allowed. */
    allowBluetooth: z.coerce.number().int().min(0).max(2).default(2),
    /** RequireManualSyncWhenRoaming (12.1+). */
    requireManualSyncWhenRoaming: bool.default(false),
    /** S/MIME (12.1+): RequireSignedSMIMEMessages, RequireEncryptedSMIMEMessages, AllowSMIMESoftCerts. */
    requireSignedSmimeMessages: bool.default(false),
    requireEncryptedSmimeMessages: bool.default(false),
    allowSmimeSoftCerts: bool.default(true),
    /** RequireSignedSMIMEAlgorithm: 0 SHA-1, 1 MD5. */
    requireSignedSmimeAlgorithm: z.coerce.number().int().min(0).max(1).default(0),
    /** RequireEncryptionSMIMEAlgorithm: 0 TripleDES, 1 DES, 2 RC2 128, 3 RC2 64, 4 RC2 40. */
    requireEncryptionSmimeAlgorithm: z.coerce.number().int().min(0).max(4).default(0),
    /** AllowSMIMEEncryptionAlgorithmNegotiation: 0 no, 1 strongest only, 2 any. */
    allowSmimeEncryptionAlgorithmNegotiation: z.coerce.number().int().min(0).max(2).default(2),
  }).prefault({}),
  users: z.object({
    /**
     * Extra addresses per login (Settings UserInformation), e.g.
     * {"alice@example.com": ["a.smith@example.com"]}; the login's own address always comes first.
     */
    aliases: z.preprocess(
      // From the environment (EASGATE_USERS_ALIASES) the map arrives as JSON text.
      (v) => (typeof v === 'string' ? parseJson(v) : v),
      z.record(z.string().min(1), z.array(z.string().regex(/^[^@\s]+@[^@\s]+$/, 'an e-mail address'))),
    ).default({}),
  }).prefault({}),
  /** Seconds a client is told to wait (Retry-After) when a backing server is down. */
  retryAfterSeconds: z.coerce.number().int().min(1).default(30),
});

/** JSON text to a value; text that is not JSON stays text, so validation names the key. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
