import { AirNotify } from './airnotify.js';
import { AirSync } from './airsync.js';
import { AirSyncBase } from './airsyncbase.js';
import { Calendar } from './calendar.js';
import { ComposeMail } from './composemail.js';
import { Contacts } from './contacts.js';
import { Contacts2 } from './contacts2.js';
import { DocumentLibrary } from './documentlibrary.js';
import { Email } from './email.js';
import { Email2 } from './email2.js';
import { Find } from './find.js';
import { FolderHierarchy } from './folderhierarchy.js';
import { GAL } from './gal.js';
import { GetItemEstimate } from './getitemestimate.js';
import { ItemOperations } from './itemoperations.js';
import { MeetingResponse } from './meetingresponse.js';
import { Move } from './move.js';
import { Notes } from './notes.js';
import { Ping } from './ping.js';
import { Provision } from './provision.js';
import { ResolveRecipients } from './resolverecipients.js';
import { RightsManagement } from './rightsmanagement.js';
import { Search } from './search.js';
import { Settings } from './settings.js';
import { Tasks } from './tasks.js';
import type { CodePage } from './types.js';
import { ValidateCert } from './validatecert.js';

export type { CodePage } from './types.js';

/** Every code page of MS-ASWBXML, indexed by page number: `CODE_PAGES[n].page === n`. */
export const CODE_PAGES: readonly CodePage[] = Object.freeze([
  AirSync, // 0
  Contacts, // 1
  Email, // 2
  AirNotify, // 3
  Calendar, // 4
  Move, // 5
  GetItemEstimate, // 6
  FolderHierarchy, // 7
  MeetingResponse, // 8
  Tasks, // 9
  ResolveRecipients, // 10
  ValidateCert, // 11
  Contacts2, // 12
  Ping, // 13
  Provision, // 14
  Search, // 15
  GAL, // 16
  AirSyncBase, // 17
  Settings, // 18
  DocumentLibrary, // 19
  ItemOperations, // 20
  ComposeMail, // 21
  Email2, // 22
  Notes, // 23
  RightsManagement, // 24
  Find, // 25
]);

/** Where a tag lives on the wire: its code page and its token (without the content bit 0x40). */
export interface TokenRef {
  readonly page: number;
  readonly token: number;
}

const BY_NAMESPACE: ReadonlyMap<string, CodePage> = new Map(CODE_PAGES.map((cp) => [cp.namespace, cp]));

/** namespace -> tag name -> {page, token}; built once at module load for the encoder's hot path. */
const TOKENS: ReadonlyMap<string, ReadonlyMap<string, TokenRef>> = buildTokenIndex();

function buildTokenIndex(): Map<string, Map<string, TokenRef>> {
  const index = new Map<string, Map<string, TokenRef>>();
  CODE_PAGES.forEach((cp, i) => {
    if (cp.page !== i) throw new Error(`code page ${cp.namespace} declares page ${cp.page} but sits at index ${i}`);
    if (index.has(cp.namespace)) throw new Error(`namespace ${cp.namespace} is registered twice`);
    const byTag = new Map<string, TokenRef>();
    for (const [key, tag] of Object.entries(cp.tags)) {
      const token = Number(key);
      if (byTag.has(tag)) throw new Error(`tag ${cp.namespace}:${tag} has two tokens`);
      byTag.set(tag, Object.freeze({ page: cp.page, token }));
    }
    index.set(cp.namespace, byTag);
    Object.freeze(cp.tags);
    Object.freeze(cp);
  });
  return index;
}

/** The code page of a namespace, spelled as MS-ASWBXML does, without the trailing colon ("AirSync", "GAL"). */
export function pageByNamespace(ns: string): CodePage | undefined {
  return BY_NAMESPACE.get(ns);
}

/** The code page and token of `ns:tag`, or undefined when MS-ASWBXML defines no such tag. */
export function tokenFor(ns: string, tag: string): TokenRef | undefined {
  return TOKENS.get(ns)?.get(tag);
}
