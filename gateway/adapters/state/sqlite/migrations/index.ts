import { sql as initial } from './001-initial.js';
import { sql as flagDetails } from './002-flag-details.js';

/** One forward-only step of the schema. Never edit a released step: add the next one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; versions are 1..n without gaps (checked at open). */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'flag-details', sql: flagDetails },
];
