/**
 * libvirt's numbers turned into the names the rest of virtwarden reads (states, reasons, event
 * details, volume and job types). Unknown values (a newer libvirt) keep a readable fallback.
 */
import {
  CLOSE_REASONS,
  DOMAIN_STATES,
  IO_ERROR_ACTIONS,
  WATCHDOG_ACTIONS,
  JOB_TYPES,
  LIFECYCLE_DETAILS,
  LIFECYCLE_EVENTS,
  POOL_STATES,
  STATE_REASONS,
  VOLUME_TYPES,
  type DomainStateName,
  type JobTypeName,
  type PoolStateName,
  type VolumeTypeName,
} from './binding-constants.js';
import type { RawDomainRow, RawEvent, RawPoolInfo, RawVolume } from './binding-native.js';
import type {
  DomainState,
  DomainSummary,
  LibvirtEvent,
  StoragePoolInfo,
  VolumeSummary,
} from './binding-types.js';

export function stateName(code: number): DomainStateName {
  return DOMAIN_STATES[code] ?? 'nostate';
}

/** libvirt's reason name for `code` in `state` (the reason enums differ per state). */
export function reasonName(state: DomainStateName, code: number): string {
  return STATE_REASONS[state][code] ?? `reason-${String(code)}`;
}

export function toDomainState(s: { readonly state: number; readonly reason: number }): DomainState {
  const state = stateName(s.state);
  return { state, reason: reasonName(state, s.reason), stateCode: s.state, reasonCode: s.reason };
}

export function toDomainSummary(r: RawDomainRow): DomainSummary {
  return {
    name: r.name,
    uuid: r.uuid,
    id: r.id,
    ...toDomainState(r),
    persistent: r.persistent,
    autostart: r.autostart,
    managedSave: r.managedSave,
  };
}

export function jobTypeName(code: number): JobTypeName {
  return JOB_TYPES[code] ?? 'none';
}

function volumeTypeName(code: number): VolumeTypeName {
  return VOLUME_TYPES[code] ?? 'file';
}

function poolStateName(code: number): PoolStateName {
  return POOL_STATES[code] ?? 'inaccessible';
}

export function toVolumeSummary(v: RawVolume): VolumeSummary {
  return {
    name: v.name,
    key: v.key,
    path: v.path,
    type: volumeTypeName(v.type),
    typeCode: v.type,
    capacity: v.capacity,
    allocation: v.allocation,
  };
}

export function toPoolInfo(p: RawPoolInfo): StoragePoolInfo {
  return { ...p, state: poolStateName(p.state), stateCode: p.state };
}

/** A native event with its numbers named; undefined for a lifecycle event libvirt 9.0 lacks. */
export function toEvent(raw: RawEvent): LibvirtEvent | undefined {
  switch (raw.type) {
    case 'close':
      return { type: 'close', reason: CLOSE_REASONS[raw.reason] ?? 'error' };
    case 'lifecycle': {
      const event = LIFECYCLE_EVENTS[raw.event];
      if (event === undefined) return undefined;
      return {
        type: 'lifecycle',
        domain: raw.domain,
        uuid: raw.uuid,
        event,
        detail: LIFECYCLE_DETAILS[event][raw.detail] ?? `detail-${String(raw.detail)}`,
        eventCode: raw.event,
        detailCode: raw.detail,
      };
    }
    case 'io-error':
      return {
        ...raw,
        action: IO_ERROR_ACTIONS[raw.action] ?? 'none',
        actionCode: raw.action,
      };
    case 'watchdog':
      return { ...raw, action: WATCHDOG_ACTIONS[raw.action] ?? 'none', actionCode: raw.action };
    default:
      return raw;
  }
}
