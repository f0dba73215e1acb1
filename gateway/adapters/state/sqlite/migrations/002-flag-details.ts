/**
 * Flag details: what a client set in Email:Flag (dates, reminder, flag type, completion) that
 * IMAP cannot hold beyond \Flagged, per user and message. Keyed by mailbox path and UIDVALIDITY,
 * so a recreated mailbox never lends its details to a new message with an old UID.
 */
export const sql = `
CREATE TABLE flag_details (
  user TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  details TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user, mailbox, uid_validity, uid)
) STRICT, WITHOUT ROWID;
`;
