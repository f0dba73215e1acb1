/** Shared by the Provision and Settings unit tests: a real SQLite state store and a CommandContext without HTTP. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { WbxmlElement } from '../../../../codec/tree.js';
import { openSqliteStateStore } from '../../../../gateway/adapters/state/sqlite/index.js';
import { configSchema, type ConfigInput } from '../../../../gateway/config/schema.js';
import { makeAuthenticatedUser, type CommandContext, type CommandDefinition, type CommandResult, type ProtocolVersion } from '../../../../gateway/commands/types.js';
import { systemClock } from '../../../../gateway/ports/clock.js';
import { BackendCredentials } from '../../../../gateway/ports/credentials.js';
import type { CommandPorts } from '../../../../gateway/ports/index.js';
import type { StateStore } from '../../../../gateway/ports/state-store.js';
import { memoryLog, type MemoryLog } from '../../../support/memory-log.js';

export const ALICE = 'alice@example.com';
export const DEVICE = 'DEV0001';
export const KEY = { user: ALICE, deviceId: DEVICE };

export function tempStore(t: TestContext): StateStore {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-prov-'));
  const store = openSqliteStateStore({ dataDir: join(dir, 'data') });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

export function parseConfig(input: ConfigInput = {}) {
  return configSchema.parse(input);
}

export interface Harness {
  readonly store: StateStore;
  readonly log: MemoryLog;
  /** Runs the command's handler as the edge would, mapping a thrown EasStatusError is left to the caller. */
  run(root: WbxmlElement | undefined, version: ProtocolVersion, extra?: { email?: string; login?: string }): Promise<WbxmlElement>;
}

export function harness(t: TestContext, command: CommandDefinition, store: StateStore = tempStore(t)): Harness {
  const log = memoryLog('debug');
  return {
    store,
    log,
    async run(root, version, extra = {}) {
      const login = extra.login ?? ALICE;
      const ctx: CommandContext = {
        command: command.name,
        user: makeAuthenticatedUser(login, extra.email ?? login, new BackendCredentials(login, 'secret')),
        device: { id: DEVICE, type: 'TestPhone' },
        protocolVersion: version,
        params: { saveInSent: false, acceptMultiPart: false },
        log: log.logger,
        signal: new AbortController().signal,
        // Only the state store and clock: these commands touch no backend.
        ports: { state: store, clock: systemClock } as Partial<CommandPorts> as CommandPorts,
      };
      const result: CommandResult = await command.handler(ctx, { kind: 'wbxml', root });
      if (result.kind !== 'wbxml') throw new Error(`expected a WBXML result, got ${result.kind}`);
      return result.root;
    },
  };
}

/** The text of the element at a path of tags below root, e.g. at(r, 'Policies', 'Policy', 'PolicyKey'). */
export function at(root: WbxmlElement, ...path: string[]): WbxmlElement | undefined {
  let cur: WbxmlElement | undefined = root;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  return cur;
}

export function textAt(root: WbxmlElement, ...path: string[]): string | undefined {
  return at(root, ...path)?.text;
}
