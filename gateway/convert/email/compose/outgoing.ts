/**
 * A message as the client handed it over, made ready to leave: every recipient from To, Cc and
 * Bcc for the envelope, Bcc removed from the copy that travels, Message-ID, Date, From and
 * MIME-Version added when the client left them out. The copy for Sent keeps Bcc (the user wants
 * to see whom they blind-copied) and shares the Message-ID, so both are one message.
 */
import { randomUUID } from 'node:crypto';
import { listAddresses } from './addresses.js';
import {
  fieldValue,
  findFields,
  firstValue,
  parseRawMessage,
  serializeRawMessage,
  withFields,
  withoutFields,
  type RawMessage,
} from './raw-message.js';

export { InvalidMimeError } from './raw-message.js';

export class NoRecipientError extends Error {
  constructor() {
    super('the message names no recipient');
    this.name = 'NoRecipientError';
  }
}

export interface OutgoingOptions {
  /** The user's address: From when the message has none, and the domain of a made-up Message-ID. */
  readonly userAddress: string;
  readonly now: Date;
  /** Recipients beyond the headers (SmartForward Forwardees, 16.0+), added to To. */
  readonly extraTo?: readonly string[];
}

export interface OutgoingMessage {
  /** RCPT TO: To, Cc and Bcc, each address once (compared without case). */
  readonly recipients: readonly string[];
  /** What goes to the SMTP server: no Bcc. */
  readonly transmitted: Buffer;
  /** What goes to Sent: the same message with its Bcc field. */
  readonly saved: Buffer;
  readonly messageId: string;
}

const ADDRESS_FIELDS = ['To', 'Cc', 'Bcc'] as const;

/** Throws InvalidMimeError for bytes that are not a message, NoRecipientError for one without recipients. */
export function prepareOutgoing(mime: Uint8Array, opts: OutgoingOptions): OutgoingMessage {
  let msg = parseRawMessage(mime);
  const extra = (opts.extraTo ?? []).filter((a) => /^[^@\s<>]+@[^@\s<>]+$/.test(a));
  if (extra.length) {
    const to = findFields(msg, 'To').map(fieldValue).filter(Boolean);
    msg = withFields(withoutFields(msg, ['To']), [['To', [...to, ...extra].join(', ')]]);
  }
  const recipients = envelopeRecipients(msg);
  if (recipients.length === 0) throw new NoRecipientError();
  const added: [string, string][] = [];
  let messageId = firstValue(msg, 'Message-ID');
  if (!messageId || !/^<[^<>\s]+@[^<>\s]+>$/.test(messageId)) {
    messageId = newMessageId(opts.userAddress);
    msg = withoutFields(msg, ['Message-ID']);
    added.push(['Message-ID', messageId]);
  }
  if (!firstValue(msg, 'Date')) added.push(['Date', opts.now.toUTCString().replace('GMT', '+0000')]);
  if (!firstValue(msg, 'From')) added.push(['From', opts.userAddress]);
  if (!firstValue(msg, 'MIME-Version')) added.push(['MIME-Version', '1.0']);
  const saved = withFields(msg, added);
  const transmitted = serializeRawMessage(withoutFields(saved, ['Bcc']));
  // Without Bcc both copies are the same bytes: one buffer, not two, for a large message.
  return { recipients, transmitted, saved: findFields(saved, 'Bcc').length ? serializeRawMessage(saved) : transmitted, messageId };
}

/** Every mailbox of To, Cc and Bcc, groups flattened, each address once. */
export function envelopeRecipients(msg: RawMessage): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of ADDRESS_FIELDS) {
    for (const field of findFields(msg, name)) {
      for (const address of listAddresses(fieldValue(field))) {
        const key = address.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(address);
      }
    }
  }
  return out;
}

export function newMessageId(userAddress: string): string {
  const domain = userAddress.includes('@') ? userAddress.slice(userAddress.lastIndexOf('@') + 1) : 'easgate.invalid';
  return `<${randomUUID()}@${domain}>`;
}
