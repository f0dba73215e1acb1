import type {
  Device, DeviceInformation, DeviceKey, DevicePatch, DeviceSighting, ProvisioningState, WipeKind, WipeState,
} from '../../../ports/state-store.js';
import { DeviceNotFoundError, StateStoreError } from '../../../ports/state-store.js';
import { date, ms, type Sql } from './sql.js';

interface DeviceRow {
  user: string;
  device_id: string;
  device_type: string | null;
  user_agent: string | null;
  protocol_version: string | null;
  first_seen: number;
  last_seen: number;
  policy_key: number | null;
  pending_policy_key: number | null;
  provisioning: ProvisioningState;
  wipe_state: WipeState;
  wipe_kind: WipeKind | null;
  wipe_requested_at: number | null;
  wipe_acknowledged_at: number | null;
  blocked: 0 | 1;
  info_model: string | null;
  info_imei: string | null;
  info_friendly_name: string | null;
  info_os: string | null;
  info_os_language: string | null;
  info_phone_number: string | null;
  info_mobile_operator: string | null;
  info_user_agent: string | null;
}

// Explicit column lists (never "spread the object into a JSON column"): a field the
// port does not know about, such as a stray password, has nowhere to land.
const PATCH_COLUMNS = {
  deviceType: 'device_type',
  userAgent: 'user_agent',
  protocolVersion: 'protocol_version',
  policyKey: 'policy_key',
  pendingPolicyKey: 'pending_policy_key',
  provisioning: 'provisioning',
} as const satisfies Partial<Record<keyof DevicePatch, keyof DeviceRow>>;

const INFO_COLUMNS = {
  model: 'info_model',
  imei: 'info_imei',
  friendlyName: 'info_friendly_name',
  os: 'info_os',
  osLanguage: 'info_os_language',
  phoneNumber: 'info_phone_number',
  mobileOperator: 'info_mobile_operator',
  userAgent: 'info_user_agent',
} as const satisfies Record<keyof DeviceInformation, keyof DeviceRow>;

const SELECT = 'SELECT * FROM devices WHERE user = ? AND device_id = ?';

function toDevice(r: DeviceRow): Device {
  const info = {} as DeviceInformation;
  for (const [field, column] of Object.entries(INFO_COLUMNS)) info[field as keyof DeviceInformation] = r[column];
  return {
    user: r.user,
    deviceId: r.device_id,
    deviceType: r.device_type,
    userAgent: r.user_agent,
    protocolVersion: r.protocol_version,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    policyKey: r.policy_key,
    pendingPolicyKey: r.pending_policy_key,
    provisioning: r.provisioning,
    wipe: {
      state: r.wipe_state,
      kind: r.wipe_kind,
      requestedAt: date(r.wipe_requested_at),
      acknowledgedAt: date(r.wipe_acknowledged_at),
    },
    blocked: r.blocked === 1,
    info,
  };
}

export function touchDevice(sql: Sql, s: DeviceSighting): Device {
  // last_seen never moves backwards: two requests racing may commit out of order.
  const row = sql.stmt(`INSERT INTO devices (user, device_id, device_type, user_agent, protocol_version, first_seen, last_seen)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (user, device_id) DO UPDATE SET
      device_type = COALESCE(excluded.device_type, device_type),
      user_agent = COALESCE(excluded.user_agent, user_agent),
      protocol_version = COALESCE(excluded.protocol_version, protocol_version),
      last_seen = MAX(last_seen, excluded.last_seen)
    RETURNING *`).get(s.user, s.deviceId, s.deviceType ?? null, s.userAgent ?? null, s.protocolVersion ?? null, ms(s.at), ms(s.at)) as DeviceRow;
  return toDevice(row);
}

export function getDevice(sql: Sql, key: DeviceKey): Device | undefined {
  const row = sql.stmt(SELECT).get(key.user, key.deviceId) as DeviceRow | undefined;
  return row && toDevice(row);
}

export function listDevices(sql: Sql, user?: string): Device[] {
  const rows = (user === undefined
    ? sql.stmt('SELECT * FROM devices ORDER BY user, device_id').all()
    : sql.stmt('SELECT * FROM devices WHERE user = ? ORDER BY device_id').all(user)) as DeviceRow[];
  return rows.map(toDevice);
}

export function updateDevice(sql: Sql, key: DeviceKey, patch: DevicePatch): Device {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
    const v = patch[field as keyof typeof PATCH_COLUMNS];
    if (v !== undefined) {
      sets.push(`${column} = ?`);
      values.push(v);
    }
  }
  for (const [field, column] of Object.entries(INFO_COLUMNS)) {
    const v = patch.info?.[field as keyof DeviceInformation];
    if (v !== undefined) {
      sets.push(`${column} = ?`);
      values.push(v);
    }
  }
  if (sets.length === 0) return getOrThrow(sql, key);
  return change(sql, key, sets.join(', '), values);
}

export function setBlocked(sql: Sql, key: DeviceKey, blocked: boolean): Device {
  return change(sql, key, 'blocked = ?', [blocked ? 1 : 0]);
}

export function requestWipe(sql: Sql, key: DeviceKey, kind: WipeKind, at?: Date): Device {
  const state: WipeState = kind === 'full' ? 'requested' : 'account-only-requested';
  return change(sql, key, 'wipe_state = ?, wipe_kind = ?, wipe_requested_at = ?, wipe_acknowledged_at = NULL', [state, kind, ms(at)]);
}

export function cancelWipe(sql: Sql, key: DeviceKey): Device {
  const current = getOrThrow(sql, key);
  if (current.wipe.state === 'acknowledged') throw new StateStoreError(`device ${key.deviceId} of ${key.user} has already acknowledged the wipe`);
  return change(sql, key, "wipe_state = 'none', wipe_kind = NULL, wipe_requested_at = NULL", []);
}

export function recordWipeAck(sql: Sql, key: DeviceKey, at?: Date): Device {
  const current = getOrThrow(sql, key);
  // A device that retries its acknowledgement keeps the first timestamp.
  if (current.wipe.state === 'acknowledged') return current;
  if (current.wipe.state === 'none') throw new StateStoreError(`device ${key.deviceId} of ${key.user} acknowledged a wipe that was not requested`);
  return change(sql, key, "wipe_state = 'acknowledged', wipe_acknowledged_at = ?", [ms(at)]);
}

export function deleteDevice(sql: Sql, key: DeviceKey): boolean {
  return sql.stmt('DELETE FROM devices WHERE user = ? AND device_id = ?').run(key.user, key.deviceId).changes > 0;
}

function getOrThrow(sql: Sql, key: DeviceKey): Device {
  const d = getDevice(sql, key);
  if (!d) throw new DeviceNotFoundError(key);
  return d;
}

function change(sql: Sql, key: DeviceKey, sets: string, values: unknown[]): Device {
  const row = sql.stmt(`UPDATE devices SET ${sets} WHERE user = ? AND device_id = ? RETURNING *`)
    .get(...values, key.user, key.deviceId) as DeviceRow | undefined;
  if (!row) throw new DeviceNotFoundError(key);
  return toDevice(row);
}
