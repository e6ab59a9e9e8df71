/**
 * Status for people and for `/status`: each guest's desired state next to what is observed
 * (state, confidence, host) and the reason in one phrase — including what virtwarden waits
 * for, taken from the plan's holds ("waiting for fencing of kvm2"). Services are down when any
 * of their guests is not ONLINE. Pure.
 */
import type { Desired, DesiredGuestState, Guest } from '../model/desired.js';
import type { GuestHistory } from '../model/history.js';
import type { GuestState } from '../model/guest-state.js';
import type { Observed, ObservedGuest } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { effectivePlacement } from './effective.js';
import { gatherGuestView, type GuestView } from './guest-view.js';
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

/**
 * The copy that speaks for a guest that runs nowhere: a managed save first (it is the guest's
 * state), then — for a guest meant to run — the copy on the host it last ran on, then a failed
 * copy on an allowed host. A stale `shut off (crashed)` copy left on another host by an earlier
 * failure never makes a stopped guest FAULTED.
 */
function speaker(
  guest: Guest,
  view: GuestView,
  history: GuestHistory,
  hosts: readonly string[],
): ObservedGuest | undefined {
  const saved = view.instances.find((i) => i.managedSave);
  if (saved) return saved;
  if (guest.state !== 'running') return undefined;
  const onLast = view.instances.find((i) => i.host === history.lastHost);
  if (onLast) return onLast;
  const failed = (i: ObservedGuest): boolean => i.state === 'FAULTED' || i.state === 'UNKNOWN';
  return (
    view.instances.find((i) => failed(i) && hosts.includes(i.host ?? '')) ??
    view.instances.find(failed)
  );
}

export function guestStatuses(
  desired: Desired,
  observed: Observed,
  plan: Plan,
  histories: ReadonlyMap<string, GuestHistory> = new Map(),
): GuestStatus[] {
  const out: GuestStatus[] = [];
  for (const guest of [...desired.guests.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const placement = effectivePlacement(desired, guest);
    const history = histories.get(guest.name) ?? EMPTY_HISTORY;
    const view = gatherGuestView(desired, observed, guest, placement, history, new Set());
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
      const speaks = speaker(guest, view, history, placement.hosts);
      const any = speaks ?? view.instances[0];
      state = speaks?.state ?? 'OFFLINE';
      confidence = speaks?.confidence ?? 100;
      host = speaks?.host;
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
