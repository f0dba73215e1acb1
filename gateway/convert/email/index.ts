/**
 * MIME (as IMAP describes it) -> EAS Email items, and client email changes back. Pure functions:
 * the IMAP adapter fills a MessageView, asks planBodyFetch which sections to fetch, fetches them,
 * and toEmailItem builds the item that EMAIL_SCHEMA writes as ApplicationData.
 */
export type { MailAddress, MimePart, MessageView, FetchedPart } from './message-view.js';
export { WHOLE_MESSAGE } from './message-view.js';
export {
  planBodyFetch,
  selectBody,
  TRUNCATION_25,
  MIME_TRUNCATION_25,
  type BodyPreference,
  type BodyRequest,
  type BodyChoice,
  type BodyFetchPlan,
  type FetchRequest,
} from './body-plan.js';
export { toEmailItem, HEADER_FIELDS, type ToEmailItemOptions } from './to-email-item.js';
export { MissingPartError } from './body.js';
export { fromClientEmailChange, type EmailChange } from './client-change.js';
export type { AttachmentPart } from './structure.js';
