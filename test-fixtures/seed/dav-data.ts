/**
 * The calendar, task and contact objects seedDav() PUTs: a fixed cast of edge cases
 * (time zones, all-day, recurrence with EXDATE and an overridden instance, tasks,
 * vCards with non-ASCII names and a photo), placed around an anchor date; the seed
 * varies UIDs and a few values.
 */
import { makePng } from "./binaries.js";
import { contentLines, esc, icalDate, icalDateTime, VTIMEZONES, type TzId } from "./ical.js";
import { Rng } from "./rng.js";

export interface DavObject {
  /** Resource name inside its collection, e.g. "<uid>.ics". */
  name: string;
  uid: string;
  /** SUMMARY of the (master) component, or FN of a vCard. */
  title: string;
  /** What it exercises, for test names and debugging. */
  traits: string[];
  body: string;
}

const DAY = 86_400_000;
const PRODID = "PRODID:-//easgate//seed//EN";

function calendar(tzids: readonly TzId[], components: readonly string[][]): string {
  return contentLines(["BEGIN:VCALENDAR", "VERSION:2.0", PRODID, "CALSCALE:GREGORIAN", ...tzids.flatMap((t) => VTIMEZONES[t]), ...components.flat(), "END:VCALENDAR"]);
}

/** Wall-clock time `days` after the anchor's date at hh:mm (read as UTC fields). */
function wall(anchor: Date, days: number, hh: number, mm = 0): Date {
  const d = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()) + days * DAY);
  d.setUTCHours(hh, mm, 0, 0);
  return d;
}

export function calendarObjects(seed: number, user: string, anchor: Date): DavObject[] {
  const rng = new Rng(seed ^ 0x0ca1e);
  const uid = (name: string): string => `easgate-seed-${seed}-${name}@seed.example.net`;
  const stamp = `DTSTAMP:${icalDateTime(anchor)}Z`;
  const other = user.startsWith("bob@") ? "alice@example.com" : "bob@example.com";
  const cn = (address: string): string => {
    const local = address.split("@")[0] ?? address;
    return `${local.charAt(0).toUpperCase()}${local.slice(1)} Example`;
  };
  const objects: DavObject[] = [];
  const add = (name: string, title: string, traits: string[], tzids: TzId[], comps: string[][]): void => {
    objects.push({ name: `${uid(name).split("@")[0]}.ics`, uid: uid(name), title, traits, body: calendar(tzids, comps) });
  };

  const k = wall(anchor, rng.int(1, 3), 10);
  add("single", "Project kickoff", ["single", "timed", "Europe/Berlin", "alarm", "non-ascii-location"], ["Europe/Berlin"], [[
    "BEGIN:VEVENT", `UID:${uid("single")}`, stamp,
    `DTSTART;TZID=Europe/Berlin:${icalDateTime(k)}`, `DTEND;TZID=Europe/Berlin:${icalDateTime(new Date(k.getTime() + 90 * 60_000))}`,
    "SUMMARY:Project kickoff", `LOCATION:${esc("Besprechungsraum „Zugspitze“, München")}`,
    `DESCRIPTION:${esc("Agenda:\n1. Goals\n2. Timeline; milestones, owners\n3. Q&A")}`,
    "CATEGORIES:Work", "TRANSP:OPAQUE", "CLASS:PUBLIC",
    "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER:-PT15M", "END:VALARM",
    "END:VEVENT",
  ]]);

  const h = wall(anchor, rng.int(5, 9), 0);
  add("allday", "Company holiday", ["all-day", "multi-day"], [], [[
    "BEGIN:VEVENT", `UID:${uid("allday")}`, stamp,
    `DTSTART;VALUE=DATE:${icalDate(h)}`, `DTEND;VALUE=DATE:${icalDate(new Date(h.getTime() + 2 * DAY))}`,
    "SUMMARY:Company holiday", "TRANSP:TRANSPARENT",
    "END:VEVENT",
  ]]);

  // Weekly on the anchor's weekday, starting four weeks back: 12 occurrences, the 3rd
  // cancelled (EXDATE), the 5th moved to 11:00 with another title (RECURRENCE-ID).
  const w0 = wall(anchor, -28, 9, 30);
  const occ = (n: number): Date => new Date(w0.getTime() + n * 7 * DAY);
  const moved = new Date(occ(4).getTime() + 90 * 60_000);
  add("weekly", "Weekly team sync", ["recurring", "weekly", "exdate", "recurrence-id-override", "Europe/Berlin"], ["Europe/Berlin"], [
    [
      "BEGIN:VEVENT", `UID:${uid("weekly")}`, stamp,
      `DTSTART;TZID=Europe/Berlin:${icalDateTime(w0)}`, `DTEND;TZID=Europe/Berlin:${icalDateTime(new Date(w0.getTime() + 30 * 60_000))}`,
      "SUMMARY:Weekly team sync", "LOCATION:Room 2.14",
      "RRULE:FREQ=WEEKLY;COUNT=12",
      `EXDATE;TZID=Europe/Berlin:${icalDateTime(occ(2))}`,
      `ORGANIZER;CN=${cn(user)}:mailto:${user}`,
      `ATTENDEE;CN=${cn(other)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${other}`,
      "END:VEVENT",
    ],
    [
      "BEGIN:VEVENT", `UID:${uid("weekly")}`, stamp,
      `RECURRENCE-ID;TZID=Europe/Berlin:${icalDateTime(occ(4))}`,
      `DTSTART;TZID=Europe/Berlin:${icalDateTime(moved)}`, `DTEND;TZID=Europe/Berlin:${icalDateTime(new Date(moved.getTime() + 45 * 60_000))}`,
      `SUMMARY:${esc("Weekly team sync (moved, longer)")}`, "LOCATION:Room 3.01", "SEQUENCE:1",
      `ORGANIZER;CN=${cn(user)}:mailto:${user}`,
      `ATTENDEE;CN=${cn(other)};ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:${other}`,
      "END:VEVENT",
    ],
  ]);

  const ny = wall(anchor, rng.int(2, 6), 9);
  add("newyork", "Call with the New York office", ["timed", "America/New_York", "meeting"], ["America/New_York"], [[
    "BEGIN:VEVENT", `UID:${uid("newyork")}`, stamp,
    `DTSTART;TZID=America/New_York:${icalDateTime(ny)}`, `DTEND;TZID=America/New_York:${icalDateTime(new Date(ny.getTime() + 60 * 60_000))}`,
    "SUMMARY:Call with the New York office", "LOCATION:https://meet.example.com/ny-sync",
    `ORGANIZER;CN=Carol Danvers:mailto:carol.danvers@example.org`,
    `ATTENDEE;CN=${cn(user)};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${user}`,
    "ATTENDEE;CN=Carol Danvers;PARTSTAT=ACCEPTED:mailto:carol.danvers@example.org",
    "END:VEVENT",
  ]]);

  const tk = wall(anchor, rng.int(3, 8), 17);
  add("tokyo", "東京チームとの打ち合わせ", ["timed", "Asia/Tokyo", "non-ascii-summary"], ["Asia/Tokyo"], [[
    "BEGIN:VEVENT", `UID:${uid("tokyo")}`, stamp,
    `DTSTART;TZID=Asia/Tokyo:${icalDateTime(tk)}`, `DTEND;TZID=Asia/Tokyo:${icalDateTime(new Date(tk.getTime() + 60 * 60_000))}`,
    "SUMMARY:東京チームとの打ち合わせ", "LOCATION:渋谷オフィス 5階",
    "END:VEVENT",
  ]]);

  const fl = wall(anchor, rng.int(10, 14), 10, 15);
  const arr = new Date(fl.getTime() + 2 * 3_600_000 + 45 * 60_000); // 10:15 Berlin -> ~13:00 New York
  add("flight", "Flight FRA → JFK", ["timed", "start-and-end-in-different-zones"], ["Europe/Berlin", "America/New_York"], [[
    "BEGIN:VEVENT", `UID:${uid("flight")}`, stamp,
    `DTSTART;TZID=Europe/Berlin:${icalDateTime(fl)}`, `DTEND;TZID=America/New_York:${icalDateTime(arr)}`,
    "SUMMARY:Flight FRA → JFK", `LOCATION:${esc("Frankfurt Airport, Terminal 1")}`,
    "END:VEVENT",
  ]]);

  const dp = wall(anchor, -rng.int(3, 7), 22);
  add("utc", "Deploy window", ["timed", "utc", "past"], [], [[
    "BEGIN:VEVENT", `UID:${uid("utc")}`, stamp,
    `DTSTART:${icalDateTime(dp)}Z`, `DTEND:${icalDateTime(new Date(dp.getTime() + 2 * 3_600_000))}Z`,
    "SUMMARY:Deploy window", "CLASS:PRIVATE", "TRANSP:OPAQUE",
    "END:VEVENT",
  ]]);

  const bd = new Date(Date.UTC(1985, anchor.getUTCMonth(), Math.min(anchor.getUTCDate() + 3, 28)));
  add("birthday", "Jürgen's birthday", ["all-day", "recurring", "yearly"], [], [[
    "BEGIN:VEVENT", `UID:${uid("birthday")}`, stamp,
    `DTSTART;VALUE=DATE:${icalDate(bd)}`, `DTEND;VALUE=DATE:${icalDate(new Date(bd.getTime() + DAY))}`,
    "RRULE:FREQ=YEARLY", "SUMMARY:Jürgen's birthday", "TRANSP:TRANSPARENT",
    "END:VEVENT",
  ]]);
  return objects;
}

export function taskObjects(seed: number, anchor: Date): DavObject[] {
  const uid = (name: string): string => `easgate-seed-${seed}-task-${name}@seed.example.net`;
  const stamp = `DTSTAMP:${icalDateTime(anchor)}Z`;
  const todo = (name: string, title: string, traits: string[], tzids: TzId[], lines: string[]): DavObject => ({
    name: `${uid(name).split("@")[0]}.ics`,
    uid: uid(name),
    title,
    traits,
    body: calendar(tzids, [["BEGIN:VTODO", `UID:${uid(name)}`, stamp, ...lines, "END:VTODO"]]),
  });
  return [
    todo("expenses", "Submit expense report", ["due-datetime", "priority-high", "alarm"], ["Europe/Berlin"], [
      "SUMMARY:Submit expense report", `DUE;TZID=Europe/Berlin:${icalDateTime(wall(anchor, 3, 17))}`,
      `DTSTART;TZID=Europe/Berlin:${icalDateTime(wall(anchor, 0, 9))}`, "PRIORITY:1", "STATUS:NEEDS-ACTION",
      "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Expenses due", "TRIGGER;RELATED=END:-PT1H", "END:VALARM",
    ]),
    todo("passport", "Renew passport", ["completed", "due-date"], [], [
      "SUMMARY:Renew passport", `DUE;VALUE=DATE:${icalDate(wall(anchor, -10, 0))}`, "STATUS:COMPLETED",
      `COMPLETED:${icalDateTime(wall(anchor, -12, 15))}Z`, "PERCENT-COMPLETE:100", "PRIORITY:5",
    ]),
    todo("shopping", "Einkaufsliste für das Büro", ["no-due-date", "non-ascii", "description"], [], [
      "SUMMARY:Einkaufsliste für das Büro", `DESCRIPTION:${esc("Kaffee, Milch, Äpfel\nTeebeutel (grün)")}`, "PRIORITY:9", "STATUS:IN-PROCESS", "PERCENT-COMPLETE:40",
    ]),
  ];
}

export function contactObjects(seed: number): DavObject[] {
  const rng = new Rng(seed ^ 0xc0ffee);
  const uid = (name: string): string => `easgate-seed-${seed}-contact-${name}`;
  const tel = (): string => `${rng.int(100, 999)} ${rng.int(1000, 9999)}`;
  const card = (name: string, fn: string, traits: string[], lines: string[]): DavObject => ({
    name: `${uid(name)}.vcf`,
    uid: uid(name),
    title: fn,
    traits,
    body: contentLines(["BEGIN:VCARD", "VERSION:3.0", `UID:${uid(name)}`, `FN:${esc(fn)}`, ...lines, "PRODID:-//easgate//seed//EN", "END:VCARD"]),
  });
  const photo = makePng(rng, 24, 24).toString("base64");
  return [
    card("juergen", "Jürgen Müller", ["non-ascii", "work-address", "birthday", "org"], [
      "N:Müller;Jürgen;;;", "ORG:Beispiel GmbH;Entwicklung", "TITLE:Teamleiter",
      "EMAIL;TYPE=INTERNET,WORK,PREF:juergen.mueller@example.de", "EMAIL;TYPE=INTERNET,HOME:juergen@home.example.de",
      `TEL;TYPE=WORK,VOICE:+49 89 ${tel()}`, `TEL;TYPE=CELL:+49 170 ${tel()}`,
      "ADR;TYPE=WORK:;;Leopoldstraße 12;München;Bayern;80802;Deutschland", "BDAY:1980-04-12",
    ]),
    card("yamada", "山田 太郎", ["cjk", "home-address"], [
      "N:山田;太郎;;;", "EMAIL;TYPE=INTERNET:taro.yamada@example.jp", `TEL;TYPE=CELL:+81 90 ${tel()}`,
      "ADR;TYPE=HOME:;;渋谷区道玄坂1-2-3;東京都;;150-0043;日本", "X-PHONETIC-LAST-NAME:やまだ", "X-PHONETIC-FIRST-NAME:たろう",
    ]),
    card("carol", "Carol Danvers", ["multiple-emails", "note", "url", "home-and-work"], [
      "N:Danvers;Carol;Susan;Dr.;", "NICKNAME:Captain", "ORG:Example Org", "TITLE:Director of Operations",
      "EMAIL;TYPE=INTERNET,WORK:carol.danvers@example.org", "EMAIL;TYPE=INTERNET,HOME:carol@home.example.com", "EMAIL;TYPE=INTERNET:cd@other.example.net",
      `TEL;TYPE=WORK:+1 212 ${tel()}`, `TEL;TYPE=HOME:+1 718 ${tel()}`, `TEL;TYPE=FAX:+1 212 ${tel()}`,
      "ADR;TYPE=WORK:;Suite 400;350 Fifth Avenue;New York;NY;10118;USA", "ADR;TYPE=HOME:;;12 Elm Street;Brooklyn;NY;11201;USA",
      "URL:https://carol.example.org/", `NOTE:${esc("Met at the 2023 conference.\nPrefers calls before noon; allergic to nuts.")}`,
    ]),
    card("zoe", "Zoë Faßbender", ["photo", "non-ascii"], [
      "N:Faßbender;Zoë;;;", "EMAIL;TYPE=INTERNET:zoe@fassbender.example.de", `TEL;TYPE=CELL:+49 151 ${tel()}`,
      `PHOTO;ENCODING=b;TYPE=PNG:${photo}`,
    ]),
    card("dmitry", "Дмитрий Иванов", ["cyrillic", "org"], [
      "N:Иванов;Дмитрий;Сергеевич;;", "ORG:ООО «Пример»", "EMAIL;TYPE=INTERNET,WORK:d.ivanov@example.ru", `TEL;TYPE=WORK:+7 495 ${tel()}`,
    ]),
    card("acme", "ACME Corporation", ["company-only"], [
      "N:;;;;", "ORG:ACME Corporation", "X-ABShowAs:COMPANY", "EMAIL;TYPE=INTERNET,WORK:sales@acme.example.com", `TEL;TYPE=MAIN:+1 800 ${tel()}`,
    ]),
    card("bob", "Bob Example", ["colleague"], [
      "N:Example;Bob;;;", "EMAIL;TYPE=INTERNET,WORK:bob@example.com", "ORG:Example Inc.", `TEL;TYPE=CELL:+1 415 ${tel()}`,
    ]),
  ];
}
