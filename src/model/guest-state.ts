/**
 * The provider-neutral guest state (the resource states of the cluster agents we replace), with
 * a confidence level. libvirt states and reasons, and oVirt VM statuses, both map onto it.
 *
 * - ONLINE: running (confidence says how sure: 100 = fully up, 10 = only just launching).
 * - OFFLINE: not running, nothing wrong known.
 * - FAULTED: failed: crashed, failed to start, paused on an I/O error.
 * - UNKNOWN: cannot be told (host unreachable, engine says unknown/image_locked).
 * - INTENTIONAL_OFFLINE: an administrator's deliberate act (suspend, managed save, a migration
 *   in progress, a reboot in progress). Not a fault: nothing fights it.
 */
export type GuestState = 'ONLINE' | 'OFFLINE' | 'FAULTED' | 'UNKNOWN' | 'INTENTIONAL_OFFLINE';

export const GUEST_STATES: readonly GuestState[] = [
  'ONLINE',
  'OFFLINE',
  'FAULTED',
  'UNKNOWN',
  'INTENTIONAL_OFFLINE',
];
