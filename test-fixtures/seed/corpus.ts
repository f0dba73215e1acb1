/** Word lists for the seed corpus: people, subjects and sentence material. */
import type { Rng } from "./rng.js";
import type { Address } from "./mime.js";

export interface Person extends Address {
  name: string;
  /** UTC offset (minutes) this person writes their Date header in. */
  tz: number;
}

export const PEOPLE: readonly Person[] = [
  { name: "Carol Danvers", address: "carol.danvers@example.org", tz: -300 },
  { name: "Jürgen Müller", address: "juergen.mueller@example.de", tz: 60 },
  { name: "Zoë Faßbender", address: "zoe@fassbender.example.de", tz: 60 },
  { name: "François Lefèvre", address: "f.lefevre@example.fr", tz: 60 },
  { name: "山田 太郎", address: "taro.yamada@example.jp", tz: 540 },
  { name: "Дмитрий Иванов", address: "d.ivanov@example.ru", tz: 180 },
  { name: "Ólafur Þórsson", address: "olafur@example.is", tz: 0 },
  { name: "Priya Raman", address: "priya.raman@example.in", tz: 330 },
  { name: "O'Brien, Sean", address: "sean.obrien@example.ie", tz: 0 },
  { name: "María José García", address: "mjgarcia@example.es", tz: 60 },
  { name: "Wei Zhang", address: "wei.zhang@example.cn", tz: 480 },
  { name: "Amelia Stone", address: "amelia@stone.example.com", tz: -480 },
  { name: "Ben Okafor", address: "ben.okafor@example.ng", tz: 60 },
  { name: "Build Bot", address: "ci-noreply@builds.example.net", tz: 0 },
  { name: "Newsletter Team", address: "news@letters.example.com", tz: -300 },
  { name: "Grace Hopper", address: "grace@navy.example.mil", tz: -300 },
  { name: "Lukas Nowak", address: "lukas.nowak@example.pl", tz: 60 },
  { name: "Søren Kierkegaard", address: "soren@example.dk", tz: 60 },
  { name: "Ana Lúcia Souza", address: "ana.souza@example.com.br", tz: -180 },
  { name: "Hiroshi Tanaka", address: "h.tanaka@example.jp", tz: 540 },
];

/** People with names representable in ISO-8859-1, for the legacy-charset messages. */
export const LATIN1_PEOPLE: readonly Person[] = PEOPLE.filter((p) => /^[\x20-\xff]*$/.test(p.name) && /[\x80-\xff]/.test(p.name));

export const ASCII_SUBJECTS: readonly string[] = [
  "Quarterly planning",
  "Lunch on Friday?",
  "Invoice 2024-0815",
  "Re-org of the shared drive",
  "Release notes for v3.2",
  "Your order has shipped",
  "Design review: settings page",
  "Travel arrangements for the conference",
  "Minutes from Monday's standup",
  "Budget approval needed",
  "Welcome to the team!",
  "Build #4711 failed on main",
  "Question about the API rate limits",
  "Offsite agenda",
  "Password policy update",
  "Draft contract for review",
  "Photos from the hike",
  "Customer feedback summary",
  "Server maintenance window this weekend",
  "Monthly newsletter",
];

export const UNICODE_SUBJECTS: readonly string[] = [
  "Besprechung nächste Woche – Raumänderung",
  "Réunion de l'équipe : ordre du jour",
  "会議の議事録（第3四半期）",
  "Отчёт за квартал",
  "Grüße aus Zürich 🏔️",
  "¿Vienes a la fiesta el sábado?",
  "Ψάχνω για το αρχείο",
  "Smörgåsbord på fredag",
  "🎉 Launch day! 🚀",
  "Προσφορά & τιμολόγιο № 42",
];

export const LATIN1_SUBJECTS: readonly string[] = [
  "Größenänderung der Präsentation",
  "Café à côté, déjeuner ?",
  "Año nuevo, señal nueva",
  "Smørrebrød og øl på fredag",
];

const WORDS = (
  "the a project team meeting schedule update report draft review budget customer server " +
  "release plan idea question answer week month quarter office travel invoice contract " +
  "design feature bug fix test deploy document notes agenda summary proposal deadline " +
  "please thanks soon today tomorrow next last good great small quick important new " +
  "check send share attach discuss confirm agree think need want know see find make " +
  "we you they it this that our your their with for about from into over after before"
).split(" ");

const GERMAN = "Danke für die schnelle Antwort. Die Übersicht ist fertig, ich schicke sie morgen früh. Grüße aus München!";
const FRENCH = "Merci beaucoup ! Le rapport est prêt ; je l'envoie demain matin. À bientôt.";
const JAPANESE = "お疲れ様です。資料を添付しましたので、ご確認ください。よろしくお願いします。";

export function sentence(rng: Rng): string {
  const n = rng.int(6, 16);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  const s = words.join(" ");
  return s.charAt(0).toUpperCase() + s.slice(1) + rng.pick([".", ".", ".", "?", "!"]);
}

export function paragraph(rng: Rng): string {
  const n = rng.int(1, 5);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(sentence(rng));
  return out.join(" ");
}

/** Plain-text body: greeting, paragraphs (occasionally non-English), sign-off. */
export function bodyParagraphs(rng: Rng, from: Person, unicode: boolean): string[] {
  const paras = [`Hi,`];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) paras.push(paragraph(rng));
  if (unicode) paras.push(rng.pick([GERMAN, FRENCH, JAPANESE]));
  paras.push(`Best regards,\n${from.name}`);
  return paras;
}

export const LATIN1_BODY =
  "Sehr geehrte Damen und Herren,\n\n" +
  "anbei die Übersicht über die Änderungen für das nächste Quartal. Bitte prüfen Sie die " +
  "Größenangaben und die Preise (in EUR, netto).\n\n" +
  "Déjà vu: naïve façade, señor, smørrebrød, Ærø, Þingvellir, ½ + ¼ = ¾, 25 °C, © 2024.\n\n" +
  "Mit freundlichen Grüßen\n";
