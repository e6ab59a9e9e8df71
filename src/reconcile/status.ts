/**
 * Status for people and for `/status`: each guest's desired state next to what is observed
 * (state, confidence, host) and the reason in one phrase — including what virtwarden waits
 * for, taken from the plan's holds ("waiting for fencing of kvm2"). Services are down when any
 * of their guests is not ONLINE. Pure.
 */
import type { Desired, DesiredGuestState } from '../model/desired.js';
import type { GuestState } from '../model/guest-state.js';
import type { Observed, ObservedGuest } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { effectivePlacement } from './effective.js';
import { gatherGuestView } from './guest-view.js';
import { EMPTY_HISTORY } from './policy.js';

export interface GuestStatus {
  readonly guest: string;
  readonly domainName: string;
  readonly site: string;
  readonly desired: DesiredGuestState;
  readonly maintenance: boolean;
  readonly state: GuestState;
  readonly confidence: number;
  readonly host?: string;
  readonly reason: string;
  /** The plan has actions pending for it. */
  readonly converged: boolean;
}

export interface ServiceStatus {
  readonly name: string;
  readonly up: boolean;
  /** Guests that are not ONLINE. */
  readonly down: readonly string[];
}

function pick(instances: readonly ObservedGuest[]): ObservedGuest | undefined {
  return instances.find((i) => i.state === 'ONLINE') ?? instances[0];
}

export function guestStatuses(desired: Desired, observed: Observed, plan: Plan): GuestStatus[] {
  const out: GuestStatus[] = [];
  for (const guest of [...desired.guests.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const placement = effectivePlacement(desired, guest);
    const view = gatherGuestView(desired, observed, guest, placement, EMPTY_HISTORY, new Set());
    const hold = plan.holds.find((h) => h.guest === guest.name);
    const pending = plan.actions.some((a) => a.guest === guest.name);
    const active = pick(view.active);
    let state: GuestState;
    let confidence: number;
    let host: string | undefined;
    let reason: string;
    if (active) {
      ({ state, confidence, host } = active);
      reason = active.detail;
    } else if (view.blindHosts.length > 0) {
      state = 'UNKNOWN';
      confidence = 0;
      reason = `cannot see ${view.blindHosts.join(', ')} (unreachable)`;
    } else {
      const saved = view.instances.find((i) => i.managedSave);
      const failed = view.instances.find((i) => i.state === 'FAULTED' || i.state === 'UNKNOWN');
      const any = saved ?? failed ?? view.instances[0];
      state = any?.state ?? 'OFFLINE';
      confidence = any?.confidence ?? 100;
      host = saved?.host ?? failed?.host;
      reason = any ? any.detail : 'not defined on any host';
    }
    if (hold) reason = hold.message;
    else if (pending)
      reason = `${reason}; plan: ${plan.actions
        .filter((a) => a.guest === guest.name)
        .map((a) => a.kind)
        .join(', ')}`;
    out.push({
      guest: guest.name,
      domainName: guest.domainName,
      site: placement.site,
      desired: guest.state,
      maintenance: guest.maintenance,
      state,
      confidence,
      ...(host !== undefined ? { host } : {}),
      reason,
      converged: !pending,
    });
  }
  return out;
}

export function serviceStatuses(desired: Desired, guests: readonly GuestStatus[]): ServiceStatus[] {
  const byName = new Map(guests.map((g) => [g.guest, g]));
  return [...desired.services.values()].map((s) => {
    const down = s.tiers.flat().filter((g) => byName.get(g)?.state !== 'ONLINE');
    return { name: s.name, up: down.length === 0, down };
  });
}
