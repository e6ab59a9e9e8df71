/**
 * diff(desired, observed, policy) → Plan. The heart of virtwarden, and a pure function: no I/O,
 * no clock, no logging. Each guest is planned on its own (definitions, then its desired
 * state), then the guests' plans are ordered against each other: a guest starts after the
 * guests it depends on are running (or started by this plan), and stops before them.
 */
import type { Desired, Guest } from '../model/desired.js';
import type { Observed, ObservedGuest } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { guestDefinition } from '../common/guest-definition.js';
import { guestUuid } from '../common/guest-identity.js';
import { dependents, startDependencies, type DependencyMap } from './dependencies.js';
import { drainedHosts } from './drained.js';
import { effectivePlacement } from '../common/effective-placement.js';
import type { GuestContext, GuestIntent } from './guest-context.js';
import { findConflicts, planDefinitions } from './guest-definitions.js';
import { planEngineGuest } from './guest-engine.js';
import { planRunning } from './guest-running.js';
import { planAbsent, planStopped } from './guest-stopped.js';
import { gatherGuestView, hostUsable } from './guest-view.js';
import { PlanBuilder } from './plan-builder.js';
import { planUnmappedVolumes } from './unmapped-volumes.js';
import { EMPTY_HISTORY, type PlanPolicy } from './policy.js';

export function diff(desired: Desired, observed: Observed, policy: PlanPolicy): Plan {
  const plan = new PlanBuilder();
  const intents = new Map<string, GuestIntent>();
  const deps = startDependencies(desired);
  const guests = guestsToPlan(desired, deps, policy.targets);
  for (const guest of guests)
    intents.set(guest.name, planGuest(desired, observed, policy, guest, plan));

  orderStarts(plan, deps, intents, policy, guests);
  orderStops(plan, deps, intents);
  planUnmappedVolumes(desired, observed, policy, plan);
  if (policy.targets !== undefined) {
    const targets = policy.targets;
    plan.retain((g) => targets.has(g));
  }
  return plan.build();
}

/**
 * Every guest, or — for `--target` and the watch loop's one key — the targets and their direct
 * neighbours in the dependency graph (whose plans order the targets' starts and stops), so
 * planning one guest costs O(its neighbours), not O(fleet).
 */
function guestsToPlan(
  desired: Desired,
  deps: DependencyMap,
  targets: ReadonlySet<string> | undefined,
): Guest[] {
  const all = (): Guest[] => [...desired.guests.values()];
  let chosen: Guest[];
  if (targets === undefined) {
    chosen = all();
  } else {
    const names = new Set<string>();
    const users = dependents(deps);
    for (const t of targets) {
      names.add(t);
      for (const d of deps.get(t) ?? []) names.add(d);
      for (const u of users.get(t) ?? []) names.add(u);
    }
    chosen = [...names].flatMap((n) => {
      const g = desired.guests.get(n);
      return g ? [g] : [];
    });
  }
  return chosen.sort((a, b) => a.name.localeCompare(b.name));
}

function planGuest(
  desired: Desired,
  observed: Observed,
  policy: PlanPolicy,
  guest: Guest,
  plan: PlanBuilder,
): GuestIntent {
  const placement = effectivePlacement(desired, guest);
  const history = policy.history.get(guest.name) ?? EMPTY_HISTORY;
  const view = gatherGuestView(desired, observed, guest, placement, history, policy.fencedHosts);
  const definition = guestDefinition(desired, guest);
  const base = {
    desired,
    observed,
    policy,
    guest,
    placement,
    view,
    history,
    uuid: guestUuid(guest),
    hash: definition?.hash,
    baseHash: definition?.baseHash,
    plan,
  };
  if (guest.maintenance) {
    plan.hold({
      guest: guest.name,
      reason: 'maintenance',
      message: 'maintenance: observed only, never acted on',
    });
    return { stops: [], willRun: view.active.length > 0, runsNow: view.active.length > 0 };
  }
  const drained = drainedHosts(desired, policy.drainedHosts);
  const isDrained = (h: string): boolean => drained.has(h);
  const up = (h: string): boolean => hostUsable(observed, h);
  const engine = desired.sites.get(placement.site)?.provider.kind === 'ovirt';
  if (engine) {
    const ctx: GuestContext = {
      ...base,
      usable: up,
      canRun: (h) => up(h) && !isDrained(h),
      drained: isDrained,
    };
    return planEngineGuest(ctx);
  }
  const migrating = view.active.filter((g) => g.migrating === true);
  if (migrating.length > 0) return holdMigrating(plan, guest, view.active);
  const probe: GuestContext = { ...base, usable: up, canRun: up, drained: isDrained };
  const conflicted = findConflicts(probe);
  const usable = (h: string): boolean => !conflicted.has(h) && up(h);
  const ctx: GuestContext = {
    ...base,
    usable,
    canRun: (h) => usable(h) && !isDrained(h),
    drained: isDrained,
  };
  switch (guest.state) {
    case 'absent':
      return planAbsent(ctx);
    case 'stopped':
      planDefinitions(ctx, conflicted);
      return planStopped(ctx, conflicted);
    case 'running':
      return planRunning(ctx, planDefinitions(ctx, conflicted));
  }
}

/**
 * A live migration is in flight (an operator's `virsh migrate`, or ours): both ends are one
 * guest moving, not a duplicate. Nothing is done to it — no stop, no define, no start — until
 * the job ends; the event at its end (or the next resync) looks again.
 */
function holdMigrating(
  plan: PlanBuilder,
  guest: Guest,
  active: readonly ObservedGuest[],
): GuestIntent {
  const hosts = active.map((a) => `${a.host ?? '?'} (${a.detail})`).join(', ');
  plan.hold({
    guest: guest.name,
    reason: 'migrating',
    host: active.find((a) => a.migrating !== true)?.host ?? active[0]?.host,
    retryAfterMs: MIGRATION_LOOK_AGAIN_MS,
    message: `a live migration is in flight: ${hosts}; left alone until it ends`,
  });
  return { stops: [], willRun: true, runsNow: true };
}

const MIGRATION_LOOK_AGAIN_MS = 2_000;

/** Dependencies first (depth-first); cycles were rejected by validation, but never loop. */
function topological(guests: readonly Guest[], deps: DependencyMap): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const d of deps.get(name) ?? []) visit(d);
    order.push(name);
  };
  for (const g of guests) visit(g.name);
  return order;
}

function orderStarts(
  plan: PlanBuilder,
  deps: DependencyMap,
  intents: Map<string, GuestIntent>,
  policy: PlanPolicy,
  guests: readonly Guest[],
): void {
  for (const name of topological(guests, deps)) {
    const intent = intents.get(name);
    if (intent?.start === undefined) continue;
    const start = intent.start;
    for (const on of deps.get(name) ?? []) {
      const dep = intents.get(on);
      const depTargeted = policy.targets === undefined || policy.targets.has(on);
      if (dep?.start !== undefined && depTargeted) {
        plan.addDependency(start, dep.start);
        continue;
      }
      if (dep?.willRun === true && dep.start === undefined) continue;
      if (intent.runsNow === true) continue;
      plan.remove(start);
      plan.hold({
        guest: name,
        reason: 'waiting-for-dependency',
        message: `waits for '${on}' to run first${depTargeted ? '' : ` (not part of --target)`}`,
      });
      intents.set(name, { stops: intent.stops, willRun: false });
      break;
    }
  }
}

function orderStops(
  plan: PlanBuilder,
  deps: DependencyMap,
  intents: ReadonlyMap<string, GuestIntent>,
): void {
  const users = dependents(deps);
  for (const [name, intent] of intents) {
    if (intent.stops.length === 0) continue;
    for (const user of users.get(name) ?? []) {
      const theirs = intents.get(user);
      if (theirs === undefined) continue;
      // The guest that depends on this one stops first.
      for (const stop of intent.stops) for (const s of theirs.stops) plan.addDependency(stop, s);
    }
  }
}
