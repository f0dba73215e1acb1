/**
 * MS-ASCMD 2.2.2: the common status codes (140-144 and friends) are "returned in the
 * command's Status element". A registry row with its own statusResponse builds that
 * response; for a row without one (or a command whose row came from elsewhere), this is
 * the minimal response every command has: its top-level element with a Status child, as
 * each command's response schema allows (Status is the first child of every one of them).
 */
import { el, type WbxmlElement } from '../../../codec/tree.js';
import type { CommandName } from '../types.js';

/** The response's top-level element per command (MS-ASCMD 2.2.1.x, MS-ASWBXML code pages). */
const RESPONSE_ROOTS: Readonly<Record<CommandName, readonly [ns: string, tag: string]>> = {
  Sync: ['AirSync', 'Sync'],
  SendMail: ['ComposeMail', 'SendMail'],
  SmartForward: ['ComposeMail', 'SmartForward'],
  SmartReply: ['ComposeMail', 'SmartReply'],
  // GetAttachment ends at 12.1, which hears 449 instead; a Status body is never built for it.
  GetAttachment: ['ItemOperations', 'ItemOperations'],
  FolderSync: ['FolderHierarchy', 'FolderSync'],
  FolderCreate: ['FolderHierarchy', 'FolderCreate'],
  FolderDelete: ['FolderHierarchy', 'FolderDelete'],
  FolderUpdate: ['FolderHierarchy', 'FolderUpdate'],
  MoveItems: ['Move', 'MoveItems'],
  GetItemEstimate: ['GetItemEstimate', 'GetItemEstimate'],
  MeetingResponse: ['MeetingResponse', 'MeetingResponse'],
  Search: ['Search', 'Search'],
  Settings: ['Settings', 'Settings'],
  Ping: ['Ping', 'Ping'],
  ItemOperations: ['ItemOperations', 'ItemOperations'],
  Provision: ['Provision', 'Provision'],
  ResolveRecipients: ['ResolveRecipients', 'ResolveRecipients'],
  ValidateCert: ['ValidateCert', 'ValidateCert'],
  Find: ['Find', 'Find'],
};

export function commonStatusResponse(command: CommandName, status: number): WbxmlElement {
  const [ns, tag] = RESPONSE_ROOTS[command];
  return el(ns, tag, [el(ns, 'Status', status)]);
}
