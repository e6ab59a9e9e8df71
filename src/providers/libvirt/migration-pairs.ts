/**
 * Two running copies of one domain on two hosts of a site are either a guest running twice —
 * which the planner must stop at once — or the two ends of one live migration (an operator's
 * `virsh migrate`, or ours), which nothing may touch. libvirt's state alone cannot always tell:
 * the incoming copy starts as `paused (starting up)`, like any starting guest. The domain's
 * job can: both ends of a migration have one. So for the (rare) domains seen active on more
 * than one host, each copy's job is read — one call per copy, bounded like every call — and a
 * pair with a job in flight is marked `migrating`.
 */
import type { ObservedGuest } from '../../model/observed.js';
import type { HostLink } from './host-link.js';
import type { HostObservation } from './observe-host.js';

const JOB_DEADLINE_MS = 1_500;

function key(g: ObservedGuest): string {
  return `${g.domainName}\u0000${g.uuid ?? ''}`;
}

export async function markMigrationsInFlight(
  links: ReadonlyMap<string, HostLink>,
  results: readonly HostObservation[],
): Promise<HostObservation[]> {
  const copies = new Map<string, ObservedGuest[]>();
  for (const r of results)
    for (const g of r.guests) if (g.active) copies.set(key(g), [...(copies.get(key(g)) ?? []), g]);
  const moving = new Set<string>();
  await Promise.all(
    [...copies]
      .filter(([, gs]) => gs.length > 1 && !gs.every((g) => g.migrating === true))
      .map(async ([k, gs]) => {
        const jobs = await Promise.all(
          gs.map((g) => {
            const link = g.host === undefined ? undefined : links.get(g.host);
            if (!link) return Promise.resolve(false);
            return link
              .call('job', (api) => api.jobProgress(g.domainName), JOB_DEADLINE_MS)
              .then((j) => j.active)
              .catch(() => false);
          }),
        );
        if (jobs.some(Boolean)) moving.add(k);
      }),
  );
  if (moving.size === 0) return [...results];
  return results.map((r) => ({
    ...r,
    guests: r.guests.map((g) => (g.active && moving.has(key(g)) ? { ...g, migrating: true } : g)),
  }));
}
