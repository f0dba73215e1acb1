/**
 * The ports a command handler may use. Later issues add MailStore, MailSubmit,
 * CalendarStore and ContactStore here; an adapter implements each, and only
 * gateway/main.ts decides which.
 */
import type { AuthenticatedUser } from './identity.js';
import type { Clock } from './clock.js';
import type { ChangeFeed } from './change-feed.js';
import type { MailMessages } from './mail-messages.js';
import type { MailStore } from './mail-store.js';
import type { MailSubmit } from './mail-submit.js';
import type { StateStore } from './state-store.js';

export interface CommandPorts {
  readonly state: StateStore;
  readonly clock: Clock;
  /** The user's mailbox; the backend session opens on first use, so commands that never touch mail never log in. */
  readonly mail: MailStore;
  /** The messages of that mailbox (fetch, flags, move, delete, append); same lazy session. */
  readonly messages: MailMessages;
  /** What changed in a mailbox since a cursor (Sync, GetItemEstimate, Ping). */
  readonly mailFeed: ChangeFeed;
  /** SMTP submission as the user (SendMail, SmartReply, SmartForward); connects only when a message is sent. */
  readonly submit: MailSubmit;
}

/**
 * Builds the ports for one request. Backend sessions are per user, so the factory
 * gets the user (and through it the opaque credentials); signal ends with the request.
 */
export interface PortsFactory {
  forRequest(user: AuthenticatedUser, signal: AbortSignal): CommandPorts;
}

export type { Clock } from './clock.js';
export type { CredentialVerifier, VerifiedIdentity } from './credential-verifier.js';
export type { HealthCheck, HealthStatus } from './health-check.js';
export type { MailFolder, MailStore, RenameResult, SpecialUse } from './mail-store.js';
export type { MailMessages, MailboxRef } from './mail-messages.js';
export type { ChangeFeed } from './change-feed.js';
export type { MailSubmit, SubmitEnvelope, SubmitResult } from './mail-submit.js';
export { BackendCredentials } from './credentials.js';
export { makeAuthenticatedUser, type AuthenticatedUser } from './identity.js';
