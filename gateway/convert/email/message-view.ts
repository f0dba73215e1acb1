/**
 * What the email converters read: one message as an IMAP server describes it, without UIDs or
 * mailbox names, so the converters stay pure and testable from .eml files.
 *
 * The shape follows what imapflow returns for FETCH (ENVELOPE, FLAGS, BODYSTRUCTURE,
 * INTERNALDATE, RFC822.SIZE, PREVIEW, BODY.PEEK[HEADER.FIELDS (...)]) so the IMAP adapter fills
 * it field by field, and then the body parts it fetched with BODY.PEEK[section]<0.N> after asking
 * `planBodyFetch` which sections it needs.
 */

/** One mailbox of an address list. Group syntax is flattened by the adapter; a group name alone has no address. */
export interface MailAddress {
  /** Display name, decoded (RFC 2047 encoded words are decoded again here if the adapter left them). */
  readonly name?: string;
  readonly address?: string;
}

/**
 * One node of BODYSTRUCTURE (RFC 3501 7.4.2), as imapflow shapes it.
 * `type` is "maintype/subtype" in lower case; parameter names are lower case.
 */
export interface MimePart {
  /**
   * The IMAP section number ("1", "1.2", "2.1.3"). The root of a multipart message has none; the
   * root of a single-part message is "1" (BODY[1] is its body).
   */
  readonly part?: string;
  readonly type: string;
  /** Content-Type parameters: charset, name, method (text/calendar), boundary, report-type, ... */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Content-Transfer-Encoding in lower case: 7bit, 8bit, binary, quoted-printable, base64. */
  readonly encoding?: string;
  /** Size of the encoded body in octets. */
  readonly size?: number;
  /** Content-ID, with or without the angle brackets. */
  readonly id?: string;
  readonly description?: string;
  /** "inline" or "attachment" (lower case), when the part has Content-Disposition. */
  readonly disposition?: string;
  readonly dispositionParameters?: Readonly<Record<string, string>>;
  /** Content-Location. */
  readonly location?: string;
  /** Children of a multipart. A message/rfc822 part is treated as one attachment, so its inside is not read. */
  readonly childNodes?: readonly MimePart[];
  /** For message/rfc822: the subject of the enclosed message (ENVELOPE inside BODYSTRUCTURE), for its file name. */
  readonly messageSubject?: string;
}

export interface MessageView {
  readonly from?: readonly MailAddress[];
  readonly sender?: readonly MailAddress[];
  readonly replyTo?: readonly MailAddress[];
  readonly to?: readonly MailAddress[];
  readonly cc?: readonly MailAddress[];
  readonly bcc?: readonly MailAddress[];
  /** Decoded subject. */
  readonly subject?: string;
  /** The Date header. */
  readonly date?: Date;
  /** Message-ID, with or without angle brackets. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  /** The References header's message ids, oldest first. */
  readonly references?: readonly string[];
  /**
   * Header fields fetched with BODY.PEEK[HEADER.FIELDS (...)], by lower-case name, raw and
   * unfolded; the converters read: importance, x-priority, x-msmail-priority, priority,
   * content-class, thread-topic. (References and the envelope fields have their own properties.)
   */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** System flags and keywords exactly as IMAP reports them: "\\Seen", "\\Flagged", "$Forwarded", "Work". */
  readonly flags: readonly string[];
  readonly internalDate?: Date;
  /** RFC822.SIZE. */
  readonly size?: number;
  readonly structure: MimePart;
  /** The server's PREVIEW (RFC 8970), when it has one: used for airsyncbase:Preview instead of fetching text. */
  readonly preview?: string;
}

/**
 * One section the adapter fetched: the raw (still transfer-encoded) bytes of BODY[part], or of the
 * whole message (BODY[]) when `part` is "".
 */
export interface FetchedPart {
  readonly part: string;
  readonly bytes: Uint8Array;
  /** True when the adapter stopped at the requested byte limit and the part is longer. */
  readonly truncated: boolean;
  /** Override of the structure's transfer encoding and charset (an adapter that used BINARY has decoded already). */
  readonly encoding?: string;
  readonly charset?: string;
}

/** The section of the whole message in `FetchedPart.part` and `FetchRequest.part`. */
export const WHOLE_MESSAGE = '';
