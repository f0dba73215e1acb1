import { openStateStore } from '../adapters/state/open.js';
import type { Device, DeviceKey, StateStore } from '../ports/state-store.js';
import { DeviceNotFoundError, StateStoreError } from '../ports/state-store.js';
import { cliConfig, CONFIG_OPTION, parse } from './options.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './types.js';

const OPTIONS = {
  ...CONFIG_OPTION,
  user: { type: 'string', short: 'u' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

type Action = (store: StateStore, key: DeviceKey) => Promise<string>;

/** What each subcommand does, and the line it prints when done. */
const ACTIONS: Record<string, { action: Action; confirm?: boolean }> = {
  block: { action: async (s, k) => done(await s.setBlocked(k, true), 'blocked') },
  unblock: { action: async (s, k) => done(await s.setBlocked(k, false), 'unblocked') },
  wipe: {
    confirm: true,
    action: async (s, k) => done(await s.requestWipe(k, 'full'), 'full wipe requested for', '; the device erases itself at its next connection'),
  },
  'wipe-account': {
    confirm: true,
    action: async (s, k) => done(await s.requestWipe(k, 'account-only'), 'account-only wipe requested for', '; the device removes this account at its next connection'),
  },
  'cancel-wipe': { action: async (s, k) => done(await s.cancelWipe(k), 'wipe request withdrawn for') },
  // The way back for a wiped (or retired) device: its record, keys and sync states go, and
  // if it connects again it starts over as a new device with Provision.
  forget: {
    confirm: true,
    action: async (s, k) => {
      if (!(await s.deleteDevice(k))) throw new DeviceNotFoundError(k);
      return `forgot device ${k.deviceId} of ${k.user}; it must provision and sync from scratch if it returns\n`;
    },
  },
};

const done = (d: Device, what: string, after = ''): string => `${what} device ${d.deviceId} of ${d.user}${after}\n`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('devices', argv, OPTIONS);
  const [sub, ...rest] = positionals;
  if (sub === undefined) throw new UsageError('missing subcommand', 'devices');
  if (sub === 'list') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, 'devices');
    const config = cliConfig(values.config, io);
    return withStore(config.state, io, async (store) => {
      const devices = await store.listDevices(values.user);
      io.stdout.write(values.json ? `${JSON.stringify(devices, null, 2)}\n` : table(devices));
      return EXIT_OK;
    });
  }
  const entry = ACTIONS[sub];
  if (!entry) throw new UsageError(`unknown subcommand "${sub}"`, 'devices');
  if (rest.length !== 2) throw new UsageError(`${sub} takes USER and DEVICEID`, 'devices');
  if (values.user !== undefined || values.json) throw new UsageError(`--user and --json apply to list only`, 'devices');
  if (entry.confirm && !values.yes) throw new UsageError(`${sub} cannot be undone on the phone: add --yes to confirm`, 'devices');
  const [user, deviceId] = rest as [string, string];
  const config = cliConfig(values.config, io);
  return withStore(config.state, io, async (store) => {
    io.stdout.write(await entry.action(store, { user, deviceId }));
    return EXIT_OK;
  });
}

async function withStore(state: { dataDir: string }, io: CliIo, fn: (store: StateStore) => Promise<number>): Promise<number> {
  let store: StateStore;
  try {
    store = await openStateStore(state, { create: false });
  } catch (err) {
    io.stderr.write(`easgate devices: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  try {
    return await fn(store);
  } catch (err) {
    if (!(err instanceof StateStoreError)) throw err;
    const hint = err instanceof DeviceNotFoundError ? ` (see: easgate devices list --user ${err.key.user})` : '';
    io.stderr.write(`easgate devices: ${err.message}${hint}\n`);
    return EXIT_FAILURE;
  } finally {
    await store.close();
  }
}

/** One line per device; times in UTC so two operators compare the same thing. */
function table(devices: Device[]): string {
  if (devices.length === 0) return 'no devices\n';
  const rows = [
    ['USER', 'DEVICEID', 'TYPE', 'PROTOCOL', 'LAST SEEN (UTC)', 'PROVISIONED', 'BLOCKED', 'WIPE', 'MODEL'],
    ...devices.map((d) => [
      d.user,
      d.deviceId,
      d.deviceType ?? '-',
      d.protocolVersion ?? '-',
      d.lastSeen.toISOString().slice(0, 19).replace('T', ' '),
      d.provisioning,
      d.blocked ? 'yes' : 'no',
      d.wipe.state,
      d.info.model ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
