/**
 * When the submission server refuses some recipients but takes the others, the message goes out
 * and the command succeeds (failing it would make the client send it again to everyone). The
 * user still has to learn who did not get it, as a mail server would tell them: a short
 * non-delivery notice for their Inbox (RFC 3464 in spirit, plain text in form).
 */
import { decodeHeaderWords } from '../decode.js';
import { textPart } from './mime-build.js';
import { newMessageId } from './outgoing.js';
import { firstValue, parseRawMessage } from './raw-message.js';

export interface NoticeInput {
  readonly userAddress: string;
  /** The message as it was sent (for its Subject and Message-ID). */
  readonly sent: Uint8Array;
  readonly refused: readonly string[];
  readonly now: Date;
}

export function nonDeliveryNotice(input: NoticeInput): Buffer {
  const msg = parseRawMessage(input.sent);
  const subject = decodeHeaderWords(firstValue(msg, 'Subject') ?? '').replace(/[\r\n]+/g, ' ').trim();
  const domain = input.userAddress.slice(input.userAddress.lastIndexOf('@') + 1) || 'localhost';
  const text = [
    `Your message${subject ? ` "${subject}"` : ''} was not delivered to these recipients, because the mail server refused them:`,
    '',
    ...input.refused.map((a) => `    ${a}`),
    '',
    'Everyone else the message was addressed to received it.',
    '',
  ].join('\r\n');
  const body = textPart('plain', text);
  const inReplyTo = firstValue(msg, 'Message-ID');
  const head = [
    `From: "Mail Delivery System" <MAILER-DAEMON@${domain}>`,
    `To: ${input.userAddress}`,
    `Subject: ${encodeSubject(`Undeliverable: ${subject}`)}`,
    `Date: ${input.now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${newMessageId(input.userAddress)}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** RFC 2047 B-encoding when the subject is not plain ASCII. */
function encodeSubject(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?utf-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}
