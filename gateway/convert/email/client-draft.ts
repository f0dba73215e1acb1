/**
 * A client's draft (MS-ASEMAIL 16.0+: Sync Add or Change in Drafts) as typed data: the email
 * properties the schema reads, plus the attachment changes of MS-ASAIRS 2.2.2.2/2.2.2.20
 * (AirSyncBase:Attachments with Add and Delete children), which the item schema does not model
 * because a server never sends them.
 */
import { boolOf, intOf, opaqueOf, textOf } from '../../../codec/access.js';
import { SchemaError } from '../../../codec/errors.js';
import type { WbxmlElement } from '../../../codec/tree.js';
import { EMAIL_SCHEMA, type EmailItem } from '../../items/email.js';
import { ItemConversionError } from '../../items/errors.js';
import { fromApplicationData } from '../../items/schema.js';
import type { ItemVersion } from '../../items/version.js';

const ASB = 'AirSyncBase';

export interface DraftAttachmentAdd {
  /** The client's temporary id; answered with the attachment's FileReference. */
  readonly clientId: string;
  readonly content: Uint8Array;
  readonly displayName?: string;
  /** MS-ASAIRS 2.2.2.31: 1 normal, 5 embedded message, 6 OLE. */
  readonly method?: number;
  readonly contentType?: string;
  readonly contentId?: string;
  readonly contentLocation?: string;
  readonly isInline?: boolean;
}

export interface ClientDraft {
  /** The draft's properties (To, Cc, Bcc, Subject, Importance, Body, ...); attachments are below. */
  readonly item: Partial<EmailItem>;
  readonly addAttachments: readonly DraftAttachmentAdd[];
  /** FileReferences of attachments to drop (Change). */
  readonly deleteAttachments: readonly string[];
}

/** Throws ItemConversionError (Sync Status 6) for malformed values or attachments. */
export function fromClientDraft(elements: readonly WbxmlElement[], version: ItemVersion): ClientDraft {
  const attachmentsEl = elements.find((e) => e.ns === ASB && e.tag === 'Attachments');
  const rest = elements.filter((e) => e !== attachmentsEl);
  const { item, skipped } = fromApplicationData(EMAIL_SCHEMA, rest, version);
  const readOnly = skipped.find((s) => s.reason === 'read-only');
  if (readOnly) throw new ItemConversionError(readOnly.path, 'read-only', 'the client may not set this element');
  const { attachments: _ignored, ...props } = item;
  const addAttachments: DraftAttachmentAdd[] = [];
  const deleteAttachments: string[] = [];
  for (const c of attachmentsEl?.children ?? []) {
    if (c.ns === ASB && c.tag === 'Add') addAttachments.push(attachmentAdd(c));
    else if (c.ns === ASB && c.tag === 'Delete') {
      const ref = guard('Delete', () => textOf(c, ASB, 'FileReference'));
      if (!ref) throw new ItemConversionError('ApplicationData/AirSyncBase:Attachments/AirSyncBase:Delete', 'no-file-reference', 'an attachment Delete needs a FileReference');
      deleteAttachments.push(ref);
    }
  }
  return { item: props, addAttachments, deleteAttachments };
}

function attachmentAdd(e: WbxmlElement): DraftAttachmentAdd {
  return guard('Add', () => {
    const clientId = textOf(e, ASB, 'ClientId');
    const content = opaqueOf(e, ASB, 'Content');
    if (!clientId || !content) {
      throw new ItemConversionError('ApplicationData/AirSyncBase:Attachments/AirSyncBase:Add', 'incomplete-attachment', 'an attachment Add needs ClientId and Content');
    }
    const opt = <T>(v: T | undefined, key: string): Record<string, T> => (v === undefined || v === '' ? {} : { [key]: v });
    return {
      clientId,
      content,
      ...opt(textOf(e, ASB, 'DisplayName'), 'displayName'),
      ...opt(intOf(e, ASB, 'Method'), 'method'),
      ...opt(textOf(e, ASB, 'ContentType'), 'contentType'),
      ...opt(textOf(e, ASB, 'ContentId'), 'contentId'),
      ...opt(textOf(e, ASB, 'ContentLocation'), 'contentLocation'),
      ...opt(boolOf(e, ASB, 'IsInline'), 'isInline'),
    } as DraftAttachmentAdd;
  });
}

/** The codec's accessors throw SchemaError for malformed values: that is the client's Status 6. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SchemaError) throw new ItemConversionError(`ApplicationData/AirSyncBase:Attachments/AirSyncBase:${what}`, 'malformed', err.message);
    throw err;
  }
}
