/**
 * EAS folder types (MS-ASCMD 2.2.3.186.3) and how backend folders map onto them.
 */
import type { MailFolder } from '../../ports/mail-store.js';

export const FolderType = {
  Generic: 1,
  Inbox: 2,
  Drafts: 3,
  DeletedItems: 4,
  SentItems: 5,
  Outbox: 6,
  Tasks: 7,
  Calendar: 8,
  Contacts: 9,
  Notes: 10,
  Journal: 11,
  UserMail: 12,
  UserCalendar: 13,
  UserContacts: 14,
  UserTasks: 15,
  UserJournal: 16,
  UserNotes: 17,
  Unknown: 18,
  RecipientInfo: 19,
} as const;
export type FolderTypeValue = (typeof FolderType)[keyof typeof FolderType];

/**
 * INBOX, \Drafts, \Trash and \Sent are the default mail folders. Everything else is a
 * user mail folder, Junk included: Exchange itself lists "Junk E-Mail" as type 12, as
 * there is no junk type; \Archive, \All and \Flagged likewise.
 */
export function mailFolderType(folder: Pick<MailFolder, 'specialUse'>): FolderTypeValue {
  switch (folder.specialUse) {
    case '\\Inbox': return FolderType.Inbox;
    case '\\Drafts': return FolderType.Drafts;
    case '\\Trash': return FolderType.DeletedItems;
    case '\\Sent': return FolderType.SentItems;
    default: return FolderType.UserMail;
  }
}

/** What FolderCreate may do with a requested Type (MS-ASCMD 2.2.3.186.2). */
export type CreatableKind =
  /** 1 (generic) or 12: an IMAP mailbox. */
  | 'mail'
  /** 13-17: calendar, contacts, tasks, journal, notes; no backend for them yet. */
  | 'unsupported'
  /** 2-11, 19 (default folders, reserved) and anything else: not something a client may create. */
  | 'invalid';

export function creatableKind(type: number): CreatableKind {
  if (type === FolderType.Generic || type === FolderType.UserMail) return 'mail';
  if (type >= FolderType.UserCalendar && type <= FolderType.UserNotes) return 'unsupported';
  return 'invalid';
}
