/**
 * Devices, folder hierarchy states, the folder id map, item sync states with their
 * ClientId maps, and sent-message ClientIds. Times are milliseconds since the epoch.
 * Per-device rows hang off devices.id with ON DELETE CASCADE, so forgetting a device
 * forgets its states in one statement.
 */
export const sql = `
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  device_id TEXT NOT NULL,
  device_type TEXT,
  user_agent TEXT,
  protocol_version TEXT,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  policy_key INTEGER,
  pending_policy_key INTEGER,
  provisioning TEXT NOT NULL DEFAULT 'none' CHECK (provisioning IN ('none', 'pending', 'provisioned')),
  wipe_state TEXT NOT NULL DEFAULT 'none' CHECK (wipe_state IN ('none', 'requested', 'account-only-requested', 'acknowledged')),
  wipe_kind TEXT CHECK (wipe_kind IN ('full', 'account-only')),
  wipe_requested_at INTEGER,
  wipe_acknowledged_at INTEGER,
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  info_model TEXT,
  info_imei TEXT,
  info_friendly_name TEXT,
  info_os TEXT,
  info_os_language TEXT,
  info_phone_number TEXT,
  info_mobile_operator TEXT,
  info_user_agent TEXT,
  UNIQUE (user, device_id)
) STRICT;
CREATE INDEX devices_last_seen ON devices (last_seen);

CREATE TABLE folder_states (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  sync_key TEXT NOT NULL,
  folders TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (device, sync_key)
) STRICT;

CREATE TABLE folder_ids (
  user TEXT NOT NULL,
  seq INTEGER NOT NULL,
  backend_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user, seq),
  UNIQUE (user, backend_id)
) STRICT;

CREATE TABLE sync_states (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  collection_id TEXT NOT NULL,
  sync_key TEXT NOT NULL,
  snapshot BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (device, collection_id, sync_key)
) STRICT;
CREATE INDEX sync_states_collection ON sync_states (device, collection_id, id);

CREATE TABLE sync_client_ids (
  state INTEGER NOT NULL REFERENCES sync_states (id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  server_id TEXT NOT NULL,
  PRIMARY KEY (state, client_id)
) STRICT;

CREATE TABLE sent_messages (
  device INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (device, client_id)
) STRICT;
CREATE INDEX sent_messages_expiry ON sent_messages (expires_at);
`;
