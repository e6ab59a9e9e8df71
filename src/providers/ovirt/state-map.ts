/**
 * oVirt VM status → guest state and confidence: the table of the RHEV guest agent we replace
 * (seed-facts §1), extended to the statuses it did not list.
 */
import type { GuestState } from '../../model/guest-state.js';
import type { HostStatus } from '../../model/observed.js';

export interface MappedVm {
  readonly state: GuestState;
  readonly confidence: number;
  /** A VM process may exist. */
  readonly active: boolean;
}

const TABLE: Readonly<Record<string, MappedVm>> = {
  wait_for_launch: { state: 'ONLINE', confidence: 10, active: true },
  powering_up: { state: 'ONLINE', confidence: 60, active: true },
  up: { state: 'ONLINE', confidence: 100, active: true },
  powering_down: { state: 'ONLINE', confidence: 40, active: true },
  paused: { state: 'ONLINE', confidence: 20, active: true },
  down: { state: 'OFFLINE', confidence: 100, active: false },
  saving_state: { state: 'INTENTIONAL_OFFLINE', confidence: 100, active: true },
  suspended: { state: 'INTENTIONAL_OFFLINE', confidence: 100, active: false },
  restoring_state: { state: 'ONLINE', confidence: 50, active: true },
  migrating: { state: 'INTENTIONAL_OFFLINE', confidence: 100, active: true },
  reboot_in_progress: { state: 'INTENTIONAL_OFFLINE', confidence: 100, active: true },
  image_locked: { state: 'UNKNOWN', confidence: 0, active: false },
  unknown: { state: 'UNKNOWN', confidence: 0, active: true },
  not_responding: { state: 'UNKNOWN', confidence: 0, active: true },
  unassigned: { state: 'UNKNOWN', confidence: 0, active: true },
};

export function mapVmStatus(status: string, statusDetail?: string): MappedVm {
  // A VM the engine paused because of a storage error is a failure, not a pause.
  if (
    status === 'paused' &&
    statusDetail !== undefined &&
    /eio|enospc|io|storage/i.test(statusDetail)
  ) {
    return { state: 'FAULTED', confidence: 100, active: true };
  }
  return TABLE[status] ?? { state: 'UNKNOWN', confidence: 0, active: true };
}

export function mapHostStatus(status: string): HostStatus {
  switch (status) {
    case 'up':
      return 'up';
    case 'maintenance':
    case 'preparing_for_maintenance':
      return 'maintenance';
    case 'non_responsive':
    case 'connecting':
    case 'unknown':
      return 'unreachable';
    default:
      return 'down';
  }
}
