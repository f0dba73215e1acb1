/**
 * node --import tsx test-fixtures/seed/cli.ts --user alice@example.com --password alice-secret \
 *   [--mailbox INBOX] [--count 10000] [--seed 42] [--imap-port N] [--host H] \
 *   [--events] [--tasks] [--contacts] [--dav-port N] [--anchor 2025-06-01] [--json]
 *
 * --count defaults to 100, or to 0 when --events/--tasks/--contacts is given.
 */
import { parseArgs } from "node:util";
import { seedDav, seedMailbox } from "./index.js";

const USAGE = `usage: cli.ts --user ADDR --password PW [--mailbox INBOX] [--count N] [--seed 42]
              [--host 127.0.0.1] [--imap-port 10143] [--dav-port 15232]
              [--events] [--tasks] [--contacts] [--anchor YYYY-MM-DD] [--json]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: "string" },
      password: { type: "string" },
      mailbox: { type: "string", default: "INBOX" },
      count: { type: "string" },
      seed: { type: "string", default: "42" },
      host: { type: "string", default: process.env.EASGATE_BACKING_HOST ?? "127.0.0.1" },
      "imap-port": { type: "string", default: process.env.EASGATE_IMAP_PORT ?? "10143" },
      "dav-port": { type: "string", default: process.env.EASGATE_DAV_PORT ?? "15232" },
      events: { type: "boolean", default: false },
      tasks: { type: "boolean", default: false },
      contacts: { type: "boolean", default: false },
      anchor: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.user || !values.password) throw new Error(`--user and --password are required\n${USAGE}`);
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
    return n;
  };
  const dav = values.events || values.tasks || values.contacts;
  const count = int("count", values.count ?? (dav ? "0" : "100"));
  const seed = int("seed", values.seed);
  let anchor: Date | undefined;
  if (values.anchor) {
    anchor = new Date(values.anchor);
    if (Number.isNaN(anchor.getTime())) throw new Error(`--anchor: not a date: ${values.anchor}`);
  }
  const summary: Record<string, unknown> = {};

  if (count > 0) {
    const r = await seedMailbox({
      host: values.host,
      port: int("imap-port", values["imap-port"]),
      user: values.user,
      password: values.password,
      mailbox: values.mailbox,
      count,
      seed,
      ...(anchor ? { anchor } : {}),
    });
    const rate = Math.round((count / r.elapsedMs) * 1000);
    summary.mail = { mailbox: r.mailbox, appended: r.messages.length, before: r.messagesBefore, after: r.messagesAfter, uidValidity: r.uidValidity, megabytes: +(r.bytes / 1e6).toFixed(1), ms: r.elapsedMs, perSecond: rate };
    if (!values.json) console.log(`seeded ${count} messages into ${values.user}/${r.mailbox} in ${(r.elapsedMs / 1000).toFixed(2)} s (${rate}/s, ${(r.bytes / 1e6).toFixed(1)} MB); STATUS: ${r.messagesBefore} -> ${r.messagesAfter}`);
  }
  if (dav) {
    const t0 = performance.now();
    const r = await seedDav({
      host: values.host,
      port: int("dav-port", values["dav-port"]),
      user: values.user,
      password: values.password,
      seed,
      events: values.events,
      tasks: values.tasks,
      contacts: values.contacts,
      ...(anchor ? { anchor } : {}),
    });
    const ms = Math.round(performance.now() - t0);
    summary.dav = { events: r.events.map((o) => o.href), tasks: r.tasks.map((o) => o.href), contacts: r.contacts.map((o) => o.href), ms };
    if (!values.json) console.log(`seeded ${r.events.length} events, ${r.tasks.length} tasks, ${r.contacts.length} contacts for ${values.user} in ${ms} ms`);
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
}

main().catch((e: unknown) => {
  console.error(`seed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
