/**
 * A draft's properties as an RFC 5322 message, composed with nodemailer's MailComposer (which
 * does the header encoding, line folding and multipart structure that hand-written MIME gets
 * wrong): To, Cc, Bcc (kept: it is a draft), Reply-To, Subject, Importance, the body as
 * text/plain or text/html, and attachments (inline ones with a Content-ID beside the HTML).
 */
// MailComposer only builds MIME in memory; no transport, no I/O (the layer rule is about SMTP).
// eslint-disable-next-line no-restricted-imports
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailItem } from '../../items/email.js';
import { ItemConversionError } from '../../items/errors.js';

export interface ComposeAttachment {
  readonly filename?: string;
  readonly content: Uint8Array;
  readonly contentType?: string;
  /** Without angle brackets. */
  readonly contentId?: string;
  readonly inline?: boolean;
  /** MS-ASAIRS Method 5: an enclosed message (message/rfc822). */
  readonly method?: number;
}

export interface ComposeDraftOptions {
  /** The From when the draft names none: the user's own address. */
  readonly from: string;
  readonly date: Date;
  /** Kept across a draft's versions, so a reply draft stays in its thread. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: string;
  /** Further header fields (the gateway's own marker of a draft's ClientId). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Throws ItemConversionError for a body the gateway cannot store as a draft (RTF, a MIME body). */
export async function composeDraft(item: Partial<EmailItem>, attachments: readonly ComposeAttachment[], opts: ComposeDraftOptions): Promise<Uint8Array> {
  const headers: Record<string, string> = { ...opts.headers };
  if (item.importance === 2) Object.assign(headers, { Importance: 'high', 'X-Priority': '1 (Highest)' });
  if (item.importance === 0) Object.assign(headers, { Importance: 'low', 'X-Priority': '5 (Lowest)' });
  const body = bodyOf(item);
  const composer = new MailComposer({
    from: item.from ?? opts.from,
    ...(item.to ? { to: item.to } : {}),
    ...(item.cc ? { cc: item.cc } : {}),
    ...(item.bcc ? { bcc: item.bcc } : {}),
    ...(item.replyTo ? { replyTo: item.replyTo } : {}),
    subject: item.subject ?? '',
    date: opts.date,
    ...(opts.messageId ? { messageId: opts.messageId } : {}),
    ...(opts.inReplyTo ? { inReplyTo: opts.inReplyTo } : {}),
    ...(opts.references ? { references: opts.references } : {}),
    ...body,
    headers,
    attachments: attachments.map((a) => ({
      content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: a.contentType ?? (a.method === 5 ? 'message/rfc822' : undefined),
      ...(a.contentId ? { cid: a.contentId } : {}),
      ...(a.inline ? { contentDisposition: 'inline' } : {}),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  });
  const node = composer.compile();
  node.keepBcc = true;
  return new Uint8Array(await node.build());
}

function bodyOf(item: Partial<EmailItem>): { text?: string; html?: string } {
  const b = item.body;
  if (!b || b.data === undefined) return { text: '' };
  const data = typeof b.data === 'string' ? b.data : Buffer.from(b.data).toString('utf8');
  if (b.type === 1) return { text: data };
  if (b.type === 2) return { html: data };
  throw new ItemConversionError('ApplicationData/AirSyncBase:Body/AirSyncBase:Type', 'draft-body-type', `a draft body of type ${b.type} is not supported (plain text or HTML)`);
}
