/**
 * libvirt domain state + reason → virtwarden guest state and confidence. The reason matters:
 * a domain paused because of an I/O error is FAULTED (the agents we replace reported it ONLINE
 * because the process still ran), while one paused by an administrator is INTENTIONAL_OFFLINE.
 */
import type { GuestState } from '../../model/guest-state.js';

export interface MappedState {
  readonly state: GuestState;
  readonly confidence: number;
  /** A guest process exists (it counts as "running somewhere" for the safety rules). */
  readonly active: boolean;
}

const m = (state: GuestState, confidence: number, active: boolean): MappedState => ({
  state,
  confidence,
  active,
});

/** `io_error`, `IOERROR`, `io-error` and `I/O error` all become `ioerror`. */
export function normalizeReason(reason: string): string {
  return reason.toLowerCase().replace(/[^a-z]/g, '');
}

export function mapDomainState(state: string, reason: string, managedSave: boolean): MappedState {
  const r = normalizeReason(reason);
  switch (state) {
    case 'running':
      if (r === 'crashed') return m('FAULTED', 90, true);
      if (r === 'postcopyfailed') return m('FAULTED', 80, true);
      if (r === 'postcopy') return m('ONLINE', 80, true);
      return m('ONLINE', 100, true);
    case 'blocked':
      return m('ONLINE', 80, true);
    case 'paused':
      switch (r) {
        case 'user':
        case 'fromsnapshot':
        case 'snapshot':
        case 'dump':
          return m('INTENTIONAL_OFFLINE', 100, true);
        case 'migration':
        case 'save':
        case 'postcopy':
          return m('INTENTIONAL_OFFLINE', 80, true);
        case 'ioerror':
        case 'watchdog':
        case 'crashed':
        case 'postcopyfailed':
        case 'apierror':
          return m('FAULTED', 100, true);
        case 'shuttingdown':
          return m('ONLINE', 40, true);
        case 'startingup':
          return m('ONLINE', 10, true);
        default:
          return m('UNKNOWN', 20, true);
      }
    case 'shutdown':
      return m('ONLINE', 40, true);
    case 'shutoff':
      if (managedSave || r === 'saved') return m('INTENTIONAL_OFFLINE', 100, false);
      if (r === 'crashed' || r === 'failed') return m('FAULTED', 100, false);
      return m('OFFLINE', 100, false);
    case 'crashed':
      // Only an active domain is `crashed` (a panic with on_crash preserve): its QEMU process
      // is kept for a dump, so it still counts as running and must be destroyed before a start.
      return m('FAULTED', 100, true);
    case 'pmsuspended':
      return m('INTENTIONAL_OFFLINE', 100, true);
    default:
      return m('UNKNOWN', 0, true);
  }
}

const STATE_WORDS: Readonly<Record<string, string>> = {
  running: 'running',
  blocked: 'blocked',
  paused: 'paused',
  shutdown: 'shutting down',
  shutoff: 'shut off',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
};

/**
 * One end of a live migration in flight: the incoming copy waits paused (`migration`), the
 * source pauses at the switch-over, and post-copy runs on the destination while pages arrive.
 */
export function isMigrating(state: string, reason: string): boolean {
  const r = normalizeReason(reason);
  return (state === 'paused' && (r === 'migration' || r === 'postcopy')) || r === 'postcopy';
}

/** As virsh says it: `running (booted)`, `shut off (crashed)`. */
export function describeDomainState(state: string, reason: string): string {
  const words = STATE_WORDS[state] ?? state;
  return reason === '' || normalizeReason(reason) === 'unknown' ? words : `${words} (${reason})`;
}
