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
import { guestConditions, isReady, type Condition } from './conditions.js';
import { effectivePlacement } from '../common/effective-placement.js';
import { guestSpecHash } from '../common/guest-spec-hash.js';
import { drainedHosts } from './drained.js';
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
  /** Ready: as the manifests want it, nothing pending or held back (see conditions). */
  readonly converged: boolean;
  /** Ready, Reconciling, Stalled, with reasons from `CONDITION_REASONS`. */
  readonly conditions: readonly Condition[];
  /**
   * The hash of the guest's manifest this status reflects: for `watch`, the one its last
   * reconcile was made from (it differs from the manifests' while an edit waits its turn); for
   * the CLI, the manifests it was given.
   */
  readonly observedHash: string;
  /** When an action of virtwarden's on it last finished successfully (ISO 8601; durable). */
  readonly lastAppliedAt?: string;
  /** When `watch` last reconciled it (ISO 8601; `watch` only). */
  readonly lastAttemptAt?: string;
}

/** A reconcile attempt of one guest by `watch`: when, and from which manifest. */
export interface ReconcileAttempt {
  readonly at: number;
  readonly specHash: string;
}

/** What the controller knows about a guest beyond the plan (absent for the CLI). */
export interface ControlFacts {
  readonly terminal?: { readonly code: string; readonly message: string };
  readonly failed?: { readonly message: string };
  /** Actions of it running now. */
  readonly inFlight?: readonly string[];
}

export interface StatusOptions {
  readonly histories?: ReadonlyMap<string, GuestHistory>;
  readonly facts?: ReadonlyMap<string, ControlFacts>;
  readonly attempts?: ReadonlyMap<string, ReconcileAttempt>;
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
  options: StatusOptions = {},
): GuestStatus[] {
  const histories = options.histories ?? new Map<string, GuestHistory>();
  const out: GuestStatus[] = [];
  const holdsBy = groupBy(plan.holds, (h) => h.guest);
  const actionsBy = groupBy(plan.actions, (a) => a.guest);
  for (const guest of [...desired.guests.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const placement = effectivePlacement(desired, guest);
    const history = histories.get(guest.name) ?? EMPTY_HISTORY;
    const view = gatherGuestView(desired, observed, guest, placement, history, new Set());
    const holds = holdsBy.get(guest.name) ?? [];
    const hold = holds[0];
    const facts = options.facts?.get(guest.name);
    const attempt = options.attempts?.get(guest.name);
    const actions = actionsBy.get(guest.name) ?? [];
    const pendingKinds = [...(facts?.inFlight ?? []), ...actions.map((a) => a.kind)];
    const pending = pendingKinds.length > 0;
    const active = pick(view.active);
    const unseen = placement.sites.filter((s) => observed.sites.get(s)?.reachable === false);
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
    } else if (unseen.length > 0) {
      state = 'UNKNOWN';
      confidence = 0;
      reason = `site ${unseen.join(', ')} does not answer`;
    } else {
      const speaks = speaker(guest, view, history, placement.hosts);
      const any = speaks ?? view.instances[0];
      state = speaks?.state ?? 'OFFLINE';
      confidence = speaks?.confidence ?? 100;
      host = speaks?.host;
      reason = any ? any.detail : 'not defined on any host';
    }
    if (hold) reason = hold.message;
    else if (pending) reason = `${reason}; plan: ${pendingKinds.join(', ')}`;
    const conditions = guestConditions({
      desired: guest.state,
      state,
      placedWell:
        placement.hosts.length === 0 || (host !== undefined && placement.hosts.includes(host)),
      holds,
      pending: pendingKinds,
      ...(facts?.terminal ? { terminal: facts.terminal } : {}),
      ...(facts?.failed ? { failed: facts.failed } : {}),
    });
    if (facts?.terminal && !hold) reason = `${facts.terminal.code}: ${facts.terminal.message}`;
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
      converged: isReady(conditions),
      conditions,
      observedHash: attempt?.specHash ?? guestSpecHash(guest),
      ...(history.lastAppliedAt !== undefined
        ? { lastAppliedAt: new Date(history.lastAppliedAt).toISOString() }
        : {}),
      ...(attempt !== undefined ? { lastAttemptAt: new Date(attempt.at).toISOString() } : {}),
    });
  }
  return out;
}

export interface HostStatus {
  readonly host: string;
  readonly site: string;
  /** As observed: up, unreachable (may still run guests), maintenance (engine), down. */
  readonly status: string;
  readonly reason?: string;
  /** Drained: `manifest` (Site `maintenance: true`) or who ran `virtwarden drain`. */
  readonly drained?: { readonly by: string; readonly since?: string; readonly note?: string };
  /** A fencing confirmation is in force for it. */
  readonly fenced: boolean;
}

/** Every host of every site, as observed, with its drain and fencing marks. */
export function hostStatuses(
  desired: Desired,
  observed: Observed,
  marks: {
    readonly drains?: ReadonlyMap<string, { by: string; since: string; note?: string }>;
    readonly fenced?: ReadonlySet<string>;
  } = {},
): HostStatus[] {
  const out: HostStatus[] = [];
  const manifest = drainedHosts(desired);
  for (const site of observed.sites.values()) {
    for (const h of site.hosts.values()) {
      const drain = marks.drains?.get(h.name);
      out.push({
        host: h.name,
        site: site.name,
        status: h.status,
        ...(h.reason !== undefined && h.status !== 'up' ? { reason: h.reason } : {}),
        ...(drain
          ? { drained: drain }
          : manifest.has(h.name)
            ? { drained: { by: 'manifest' } }
            : {}),
        fenced: marks.fenced?.has(h.name) === true,
      });
    }
  }
  return out.sort((a, b) => a.host.localeCompare(b.host));
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export function serviceStatuses(desired: Desired, guests: readonly GuestStatus[]): ServiceStatus[] {
  const byName = new Map(guests.map((g) => [g.guest, g]));
  return [...desired.services.values()].map((s) => {
    const down = s.tiers.flat().filter((g) => byName.get(g)?.state !== 'ONLINE');
    return { name: s.name, up: down.length === 0, down };
  });
}
