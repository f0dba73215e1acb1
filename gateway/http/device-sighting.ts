/**
 * Records that a device was seen (user, DeviceId, type, User-Agent, protocol version, last
 * seen) without writing the state store on every request: a device that polls every few
 * seconds with nothing new is written at most once per refresh interval. The state is read
 * every time, because the operator's decisions (block, wipe) come from another process
 * (`easgate devices`) through the same database and must take effect on the next request.
 *
 * The throttle is per app instance (created by createApp, never module-level), bounded, and
 * only an optimisation: losing it costs one extra write.
 */
import { LRUCache } from 'lru-cache';
import type { Device, DeviceSighting, StateStoreOps } from '../ports/state-store.js';

export interface DeviceSightingsOptions {
  /** A sighting that changes nothing but lastSeen is written at most this often (default 60 s). */
  readonly refreshMs?: number;
  /** Devices remembered by the throttle (default 10,000). */
  readonly maxEntries?: number;
}

interface Written {
  readonly at: number;
  readonly deviceType: string | undefined;
  readonly userAgent: string | undefined;
  readonly protocolVersion: string | undefined;
}

export class DeviceSightings {
  readonly #recent: LRUCache<string, Written>;
  readonly #refreshMs: number;

  constructor(opts: DeviceSightingsOptions = {}) {
    this.#refreshMs = opts.refreshMs ?? 60_000;
    this.#recent = new LRUCache({ max: opts.maxEntries ?? 10_000 });
  }

  /** The device after this sighting; creates it on first sight. */
  async sight(state: StateStoreOps, s: DeviceSighting & { readonly at: Date }): Promise<Device> {
    const key = `${s.user}\n${s.deviceId}`;
    const prev = this.#recent.get(key);
    const now = s.at.getTime();
    if (prev && now - prev.at >= 0 && now - prev.at < this.#refreshMs && unchanged(prev, s)) {
      const device = await state.getDevice(s);
      // Gone (an operator forgot it): fall through and create it again, as on first sight.
      if (device) return device;
    }
    const device = await state.touchDevice(s);
    this.#recent.set(key, { at: now, deviceType: s.deviceType, userAgent: s.userAgent, protocolVersion: s.protocolVersion });
    return device;
  }
}

/** Absent fields leave the stored value alone (touchDevice), so they count as unchanged. */
function unchanged(prev: Written, s: DeviceSighting): boolean {
  return (s.deviceType === undefined || s.deviceType === prev.deviceType)
    && (s.userAgent === undefined || s.userAgent === prev.userAgent)
    && (s.protocolVersion === undefined || s.protocolVersion === prev.protocolVersion);
}
