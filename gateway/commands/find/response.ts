/**
 * Find responses (MS-ASCMD 2.2.1.2): per Result the Class, ServerId, CollectionId and the
 * Properties Find defines (2.2.3.139.1: Subject, DateReceived, DisplayTo, DisplayCc, Importance,
 * Read, IsDraft, Preview, HasAttachments, From), in FindResponse.xsd's namespaces.
 */
import { el, type WbxmlElement } from '../../../codec/index.js';
import type { EmailItem } from '../../items/email.js';
import { formatEmailDate } from '../../items/values.js';
import { itemServerId } from '../../sync/server-id.js';
import type { LoadedHit } from '../search/results.js';
import type { Range } from '../search/request.js';
import { FindStatus } from './request.js';

const NS = 'Find';

export function findResponse(loaded: readonly LoadedHit[], range: Range, total: number): WbxmlElement {
  const results = loaded.map(({ hit, item }) => el(NS, 'Result', [
    el('AirSync', 'Class', 'Email'),
    el('AirSync', 'ServerId', itemServerId(hit.collectionId, String(hit.uid))),
    el('AirSync', 'CollectionId', hit.collectionId),
    el(NS, 'Properties', findProperties(item)),
  ]));
  return el(NS, 'Find', [
    el(NS, 'Status', FindStatus.Success),
    el(NS, 'Response', [
      el('ItemOperations', 'Store', 'Mailbox'),
      el(NS, 'Status', FindStatus.Success),
      ...results,
      ...(results.length > 0 ? [el(NS, 'Range', `${range.first}-${range.first + results.length - 1}`)] : []),
      el(NS, 'Total', total),
    ]),
  ]);
}

/** The answer when the request could be read but not run: the Response's Status says why. */
export function findStatusResponse(status: number): WbxmlElement {
  return el(NS, 'Find', [el(NS, 'Status', FindStatus.Success), el(NS, 'Response', [el(NS, 'Status', status)])]);
}

export function findProperties(item: EmailItem): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  const add = (ns: string, tag: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') out.push(el(ns, tag, value));
  };
  add('Email', 'Subject', item.subject);
  add('Email', 'DateReceived', item.dateReceived ? formatEmailDate(item.dateReceived) : undefined);
  add('Email', 'DisplayTo', item.displayTo);
  add(NS, 'DisplayCc', displayNamesOf(item.cc));
  add('Email', 'Importance', item.importance);
  add('Email', 'Read', item.read === undefined ? undefined : item.read ? 1 : 0);
  add('Email2', 'IsDraft', item.isDraft ? 1 : 0);
  add(NS, 'Preview', item.body?.preview);
  add(NS, 'HasAttachments', (item.attachments?.length ?? 0) > 0 ? 1 : 0);
  add('Email', 'From', item.from);
  return out;
}

/**
 * Display names of a formatted address list ('"Name" <a@b>, c@d' -> 'Name; c@d'), as DisplayTo
 * writes them: Find's DisplayCc is the same for the Cc line.
 */
export function displayNamesOf(list: string | undefined): string | undefined {
  if (!list) return undefined;
  const names: string[] = [];
  for (const m of list.matchAll(/\s*(?:"((?:[^"\\]|\\.)*)"\s*<([^>]*)>|([^,]+))\s*(?:,|$)/g)) {
    const name = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1').trim() : undefined;
    const value = name || m[2]?.trim() || m[3]?.trim();
    if (value) names.push(value);
  }
  return names.length > 0 ? names.join('; ') : undefined;
}
