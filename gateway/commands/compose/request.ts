/**
 * SendMail, SmartReply and SmartForward requests as one typed value, whatever the version:
 * before 14.0 the body is the message itself and the rest rides in the query (SaveInSent,
 * ItemId, CollectionId, LongId: MS-ASHTTP 2.2.1.1.1.1.3 and 2.2.1.1.1.2.5); from 14.0 on it is a
 * ComposeMail document (MS-ASCMD 2.2.1.17, 2.2.1.19, 2.2.1.20).
 */
import { accessorsFor, SchemaError } from '../../../codec/index.js';
import type { CommandContext, CommandRequest } from '../types.js';
import { ComposeFailure } from './status.js';

const cm = accessorsFor('ComposeMail');

export type ComposeCommand = 'SendMail' | 'SmartReply' | 'SmartForward';

/** Where the original of a SmartReply/SmartForward lives. */
export interface ComposeSource {
  /** The collection (FolderId, or the CollectionId query parameter). */
  readonly folderId?: string;
  /** The item's ServerId (ItemId), or the search result's LongId. */
  readonly itemId?: string;
  readonly longId?: string;
  /** A recurring meeting's occurrence (14.0+); the series' message is replied to. */
  readonly instanceId?: string;
}

export interface ComposeRequest {
  readonly command: ComposeCommand;
  /** The client's message, whole (SendMail, ReplaceMime) or only its new part (Smart*). */
  readonly mime: Uint8Array;
  /** 14.0+: the client's id for the message, so a retried send is not sent twice. */
  readonly clientId?: string;
  readonly saveInSent: boolean;
  /** The client sends the complete message: the original is not added (14.0+). */
  readonly replaceMime: boolean;
  readonly source?: ComposeSource;
  /** SmartForward 16.0+: more recipients of the forward, by address. */
  readonly forwardees: readonly string[];
}

export function parseComposeRequest(ctx: CommandContext, command: ComposeCommand, request: CommandRequest): ComposeRequest {
  if (request.kind === 'mime') return fromQuery(ctx, command, request.mime);
  const root = request.kind === 'wbxml' ? request.root : undefined;
  if (!root) throw new ComposeFailure('invalid-request', `${command} without a body`);
  if (root.ns !== 'ComposeMail' || root.tag !== command) throw new ComposeFailure('invalid-request', `${command} body has root ${root.ns}:${root.tag}`);
  try {
    const mime = cm.opaqueOf(root, 'Mime');
    if (mime === undefined) throw new ComposeFailure('invalid-request', `${command} without Mime`);
    const clientId = cm.textOf(root, 'ClientId')?.trim();
    const sourceEl = cm.child(root, 'Source');
    const source = sourceEl ? clean({
      folderId: cm.textOf(sourceEl, 'FolderId')?.trim(),
      itemId: cm.textOf(sourceEl, 'ItemId')?.trim(),
      longId: cm.textOf(sourceEl, 'LongId')?.trim(),
      instanceId: cm.textOf(sourceEl, 'InstanceId')?.trim(),
    }) : undefined;
    const forwardees = cm.children(cm.child(root, 'Forwardees') ?? { ns: '', tag: '', children: [] }, 'Forwardee')
      .map((f) => cm.textOf(f, 'Email')?.trim() ?? '')
      .filter((a) => a !== '');
    return {
      command,
      mime,
      ...(clientId ? { clientId } : {}),
      saveInSent: cm.child(root, 'SaveInSentItems') !== undefined,
      replaceMime: cm.child(root, 'ReplaceMime') !== undefined,
      ...(source ? { source } : {}),
      forwardees,
    };
  } catch (err) {
    if (err instanceof SchemaError) throw new ComposeFailure('invalid-request', `${command}: ${err.message}`);
    throw err;
  }
}

function fromQuery(ctx: CommandContext, command: ComposeCommand, mime: Uint8Array): ComposeRequest {
  const p = ctx.params;
  const source = command === 'SendMail' ? undefined : clean({ folderId: p.collectionId?.trim(), itemId: p.itemId?.trim(), longId: p.longId?.trim() });
  return { command, mime, saveInSent: p.saveInSent, replaceMime: false, ...(source ? { source } : {}), forwardees: [] };
}

/** Drops absent and empty values; undefined when nothing is left. */
function clean(s: { [K in keyof ComposeSource]: string | undefined }): ComposeSource | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) if (v) out[k] = v;
  return Object.keys(out).length ? (out as ComposeSource) : undefined;
}
