/**
 * Seeding tool for the backing services (see test-fixtures/backing/README.md).
 *
 *   const r = await seedMailbox({ user: "alice@example.com", password: "alice-secret", mailbox: "INBOX", count: 200, seed: 1 });
 *   const d = await seedDav({ user: "alice@example.com", password: "alice-secret", seed: 1 });
 *
 * Same seed + same options (and anchor date) => byte-identical messages and DAV objects.
 */
import { appendPipelined, type AppendItem } from "./imap-append.js";
import { defaultAnchor, generateSpecs, renderMessage, type MessageSpec } from "./messages.js";

export { seedDav, type SeedDavOptions, type SeedDavResult, type SeededDavObject } from "./dav.js";
export { calendarObjects, contactObjects, taskObjects, type DavObject } from "./dav-data.js";
export { appendPipelined, encodeMailboxName, RawImap, type AppendItem, type PipelinedAppendResult } from "./imap-append.js";
export { ALL_KINDS, defaultAnchor, generateSpecs, renderMessage, type MessageKind, type MessageSpec } from "./messages.js";

export interface SeedMailboxOptions {
  host?: string;
  /** Default: $EASGATE_IMAP_PORT or 10143. */
  port?: number;
  user: string;
  password: string;
  /** Default INBOX. Created if missing. Names like Sent/Drafts make the user the sender. */
  mailbox?: string;
  count: number;
  seed?: number;
  /** Newest message date; the corpus spans the 365 days before. Default: today 00:00 UTC. */
  anchor?: Date;
  /** Display name of the user in generated headers. */
  userName?: string;
  /** Messages per MULTIAPPEND command (default 200). */
  batch?: number;
  /** Messages in flight (default 1000). */
  window?: number;
}

export interface SeededMessage extends MessageSpec {
  /** UID from APPENDUID. */
  uid: number | undefined;
  /** RFC 822 size in bytes. */
  size: number;
}

export interface SeedMailboxResult {
  mailbox: string;
  uidValidity: number | undefined;
  messages: SeededMessage[];
  messagesBefore: number;
  messagesAfter: number;
  bytes: number;
  elapsedMs: number;
}

export async function seedMailbox(opts: SeedMailboxOptions): Promise<SeedMailboxResult> {
  const started = performance.now();
  const seed = opts.seed ?? 42;
  const mailbox = opts.mailbox ?? "INBOX";
  const specs = generateSpecs({
    seed,
    count: opts.count,
    mailbox,
    anchor: opts.anchor ?? defaultAnchor(),
    user: { address: opts.user, name: opts.userName ?? defaultName(opts.user) },
  });
  const messages: SeededMessage[] = [];
  let bytes = 0;
  function* items(): Generator<AppendItem> {
    for (const spec of specs) {
      const raw = renderMessage(spec, seed);
      bytes += raw.length;
      messages.push({ ...spec, uid: undefined, size: raw.length });
      yield { raw, flags: spec.flags, internalDate: spec.internalDate };
    }
  }
  const r = await appendPipelined(
    {
      host: opts.host ?? process.env.EASGATE_BACKING_HOST ?? "127.0.0.1",
      port: opts.port ?? Number(process.env.EASGATE_IMAP_PORT ?? 10143),
      user: opts.user,
      password: opts.password,
      mailbox,
      ...(opts.window !== undefined ? { window: opts.window } : {}),
      ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
    },
    items(),
  );
  r.uids.forEach((uid, i) => {
    const m = messages[i];
    if (m) m.uid = uid;
  });
  return {
    mailbox,
    uidValidity: r.uidValidity,
    messages,
    messagesBefore: r.messagesBefore,
    messagesAfter: r.messagesAfter,
    bytes,
    elapsedMs: Math.round(performance.now() - started),
  };
}

function defaultName(address: string): string {
  const local = address.split("@")[0] ?? address;
  return local.charAt(0).toUpperCase() + local.slice(1) + " Example";
}
