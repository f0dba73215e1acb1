import type { Config } from '../../config/schema.js';
import type { StateStore } from '../../ports/state-store.js';
import { openSqliteStateStore } from './sqlite/index.js';

/**
 * The one place that picks the state store implementation from configuration, shared
 * by the composition root (gateway/main.ts) and the operator CLI, which must open the
 * very same store the server uses.
 */
export async function openStateStore(state: Config['state'], opts: { create?: boolean } = {}): Promise<StateStore> {
  return openSqliteStateStore({ dataDir: state.dataDir, ...opts });
}
