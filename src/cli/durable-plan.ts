/**
 * `plan`, `apply` and `status` plan with what the controller's durable state knows, like
 * `watch` does: guest histories (the ladder, FAULTED, where each guest last ran and is
 * defined), fencing records, drains, host health and the volume inventory. Every observation
 * is recorded (host health; fencing records of hosts seen up end), and `apply` keeps the
 * histories up to date through the same pure transitions as `watch`.
 */
import type { Desired } from '../model/desired.js';
import type { GuestHistory } from '../model/history.js';
import type { Observed } from '../model/observed.js';
import type { Action, Plan } from '../model/plan.js';
import type { Provider } from '../providers/provider.js';
import { diff } from '../reconcile/diff.js';
import { effectivePlacement } from '../common/effective-placement.js';
import type { ActionResult } from '../reconcile/execution-report.js';
import { instancesOf } from '../reconcile/guest-view.js';
import {
  afterActionDone,
  afterActionFailed,
  afterHold,
  afterObservation,
  sameHistory,
} from '../reconcile/history.js';
import { observeWithDetails } from '../reconcile/observe.js';
import { EMPTY_HISTORY, type PlanPolicy } from '../reconcile/policy.js';
import type { ControllerState, FenceRecord } from '../state/controller-state.js';

export interface DurablePlan {
  readonly observed: Observed;
  readonly plan: Plan;
  readonly observeMs: number;
  readonly policy: PlanPolicy;
  /** Fencing records this observation ended (their host answers again). */
  readonly fencingEnded: readonly FenceRecord[];
  /** Sites that could not be observed at all (an engine down, every host unreachable). */
  readonly unobserved: readonly { readonly site: string; readonly reason: string }[];
}

/** The plan policy from the durable state (options such as --allow-restart go on top). */
export async function policyFromState(
  state: ControllerState,
  now: number,
): Promise<Omit<PlanPolicy, 'allowRestart' | 'allowDataLoss'>> {
  const [fencing, drains, histories, health, volumes] = await Promise.all([
    state.fencing(),
    state.drains(),
    state.histories(),
    state.hostHealth(),
    state.volumes(),
  ]);
  const upSince = new Map<string, number>();
  for (const [h, r] of health) if (r.upSince !== undefined) upSince.set(h, r.upSince);
  return {
    fencedHosts: new Set(fencing.keys()),
    drainedHosts: new Set(drains.keys()),
    history: histories,
    hostUpSince: upSince,
    ownedVolumes: volumes,
    now,
  };
}

/** Histories as this run changes them; `save` writes the guests that changed. */
export class RunHistories {
  private readonly state: ControllerState;
  private readonly book: Map<string, GuestHistory>;
  private readonly changed = new Set<string>();

  constructor(state: ControllerState, initial: ReadonlyMap<string, GuestHistory>) {
    this.state = state;
    this.book = new Map(initial);
  }

  all(): ReadonlyMap<string, GuestHistory> {
    return this.book;
  }

  private update(guest: string, next: GuestHistory): void {
    if (sameHistory(this.book.get(guest) ?? EMPTY_HISTORY, next)) return;
    this.book.set(guest, next);
    this.changed.add(guest);
  }

  observed(desired: Desired, observed: Observed): void {
    const seen = new Set<string>();
    for (const s of observed.sites.values())
      for (const h of s.hosts.values()) if (h.status === 'up') seen.add(h.name);
    for (const g of desired.guests.values()) {
      const sites = effectivePlacement(desired, g).sites;
      const h = this.book.get(g.name) ?? EMPTY_HISTORY;
      this.update(g.name, afterObservation(h, instancesOf(observed, sites, g.domainName), seen));
    }
  }

  planned(plan: Plan, now: number): void {
    for (const hold of plan.holds) {
      this.update(hold.guest, afterHold(this.book.get(hold.guest) ?? EMPTY_HISTORY, hold, now));
    }
  }

  finished(a: Action, r: ActionResult, now: number): void {
    const h = this.book.get(a.guest) ?? EMPTY_HISTORY;
    if (r.status === 'done') this.update(a.guest, afterActionDone(h, a, now));
    if (r.status === 'failed')
      this.update(a.guest, afterActionFailed(h, a, r.error?.code ?? 'unexpected', r.message, now));
  }

  async save(): Promise<void> {
    const guests = [...this.changed];
    this.changed.clear();
    await Promise.all(guests.map((g) => this.state.saveHistory(g, this.book.get(g))));
  }
}

/** Observe, record what was seen, and plan. */
export async function observeAndPlan(
  desired: Desired,
  providers: ReadonlyMap<string, Provider>,
  state: ControllerState,
  policy: PlanPolicy,
  histories?: RunHistories,
): Promise<DurablePlan> {
  const t0 = Date.now();
  const observed = await observeWithDetails(desired, providers, undefined, policy.ownedVolumes);
  const observeMs = Date.now() - t0;
  const sightings = [...observed.sites.values()].flatMap((s) =>
    [...s.hosts.values()].map((h) => ({ host: h.name, up: h.status === 'up' })),
  );
  const { fencingEnded } = await state.observedHosts(sightings, t0);
  const ended = new Set(fencingEnded.map((f) => f.host));
  histories?.observed(desired, observed);
  const effective: PlanPolicy = {
    ...policy,
    fencedHosts: new Set([...policy.fencedHosts].filter((h) => !ended.has(h))),
    ...(histories ? { history: histories.all() } : {}),
  };
  const plan = diff(desired, observed, effective);
  histories?.planned(plan, Date.now());
  const unobserved = [...observed.sites.values()]
    .filter((s) => !s.reachable)
    .map((s) => ({ site: s.name, reason: s.reason ?? 'it does not answer' }));
  return { observed, plan, observeMs, policy: effective, fencingEnded, unobserved };
}
