/**
 * Where a guest is after a migration ended in anything but plain success. libvirt's answer to
 * the call is not enough: an error can come after the switch-over, and an abort can come too
 * late. Only the states of both ends say where the guest runs now.
 */
import type { HostLink } from './host-link.js';
import { isMigrating, mapDomainState } from './state-map.js';
import { waitUntil } from './wait.js';

type State = { readonly state: string; readonly reason: string } | undefined;

/**
 * - source / destination: runs there only (the other end has no active copy);
 * - moving: one end is still a migration end (the paused incoming copy, a source paused at the
 *   switch-over): libvirt has not finished cleaning up;
 * - both: two active copies, neither a migration end; neither: no active copy at all.
 */
export type Whereabouts = 'source' | 'destination' | 'moving' | 'both' | 'neither';

export function whereabouts(source: State, destination: State): Whereabouts {
  const active = (s: State): boolean =>
    s !== undefined && mapDomainState(s.state, s.reason, false).active;
  const moving = (s: State): boolean => s !== undefined && isMigrating(s.state, s.reason);
  const [onSource, onDestination] = [active(source), active(destination)];
  if (onSource && !onDestination) return moving(source) ? 'moving' : 'source';
  if (onDestination && !onSource) return moving(destination) ? 'moving' : 'destination';
  if (!onSource && !onDestination) return 'neither';
  return moving(source) || moving(destination) ? 'moving' : 'both';
}

/**
 * Looks at both hosts until the picture settles (not `moving`, not `both`) or `settleMs` has
 * passed, and returns the last picture. A host that does not answer throws (TransientError):
 * then nothing is confirmed.
 */
export async function locate(
  from: HostLink,
  to: HostLink,
  domain: string,
  settleMs = 10_000,
): Promise<Whereabouts> {
  let last: Whereabouts = 'moving';
  await waitUntil(
    'migration clean-up',
    async () => {
      const source = await from.call('state', (api) => api.domainState(domain));
      const destination = await to.call('state', (api) => api.domainState(domain));
      last = whereabouts(source, destination);
      return last !== 'moving' && last !== 'both';
    },
    settleMs,
  );
  return last;
}
