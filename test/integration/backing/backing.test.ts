/**
 * The backing services started by test-fixtures/backing/start.sh behave as the gateway
 * expects (see test-fixtures/backing/README.md). Run start.sh first; ports come from the
 * same EASGATE_* variables with the same defaults.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { seedDav, seedMailbox } from "../../../test-fixtures/seed/index.js";

const HOST = process.env.EASGATE_BACKING_HOST ?? "127.0.0.1";
const IMAP_PORT = Number(process.env.EASGATE_IMAP_PORT ?? 10143);
const SMTP_PORT = Number(process.env.EASGATE_SMTP_PORT ?? 10587);
const DAV_PORT = Number(process.env.EASGATE_DAV_PORT ?? 15232);
const DAV = `http://${HOST}:${DAV_PORT}`;
const ALICE = { user: "alice@example.com", pass: "alice-secret" };
const BOB = { user: "bob@example.com", pass: "bob-secret" };
const RUN = `${process.pid}-${Date.now()}`;

function imap(auth: { user: string; pass: string }): ImapFlow {
  return new ImapFlow({ host: HOST, port: IMAP_PORT, secure: false, auth, logger: false });
}

async function withImap<T>(auth: { user: string; pass: string }, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = imap(auth);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

/** imapflow's STATUS knows no X-GUID: send it through its (internal) exec. */
interface Untagged {
  attributes?: ({ value?: string } | { value?: string }[])[];
}
interface Exec {
  exec(command: string, attributes: unknown[], options: { untagged: Record<string, (u: Untagged) => Promise<void>> }): Promise<{ next(): void }>;
}

function basic(a: { user: string; pass: string }): string {
  return "Basic " + Buffer.from(`${a.user}:${a.pass}`).toString("base64");
}

async function propfind(path: string, auth: { user: string; pass: string }): Promise<{ status: number; body: string }> {
  const r = await fetch(DAV + path, { method: "PROPFIND", headers: { Authorization: basic(auth), Depth: "0", "Content-Type": "application/xml" }, body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:displayname/></D:prop></D:propfind>' });
  return { status: r.status, body: await r.text() };
}

describe("IMAP (Dovecot)", () => {
  test("alice logs in and gets the extensions the gateway relies on", async () => {
    await withImap(ALICE, async (c) => {
      for (const cap of ["CONDSTORE", "QRESYNC", "IDLE", "NOTIFY", "SPECIAL-USE", "MOVE", "UIDPLUS", "BINARY", "LITERAL+", "MULTIAPPEND"]) {
        assert.ok(c.capabilities.has(cap), `capability ${cap} missing; got ${[...c.capabilities.keys()].join(" ")}`);
      }
    });
  });

  test("a wrong password is refused, quickly", async () => {
    const c = imap({ user: ALICE.user, pass: "wrong" });
    c.on("error", () => {});
    const t0 = performance.now();
    await assert.rejects(c.connect(), (e: { authenticationFailed?: boolean }) => e.authenticationFailed === true);
    assert.ok(performance.now() - t0 < 1500, `auth failure took ${Math.round(performance.now() - t0)} ms`);
  });

  test("failed logins do not slow down later logins from the same IP (no auth penalty)", async () => {
    for (let i = 0; i < 3; i++) {
      const c = imap({ user: BOB.user, pass: "wrong" });
      c.on("error", () => {});
      await assert.rejects(c.connect());
    }
    const t0 = performance.now();
    await withImap(BOB, async () => {});
    assert.ok(performance.now() - t0 < 1000, `login after failures took ${Math.round(performance.now() - t0)} ms`);
  });

  test("LIST shows Drafts, Sent, Trash and Junk with their special-use flags", async () => {
    await withImap(ALICE, async (c) => {
      const list = await c.list();
      const byPath = new Map(list.map((m) => [m.path, m]));
      for (const [path, use] of [["Drafts", "\\Drafts"], ["Sent", "\\Sent"], ["Trash", "\\Trash"], ["Junk", "\\Junk"]] as const) {
        const box = byPath.get(path);
        assert.ok(box, `${path} not listed; got ${[...byPath.keys()].join(", ")}`);
        assert.equal(box.specialUse, use);
        assert.ok(box.subscribed ?? true);
      }
      assert.equal(list[0]?.delimiter, "/");
    });
  });

  test("STATUS Trash (X-GUID) returns a mailbox GUID", async () => {
    await withImap(ALICE, async (c) => {
      let guid: string | undefined;
      const response = await (c as unknown as Exec).exec("STATUS", [{ type: "ATOM", value: "Trash" }, [{ type: "ATOM", value: "X-GUID" }]], {
        untagged: {
          STATUS: async (u) => {
            const list = u.attributes?.[1];
            if (Array.isArray(list)) guid = list[1]?.value;
          },
        },
      });
      response.next();
      assert.match(guid ?? "", /^[0-9a-f]{32}$/);
    });
  });
});

describe("SMTP submission (Postfix -> LMTP -> Dovecot)", () => {
  test("mail alice submits reaches bob's INBOX", async () => {
    const subject = `backing test ${RUN} – grüße`;
    const transport = nodemailer.createTransport({ host: HOST, port: SMTP_PORT, secure: false, ignoreTLS: true, auth: ALICE });
    const info = await transport.sendMail({ from: `Alice Example <${ALICE.user}>`, to: BOB.user, subject, text: "Hello Bob.\n" });
    assert.deepEqual(info.rejected, []);
    await withImap(BOB, async (c) => {
      const lock = await c.getMailboxLock("INBOX");
      try {
        const deadline = Date.now() + 10_000;
        let uids: number[] = [];
        while (Date.now() < deadline) {
          uids = (await c.search({ header: { "message-id": info.messageId } }, { uid: true })) || [];
          if (uids.length) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(uids.length, 1, "message did not arrive within 10 s");
        const msg = await c.fetchOne(String(uids[0]), { envelope: true }, { uid: true });
        assert.ok(msg);
        assert.equal(msg.envelope?.subject, subject);
        await c.messageDelete(String(uids[0]), { uid: true });
      } finally {
        lock.release();
      }
    });
  });

  test("unauthenticated submission to an external domain is rejected", async () => {
    const transport = nodemailer.createTransport({ host: HOST, port: SMTP_PORT, secure: false, ignoreTLS: true });
    await assert.rejects(
      transport.sendMail({ from: "someone@elsewhere.example", to: "victim@external.example", subject: "relay?", text: "x" }),
      (e: { responseCode?: number }) => e.responseCode === 554,
    );
  });

  test("an unknown local recipient is rejected at RCPT time", async () => {
    const transport = nodemailer.createTransport({ host: HOST, port: SMTP_PORT, secure: false, ignoreTLS: true, auth: ALICE });
    await assert.rejects(transport.sendMail({ from: ALICE.user, to: "nobody@example.com", subject: "hi", text: "x" }), (e: { responseCode?: number }) => e.responseCode === 550);
  });

  test("a wrong SMTP password is refused", async () => {
    const transport = nodemailer.createTransport({ host: HOST, port: SMTP_PORT, secure: false, ignoreTLS: true, auth: { user: ALICE.user, pass: "nope" } });
    await assert.rejects(transport.verify(), (e: { code?: string }) => e.code === "EAUTH");
  });
});

describe("CalDAV/CardDAV (Radicale)", () => {
  test("alice's calendar, task list and address book exist", async () => {
    for (const [name, type] of [["calendar", "calendar"], ["tasks", "calendar"], ["contacts", "addressbook"]] as const) {
      const r = await propfind(`/${ALICE.user}/${name}/`, ALICE);
      assert.equal(r.status, 207, `${name}: ${r.body}`);
      assert.match(r.body, new RegExp(`<[A-Za-z0-9]*:?${type}\\s*/>`), `${name} resourcetype: ${r.body}`);
    }
  });

  test("bob cannot read alice's collections", async () => {
    for (const name of ["calendar", "tasks", "contacts"]) {
      const r = await propfind(`/${ALICE.user}/${name}/`, BOB);
      assert.equal(r.status, 403, `${name} as bob: ${r.status}`);
      const g = await fetch(`${DAV}/${ALICE.user}/${name}/`, { headers: { Authorization: basic(BOB) } });
      await g.arrayBuffer();
      assert.equal(g.status, 403);
    }
  });

  test("a wrong DAV password gets 401", async () => {
    assert.equal((await propfind(`/${ALICE.user}/`, { user: ALICE.user, pass: "nope" })).status, 401);
  });
});

describe("seeding tool", () => {
  const mailbox = `easgate-test/seed-${RUN}`;
  before(async () => {
    await withImap(ALICE, async (c) => {
      await c.mailboxDelete(mailbox).catch(() => {});
    });
  });
  after(async () => {
    await withImap(ALICE, async (c) => {
      await c.mailboxDelete(mailbox).catch(() => {});
      await c.mailboxDelete("easgate-test").catch(() => {});
    });
  });

  test("seeding 200 messages produces 200 messages with the promised headers and flags", async () => {
    const r = await seedMailbox({ host: HOST, port: IMAP_PORT, user: ALICE.user, password: ALICE.pass, mailbox, count: 200, seed: 7 });
    assert.equal(r.messages.length, 200);
    assert.equal(r.messagesAfter - r.messagesBefore, 200);
    const uids = r.messages.map((m) => m.uid);
    assert.ok(uids.every((u) => typeof u === "number"));
    assert.equal(new Set(uids).size, 200);
    for (const kind of ["plain", "html", "alternative", "attachments", "latin1", "related", "forward", "invite"]) {
      assert.ok(r.messages.some((m) => m.kind === kind), `no ${kind} message`);
    }
    assert.ok(r.messages.some((m) => m.inReplyTo), "no replies");
    assert.ok(r.messages.some((m) => !/^[\x20-\x7e]*$/.test(m.subject)), "no non-ASCII subject");

    await withImap(ALICE, async (c) => {
      const status = await c.status(mailbox, { messages: true });
      assert.ok(status, "STATUS failed");
      assert.equal(status.messages, 200);
      const lock = await c.getMailboxLock(mailbox);
      try {
        const byUid = new Map(r.messages.map((m) => [m.uid, m]));
        let checked = 0;
        for await (const msg of c.fetch("1:*", { uid: true, envelope: true, flags: true, internalDate: true, bodyStructure: true })) {
          const spec = byUid.get(msg.uid);
          assert.ok(spec, `unexpected uid ${msg.uid}`);
          assert.equal(msg.envelope?.subject, spec.subject, `subject of ${spec.index} (${spec.kind})`);
          assert.equal(msg.envelope?.messageId, `<${spec.messageId}>`);
          assert.equal(msg.envelope?.from?.[0]?.name, spec.from.name);
          assert.deepEqual([...(msg.flags ?? [])].filter((f) => f !== "\\Recent").sort(), [...spec.flags].sort());
          assert.equal(new Date(msg.internalDate ?? 0).getTime(), spec.internalDate.getTime());
          if (spec.kind === "latin1") assert.equal(msg.bodyStructure?.parameters?.charset, "iso-8859-1");
          if (spec.kind === "attachments") assert.equal(msg.bodyStructure?.type, "multipart/mixed");
          checked++;
        }
        assert.equal(checked, 200);
      } finally {
        lock.release();
      }
    });
  });

  test("the same seed gives the same corpus", async () => {
    const { generateSpecs, renderMessage } = await import("../../../test-fixtures/seed/messages.js");
    const opts = { seed: 3, count: 30, mailbox: "INBOX", user: { address: ALICE.user }, anchor: new Date("2025-01-01T00:00:00Z") };
    const a = generateSpecs(opts).map((s) => renderMessage(s, 3).toString("latin1"));
    const b = generateSpecs(opts).map((s) => renderMessage(s, 3).toString("latin1"));
    assert.deepEqual(a, b);
  });

  const davCollections = { calendar: `test-cal-${RUN}`, taskList: `test-tasks-${RUN}`, addressBook: `test-contacts-${RUN}` };
  after(async () => {
    for (const name of Object.values(davCollections)) {
      const r = await fetch(`${DAV}/${ALICE.user}/${name}/`, { method: "DELETE", headers: { Authorization: basic(ALICE) } });
      await r.arrayBuffer();
    }
  });

  test("seedDav puts events, tasks and contacts that Radicale serves back", async () => {
    // Own collections, deleted afterwards, so alice's default ones stay as other tests expect them.
    const r = await seedDav({ host: HOST, port: DAV_PORT, user: ALICE.user, password: ALICE.pass, seed: 42, ...davCollections });
    const collections = await propfind(`/${ALICE.user}/${davCollections.addressBook}/`, ALICE);
    assert.match(collections.body, /addressbook\s*\/>/);
    assert.ok(r.events.length >= 6 && r.tasks.length >= 2 && r.contacts.length >= 5);
    const weekly = r.events.find((e) => e.traits.includes("recurrence-id-override"));
    assert.ok(weekly);
    const ics = await (await fetch(DAV + weekly.href, { headers: { Authorization: basic(ALICE) } })).text();
    assert.match(ics, /RECURRENCE-ID;TZID=Europe\/Berlin:/);
    assert.match(ics, /EXDATE;TZID=Europe\/Berlin:/);
    assert.match(ics, /SUMMARY:Weekly team sync \(moved\\, longer\)/);
    const flight = r.events.find((e) => e.traits.includes("start-and-end-in-different-zones"));
    assert.ok(flight);
    const flightIcs = await (await fetch(DAV + flight.href, { headers: { Authorization: basic(ALICE) } })).text();
    assert.match(flightIcs, /LOCATION:Frankfurt Airport\\, Terminal 1/);
    const zones = r.events.flatMap((e) => e.traits).filter((t) => t.includes("/"));
    for (const tz of ["Europe/Berlin", "America/New_York", "Asia/Tokyo"]) assert.ok(zones.includes(tz), tz);
    const card = await (await fetch(DAV + r.contacts[0]!.href, { headers: { Authorization: basic(ALICE) } })).text();
    assert.match(card, /^BEGIN:VCARD/);
  });
});
