/**
 * libwbxml (Debian libwbxml2 0.11.8, `wbxml2xml -l ACTIVESYNC`) versus MS-ASWBXML: how to turn
 * what wbxml2xml prints into the names our codec uses, so that our decoder's output can be compared
 * with wbxml2xml's.
 *
 * Everything here was found empirically: one WBXML document per (code page 0..25, token 0x05..0x3F)
 * decoded with wbxml2xml, compared with `codec/codepages`; plus the captured client requests in
 * /work/shared/fixtures/captured_clients/*, whose `*.decoded.xml` files are byte-identical to what
 * `wbxml2xml -l ACTIVESYNC -m 1` prints for the `*.req.wbxml` next to them. No libwbxml source was used.
 *
 * ## What wbxml2xml -l ACTIVESYNC -m 1 writes
 *
 * - `<?xml version="1.0"?>`, then `<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN"
 *   "http://www.microsoft.com/">`, then one element per line, not indented (`-m 1` with the default
 *   indent puts each tag on its own line; text content stays on the tag's line).
 * - Namespaces are never prefixes. Each namespace is a *default* namespace declaration whose value
 *   is the MS-ASWBXML namespace name followed by a colon: `<Sync xmlns="AirSync:">`.
 *   The root always carries one. Any other element carries one exactly when its code page differs
 *   from its parent element's code page, so siblings repeat it
 *   (`<Read xmlns="Email:">0</Read><Subject xmlns="Email:">s</Subject>`), and an element that goes
 *   back to the parent's page carries none. Redundant SWITCH_PAGE tokens leave no trace.
 *   Read the namespace as the element's in-scope default namespace minus the trailing colon, then
 *   map it with {@link specNamespaceFromLibwbxml} (page 16 is written `Gal:`, the spec says `GAL`).
 * - Empty elements are self-closed: `<SaveInSentItems/>`. Text is escaped (`&amp;`, `&lt;`, `&quot;`).
 * - OPAQUE content is written as base64 for the elements in {@link LIBWBXML_BASE64_OPAQUE} and as the
 *   raw bytes (not valid XML text when they are binary) for every other element.
 * - A token libwbxml does not know becomes `<unknown>`, declared in namespace `FolderHierarchy:`
 *   whatever the real page is. That happens for the whole of page 25 (Find: libwbxml 0.11.8 predates
 *   it) and for the tokens in {@link LIBWBXML_UNKNOWN_TOKENS}. Such elements cannot be compared by
 *   name; compare their position and content only.
 */

/** libwbxml namespace (without the trailing colon) -> MS-ASWBXML namespace, where they differ. */
export const LIBWBXML_NAMESPACE_TO_SPEC: Readonly<Record<string, string>> = {
  Gal: 'GAL',
};

/**
 * "SpecNamespace.libwbxmlName" -> MS-ASWBXML tag name, for every token whose libwbxml name differs
 * from the specification's. The key uses the *spec* namespace ("GAL", not "Gal").
 */
export const LIBWBXML_TO_SPEC: Readonly<Record<string, string>> = {
  // Code page 1: Contacts
  'Contacts.AssistantTelephoneNumber': 'AssistantPhoneNumber', // 0x07
  'Contacts.BusinessCity': 'BusinessAddressCity', // 0x0D
  'Contacts.BusinessCountry': 'BusinessAddressCountry', // 0x0E
  'Contacts.BusinessPostalCode': 'BusinessAddressPostalCode', // 0x0F
  'Contacts.BusinessState': 'BusinessAddressState', // 0x10
  'Contacts.BusinessStreet': 'BusinessAddressStreet', // 0x11
  'Contacts.HomeCity': 'HomeAddressCity', // 0x21
  'Contacts.HomeCountry': 'HomeAddressCountry', // 0x22
  'Contacts.HomePostalCode': 'HomeAddressPostalCode', // 0x23
  'Contacts.HomeState': 'HomeAddressState', // 0x24
  'Contacts.HomeStreet': 'HomeAddressStreet', // 0x25
  'Contacts.OtherCity': 'OtherAddressCity', // 0x2D
  'Contacts.OtherCountry': 'OtherAddressCountry', // 0x2E
  'Contacts.OtherPostalCode': 'OtherAddressPostalCode', // 0x2F
  'Contacts.OtherState': 'OtherAddressState', // 0x30
  'Contacts.OtherStreet': 'OtherAddressStreet', // 0x31
  // Code page 2: Email
  'Email.AttOId': 'Att0Id', // 0x09: letter O in libwbxml, digit zero in the spec
  'Email.Reply-To': 'ReplyTo', // 0x19
  'Email.DTStamp': 'DtStamp', // 0x1D
  'Email.Recurrence_Type': 'Type', // 0x29
  'Email.Recurrence_Until': 'Until', // 0x2A
  'Email.Recurrence_Occurrences': 'Occurrences', // 0x2B
  'Email.Recurrence_Interval': 'Interval', // 0x2C
  'Email.Recurrence_DayOfWeek': 'DayOfWeek', // 0x2D
  'Email.Recurrence_DayOfMonth': 'DayOfMonth', // 0x2E
  'Email.Recurrence_WeekOfMonth': 'WeekOfMonth', // 0x2F
  'Email.Recurrence_MonthOfYear': 'MonthOfYear', // 0x30
  'Email.FlagStatus': 'Status', // 0x3B
  // Code page 4: Calendar
  'Calendar.TimeZone': 'Timezone', // 0x05
  'Calendar.Attendee_Email': 'Email', // 0x09
  'Calendar.Attendee_Name': 'Name', // 0x0A
  'Calendar.DTStamp': 'DtStamp', // 0x11
  'Calendar.Exception_Deleted': 'Deleted', // 0x15
  'Calendar.Exception_StartTime': 'ExceptionStartTime', // 0x16
  'Calendar.Organizer_Email': 'OrganizerEmail', // 0x19
  'Calendar.Organizer_Name': 'OrganizerName', // 0x1A
  'Calendar.Recurrence_Type': 'Type', // 0x1C
  'Calendar.Recurrence_Until': 'Until', // 0x1D
  'Calendar.Recurrence_Occurrences': 'Occurrences', // 0x1E
  'Calendar.Recurrence_Interval': 'Interval', // 0x1F
  'Calendar.Recurrence_DayOfWeek': 'DayOfWeek', // 0x20
  'Calendar.Recurrence_DayOfMonth': 'DayOfMonth', // 0x21
  'Calendar.Recurrence_WeekOfMonth': 'WeekOfMonth', // 0x22
  'Calendar.Recurrence_MonthOfYear': 'MonthOfYear', // 0x23
  'Calendar.Attendee_Status': 'AttendeeStatus', // 0x29
  'Calendar.Attendee_Type': 'AttendeeType', // 0x2A
  // Code page 9: Tasks
  'Tasks.UTCDueDate': 'UtcDueDate', // 0x0D
  'Tasks.Recurrence_Type': 'Type', // 0x10
  'Tasks.Recurrence_Start': 'Start', // 0x11
  'Tasks.Recurrence_Until': 'Until', // 0x12
  'Tasks.Recurrence_Occurrences': 'Occurrences', // 0x13
  'Tasks.Recurrence_Interval': 'Interval', // 0x14
  'Tasks.Recurrence_DayOfMonth': 'DayOfMonth', // 0x15
  'Tasks.Recurrence_DayOfWeek': 'DayOfWeek', // 0x16
  'Tasks.Recurrence_WeekOfMonth': 'WeekOfMonth', // 0x17
  'Tasks.Recurrence_MonthOfYear': 'MonthOfYear', // 0x18
  'Tasks.Recurrence_Regenerate': 'Regenerate', // 0x19
  'Tasks.Recurrence_DeadOccur': 'DeadOccur', // 0x1A
  'Tasks.UTCStartDate': 'UtcStartDate', // 0x1F
  // Code page 14: Provision
  'Provision.DeviceEncryptionEnabled': 'RequireStorageCardEncryption', // 0x10
  // Code page 18: Settings
  'Settings.SmtpAddress': 'SMTPAddress', // 0x1F
  'Settings.ihsManagementInformation': 'RightsManagementInformation', // 0x2B (truncated in libwbxml)
  // Code page 21: ComposeMail
  'ComposeMail.MIME': 'Mime', // 0x10
  'ComposeMail.ForwardeeName': 'Name', // 0x17 (older spec revisions also said ForwardeeName)
  'ComposeMail.ForwardeeEmail': 'Email', // 0x18 (older spec revisions also said ForwardeeEmail)
  // Code page 24: RightsManagement
  'RightsManagement.RMOwner': 'Owner', // 0x12
  'RightsManagement.RemoveRightsManagementDistribution': 'RemoveRightsManagementProtection', // 0x18
};

/** A token one side knows and the other does not. */
export interface TokenNote {
  /** MS-ASWBXML namespace of the code page. */
  readonly namespace: string;
  readonly page: number;
  readonly token: number;
  /** libwbxml's name, when libwbxml names it. */
  readonly libwbxmlName?: string;
}

/**
 * Tokens libwbxml decodes to a name although MS-ASWBXML lists no tag for them (pre-2.5 leftovers
 * and RTF bodies). `codec/codepages` does not define them, so our decoder treats them as unknown tokens
 * while wbxml2xml prints a name; a comparison should treat them as "unknown on our side".
 */
export const LIBWBXML_ONLY_TOKENS: readonly TokenNote[] = [
  { namespace: 'AirSync', page: 0, token: 0x11, libwbxmlName: 'Version' },
  { namespace: 'AirSync', page: 0, token: 0x1a, libwbxmlName: 'RTFTruncation' },
  { namespace: 'AirSync', page: 0, token: 0x1f, libwbxmlName: 'NotifyGUID' },
  { namespace: 'Contacts', page: 1, token: 0x3b, libwbxmlName: 'CompressedRTF' },
  { namespace: 'Email', page: 2, token: 0x0b, libwbxmlName: 'AttRemoved' },
  { namespace: 'Calendar', page: 4, token: 0x10, libwbxmlName: 'Compressed_RTF' },
  { namespace: 'GetItemEstimate', page: 6, token: 0x06, libwbxmlName: 'Version' },
  { namespace: 'GetItemEstimate', page: 6, token: 0x0b, libwbxmlName: 'DateTime' },
  { namespace: 'FolderHierarchy', page: 7, token: 0x0b, libwbxmlName: 'Response' },
  { namespace: 'FolderHierarchy', page: 7, token: 0x0d, libwbxmlName: 'ContentClass' },
  { namespace: 'FolderHierarchy', page: 7, token: 0x18, libwbxmlName: 'Version' },
  { namespace: 'MeetingResponse', page: 8, token: 0x0d, libwbxmlName: 'Version' },
  { namespace: 'Tasks', page: 9, token: 0x21, libwbxmlName: 'CompressedRTF' },
  { namespace: 'Ping', page: 13, token: 0x06, libwbxmlName: 'AutdState' },
  { namespace: 'Provision', page: 14, token: 0x12, libwbxmlName: 'DocumentBrowseEnabled' },
  { namespace: 'Search', page: 15, token: 0x1c, libwbxmlName: 'Schema' },
  { namespace: 'Search', page: 15, token: 0x1d, libwbxmlName: 'Supported' },
];

/**
 * Tokens MS-ASWBXML defines that libwbxml 0.11.8 prints as `<unknown xmlns="FolderHierarchy:">`
 * (16.x additions it never learnt). Besides these, every token of page 25 (Find) is unknown to it.
 */
export const LIBWBXML_UNKNOWN_TOKENS: readonly TokenNote[] = [
  { namespace: 'MeetingResponse', page: 8, token: 0x10 }, // ProposedStartTime
  { namespace: 'MeetingResponse', page: 8, token: 0x11 }, // ProposedEndTime
  { namespace: 'Provision', page: 14, token: 0x3b }, // AccountOnlyRemoteWipe
];

/** Code pages libwbxml 0.11.8 does not know at all (every token prints as `<unknown>`). */
export const LIBWBXML_UNKNOWN_PAGES: readonly number[] = [25];

/**
 * Elements (spec names, "Namespace.Tag") whose OPAQUE content wbxml2xml prints as base64;
 * OPAQUE content of any other element is printed as raw bytes.
 */
export const LIBWBXML_BASE64_OPAQUE: ReadonlySet<string> = new Set([
  'ResolveRecipients.Data',
  'Search.ConversationId',
  'GAL.Data',
  'AirSyncBase.Content',
  'ItemOperations.ConversationId',
  'ComposeMail.Mime',
  'Email2.ConversationId',
  'Email2.ConversationIndex',
]);

/** MS-ASWBXML namespace for a namespace as wbxml2xml writes it ("Gal:" -> "GAL", "AirSync:" -> "AirSync"). */
export function specNamespaceFromLibwbxml(namespace: string): string {
  const bare = namespace.endsWith(':') ? namespace.slice(0, -1) : namespace;
  return LIBWBXML_NAMESPACE_TO_SPEC[bare] ?? bare;
}

/**
 * MS-ASWBXML tag name for a tag name printed by wbxml2xml. `namespace` may be written either way
 * ("Calendar:" / "Calendar", "Gal:" / "GAL"). Names that libwbxml already spells like the
 * specification, `unknown`, and the names in {@link LIBWBXML_ONLY_TOKENS} come back unchanged.
 */
export function specNameFromLibwbxml(namespace: string, libwbxmlName: string): string {
  return LIBWBXML_TO_SPEC[`${specNamespaceFromLibwbxml(namespace)}.${libwbxmlName}`] ?? libwbxmlName;
}
