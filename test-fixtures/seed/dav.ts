/** Seed CalDAV/CardDAV collections on Radicale with plain HTTP PUTs. */
import { calendarObjects, contactObjects, taskObjects, type DavObject } from "./dav-data.js";
import { defaultAnchor } from "./messages.js";

export interface SeedDavOptions {
  host?: string;
  port?: number;
  /** Overrides host/port: e.g. "http://127.0.0.1:15232/". */
  baseUrl?: string;
  user: string;
  password: string;
  seed?: number;
  anchor?: Date;
  events?: boolean;
  tasks?: boolean;
  contacts?: boolean;
  /** Collection names under /<user>/ (defaults: calendar, tasks, contacts). */
  calendar?: string;
  taskList?: string;
  addressBook?: string;
}

export interface SeededDavObject extends Omit<DavObject, "body"> {
  /** Absolute path on the server, e.g. /alice@example.com/calendar/easgate-seed-42-single.ics */
  href: string;
  etag: string | undefined;
}

export interface SeedDavResult {
  events: SeededDavObject[];
  tasks: SeededDavObject[];
  contacts: SeededDavObject[];
}

type Kind = "calendar" | "tasks" | "contacts";

const MKCOL_BODY: Record<Kind, { method: string; body: string }> = {
  calendar: {
    method: "MKCALENDAR",
    body: `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Calendar</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`,
  },
  tasks: {
    method: "MKCALENDAR",
    body: `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Tasks</D:displayname><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`,
  },
  contacts: {
    method: "MKCOL",
    body: `<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:displayname>Contacts</D:displayname></D:prop></D:set></D:mkcol>`,
  },
};

export function davBaseUrl(opts: Pick<SeedDavOptions, "host" | "port" | "baseUrl">): string {
  if (opts.baseUrl) return opts.baseUrl.endsWith("/") ? opts.baseUrl : opts.baseUrl + "/";
  return `http://${opts.host ?? "127.0.0.1"}:${opts.port ?? Number(process.env.EASGATE_DAV_PORT ?? 15232)}/`;
}

export function basicAuth(user: string, password: string): string {
  return "Basic " + Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}

/** Create the collection unless it exists (PROPFIND 207 = exists). */
async function ensureCollection(base: string, auth: string, path: string, kind: Kind): Promise<void> {
  const url = new URL(path, base);
  const probe = await fetch(url, { method: "PROPFIND", headers: { Authorization: auth, Depth: "0" } });
  await probe.arrayBuffer();
  if (probe.status === 207) return;
  if (probe.status !== 404) throw new Error(`PROPFIND ${url} answered ${probe.status}`);
  const { method, body } = MKCOL_BODY[kind];
  const r = await fetch(url, { method, headers: { Authorization: auth, "Content-Type": "application/xml; charset=utf-8" }, body });
  const text = await r.text();
  if (r.status !== 201 && r.status !== 405) throw new Error(`${method} ${url} answered ${r.status}: ${text.slice(0, 300)}`);
}

async function put(base: string, auth: string, collectionPath: string, obj: DavObject, contentType: string): Promise<SeededDavObject> {
  const href = collectionPath + encodeURIComponent(obj.name);
  const url = new URL(href, base);
  const r = await fetch(url, { method: "PUT", headers: { Authorization: auth, "Content-Type": contentType }, body: obj.body });
  const text = await r.text();
  if (r.status < 200 || r.status >= 300) throw new Error(`PUT ${url} answered ${r.status}: ${text.slice(0, 300)}`);
  const { body: _body, ...rest } = obj;
  return { ...rest, href, etag: r.headers.get("etag") ?? undefined };
}

/**
 * PUT the seed events, tasks and contacts for one user (idempotent: same seed, same
 * resource names, so a rerun overwrites). Missing collections are created first.
 */
export async function seedDav(opts: SeedDavOptions): Promise<SeedDavResult> {
  const base = davBaseUrl(opts);
  const auth = basicAuth(opts.user, opts.password);
  const seed = opts.seed ?? 42;
  const anchor = opts.anchor ?? defaultAnchor();
  const home = `/${encodeURIComponent(opts.user).replace(/%40/g, "@")}/`;
  const result: SeedDavResult = { events: [], tasks: [], contacts: [] };

  // Any authenticated request makes Radicale create the principal collection.
  const principal = await fetch(new URL(home, base), { method: "PROPFIND", headers: { Authorization: auth, Depth: "0" } });
  await principal.arrayBuffer();
  if (principal.status === 401) throw new Error(`DAV login as ${opts.user} failed (401)`);

  const jobs: [Kind, boolean, string, () => DavObject[], keyof SeedDavResult, string][] = [
    ["calendar", opts.events ?? true, opts.calendar ?? "calendar", () => calendarObjects(seed, opts.user, anchor), "events", "text/calendar; charset=utf-8"],
    ["tasks", opts.tasks ?? true, opts.taskList ?? "tasks", () => taskObjects(seed, anchor), "tasks", "text/calendar; charset=utf-8"],
    ["contacts", opts.contacts ?? true, opts.addressBook ?? "contacts", () => contactObjects(seed), "contacts", "text/vcard; charset=utf-8"],
  ];
  for (const [kind, wanted, name, make, key, type] of jobs) {
    if (!wanted) continue;
    const path = `${home}${encodeURIComponent(name)}/`;
    await ensureCollection(base, auth, path, kind);
    for (const obj of make()) result[key].push(await put(base, auth, path, obj, type));
  }
  return result;
}
