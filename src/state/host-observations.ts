/**
 * What one observation of the hosts changes in the durable state (pure):
 *
 * - host health: only transitions are written — the start of an outage (`lastDownAt`) and the
 *   first sighting up after it (`upSince`). A sighting older than the transition on record is
 *   ignored, so a slow observation never rolls the record back.
 * - fencing: a record answers one loss. A host seen up by an observation that started after
 *   the confirmation is back, so its record ends — whether `watch` or `apply` saw it, however
 *   long after. Only a sighting later than the confirmation counts: an observation already in
 *   flight when an operator confirmed cannot undo the confirmation.
 */
import type { Observed } from '../model/observed.js';
import type { FenceRecord, HostHealth, HostSighting } from './controller-state.js';

/** The hosts of an observation: up when they answered (an engine host in maintenance answers). */
export function hostSightings(observed: Observed): HostSighting[] {
  const out: HostSighting[] = [];
  for (const site of observed.sites.values()) {
    for (const h of site.hosts.values()) {
      out.push({ host: h.name, up: h.status === 'up' || h.status === 'maintenance' });
    }
  }
  return out;
}

/** The health records to write (only those that change). */
export function healthTransitions(
  health: ReadonlyMap<string, HostHealth>,
  seen: readonly HostSighting[],
  at: number,
): HostHealth[] {
  const changes: HostHealth[] = [];
  for (const s of seen) {
    const cur = health.get(s.host);
    if (s.up) {
      // Never seen down: nothing to say. Already up since an earlier sighting: no transition.
      if (cur?.lastDownAt === undefined || cur.upSince !== undefined) continue;
      if (at <= cur.lastDownAt) continue;
      changes.push({ host: s.host, lastDownAt: cur.lastDownAt, upSince: at });
    } else {
      const down = cur?.lastDownAt !== undefined && cur.upSince === undefined;
      if (down || (cur?.upSince !== undefined && at <= cur.upSince)) continue;
      changes.push({ host: s.host, lastDownAt: at });
    }
  }
  return changes;
}

/** The fencing records this observation ends. */
export function fencingEnded(
  fencing: ReadonlyMap<string, FenceRecord>,
  seen: readonly HostSighting[],
  at: number,
): FenceRecord[] {
  const ended: FenceRecord[] = [];
  for (const s of seen) {
    const r = fencing.get(s.host);
    if (s.up && r !== undefined && Date.parse(r.confirmedAt) < at) ended.push(r);
  }
  return ended;
}
