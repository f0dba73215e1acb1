/**
 * Fetch of an email by CollectionId + ServerId, or by a Search result's LongId (which in this
 * gateway is the item's ServerId): Properties with the same email elements Sync sends, bodies per
 * the Fetch's own BodyPreference/MIMESupport, optionally cut down to the Options' Schema. In a
 * multipart response the body's Data moves into a binary part (MS-ASAIRS 2.2.2.33).
 */
import { el, type WbxmlElement } from '../../../codec/index.js';
import type { ItemVersion } from '../../items/version.js';
import { FolderNotFoundError, UidValidityChangedError } from '../../ports/mail-messages.js';
import { parseItemServerId } from '../../sync/server-id.js';
import { resolveMailCollection } from '../email/collections.js';
import { emailElements, loadEmailItems } from '../email/load-items.js';
import type { CommandContext } from '../types.js';
import { fetchFailure, type FetchOutcome } from './fetch-attachment.js';
import { bytesPayload, type PayloadSlot } from './payload.js';
import { IO, type FetchTarget } from './request.js';
import { ItemOperationsStatus } from './status.js';

const AS = 'AirSync';
const ASB = 'AirSyncBase';
const UID = /^[1-9]\d{0,9}$/;

type ItemTarget = Extract<FetchTarget, { kind: 'item' | 'longId' }>;

export async function fetchEmail(ctx: CommandContext, target: ItemTarget, multipart: boolean): Promise<FetchOutcome> {
  const echo = target.kind === 'item' ? [el(AS, 'CollectionId', target.collectionId), el(AS, 'ServerId', target.serverId)] : [el('Search', 'LongId', target.longId)];
  const id = parseItemServerId(target.kind === 'item' ? target.serverId : target.longId);
  const notFound = (why: string): FetchOutcome => fetchFailure(ItemOperationsStatus.NotFound, echo, why);
  if (!id || !UID.test(id.itemId) || Number(id.itemId) > 0xffffffff) return notFound('not one of our item ids');
  if (target.kind === 'item' && id.collectionId !== target.collectionId) return notFound('ServerId of another collection');
  const collection = await resolveMailCollection(ctx, id.collectionId);
  if (!collection) return notFound('unknown collection');
  const uid = Number(id.itemId);
  const version = ctx.protocolVersion as ItemVersion;
  let items;
  try {
    const box = await ctx.ports.messages.mailboxRef(collection.folder.path);
    items = await loadEmailItems(ctx.ports.messages, box, [uid], { version, body: target.body, collectionId: id.collectionId, userAddresses: [ctx.user.email] });
  } catch (err) {
    if (err instanceof FolderNotFoundError || err instanceof UidValidityChangedError) return notFound('folder gone');
    throw err;
  }
  const item = items.get(uid);
  if (!item) return notFound('message gone');
  let props: WbxmlElement[];
  try {
    props = emailElements(item, version);
  } catch (err) {
    ctx.log.warn({ err, uid }, 'ItemOperations: email failed conversion');
    return fetchFailure(ItemOperationsStatus.ConversionFailed, echo, 'conversion failed');
  }
  if (target.schema) props = onlySchema(props, target.schema);
  const properties = el(IO, 'Properties', props);
  const slot = multipart ? bodyPart(properties) : undefined;
  return {
    element: el(IO, 'Fetch', [el(IO, 'Status', ItemOperationsStatus.Success), ...echo, el(AS, 'Class', 'Email'), properties]),
    ...(slot ? { slot } : {}),
  };
}

/** Schema (MS-ASCMD 2.2.3.158) lists the top-level properties the client wants; empty elements name them. */
function onlySchema(props: WbxmlElement[], schema: readonly WbxmlElement[]): WbxmlElement[] {
  const wanted = new Set(schema.map((s) => `${s.ns}:${s.tag}`));
  return props.filter((p) => wanted.has(`${p.ns}:${p.tag}`));
}

/** Takes AirSyncBase:Body/Data out of the tree as a binary part; the builder puts ItemOperations:Part in its place. */
function bodyPart(properties: WbxmlElement): PayloadSlot | undefined {
  const body = properties.children.find((c) => c.ns === ASB && c.tag === 'Body');
  const i = body ? body.children.findIndex((c) => c.ns === ASB && c.tag === 'Data') : -1;
  if (!body || i < 0) return undefined;
  const [data] = body.children.splice(i, 1);
  const bytes = data!.opaque ?? Buffer.from(data!.text ?? '', 'utf8');
  return { holder: body, payload: bytesPayload(bytes) };
}
