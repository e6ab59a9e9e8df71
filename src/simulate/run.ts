/**
 * Scenario stepping: what `watch` would do, step by step, when a scenario's events happen to a
 * fleet. Each step of the controller is the real one — the same pure `diff`, the same failure
 * ladder inside it, the same history transitions (src/reconcile/history.ts) and the same
 * host-loss decisions (src/reconcile/fencing-policy.ts) — against a simulated world
 * (`World`) instead of providers. Pure: no I/O, no clock (time is simulated).
 *
 * A reconcile here is watch's loop over the whole fleet: observe, record what was seen, plan,
 * carry the actions out, look again, until a plan has nothing to do. A hold that asks to look
 * again later (a crash loop's backoff, a failback's wait) moves the simulated clock on.
 */
import type { Desired, DisasterRecovery, Guest } from '../model/desired.js';
import type { GuestHistory } from '../model/history.js';
import type { Observed } from '../model/observed.js';
import type { Action, Hold, Plan } from '../model/plan.js';
import { effectivePlacement } from '../common/effective-placement.js';
import { diff } from '../reconcile/diff.js';
import { afterFenceAttempt, beforeFenceAttempt, FENCE_RETRY } from '../reconcile/fencing-policy.js';
import { dependentsOf, guestsOfHost } from '../reconcile/guest-keys.js';
import { instancesOf } from '../reconcile/guest-view.js';
import { afterActionDone, afterHold, afterObservation } from '../reconcile/history.js';
import { EMPTY_HISTORY, type PlanPolicy } from '../reconcile/policy.js';
import { eventText, type FenceMode, type Scenario, type ScenarioEvent } from './scenario.js';
import { World } from './world.js';

export type StepKind = 'event' | 'lost' | 'fence' | 'action' | 'hold' | 'crash' | 'note';

export interface SimStep {
  /** Seconds since the scenario's first event (0 for what watch does before it). */
  readonly at: number;
  readonly phase: 'before' | 'scenario';
  readonly kind: StepKind;
  readonly guest?: string;
  readonly host?: string;
  /** For actions: the action as the plan has it. */
  readonly action?: Pick<Action, 'kind' | 'address' | 'host' | 'toHost' | 'reason'>;
  /** For holds: why. */
  readonly hold?: Hold['reason'];
  readonly text: string;
}

export type GuestEnd =
  'running' | 'stopped' | 'absent' | 'faulted' | 'waiting-for-fencing' | 'unplaced' | 'held';

export interface GuestOutcome {
  readonly guest: string;
  /** It must run: desired running and not in maintenance. */
  readonly mustRun: boolean;
  /** Where it ran before the scenario's first event. */
  readonly before?: string;
  /** Where it runs at the end. */
  readonly host?: string;
  readonly end: GuestEnd;
  /** The last hold's message, for a guest that does not run. */
  readonly why?: string;
}

export interface ScenarioSummary {
  readonly restarts: number;
  readonly failovers: number;
  readonly migrations: number;
  readonly running: number;
  readonly faulted: number;
  readonly waitingForFencing: number;
  readonly unplaced: number;
}

export interface SimulationResult {
  readonly scenario: Scenario;
  readonly steps: readonly SimStep[];
  readonly guests: readonly GuestOutcome[];
  readonly summary: ScenarioSummary;
  /** watch would come to rest (no more actions); false when the round limit was hit. */
  readonly settled: boolean;
}

/** How long one round of acting takes on the simulated clock. */
const ROUND_MS = 1_000;
/** Rounds of a reconcile before giving up (a world that never agrees). */
const MAX_ROUNDS = 200;
/** Holds that ask to look again later: the clock moves on to them. */
const LOOK_AGAIN: ReadonlySet<Hold['reason']> = new Set(['crash-loop-backoff', 'failback-pending']);
/** Simulated time a scenario may take at most. */
const MAX_SCENARIO_MS = 24 * 3600_000;

const FAILURE_RESTARTS = new Set(['crashed', 'stopped-unexpectedly', 'io-error']);

/** The fleet before any event: the manifests, an observation and watch's durable state. */
export interface Fleet {
  readonly desired: Desired;
  readonly observed: Observed;
  /** Histories, fencing records, drains and the clock from the state directory. */
  readonly policy: PlanPolicy;
}

/**
 * What watch does before the scenario (the fleet may not be converged), computed once and
 * shared by every scenario of a run.
 */
export interface Baseline {
  readonly fleet: Fleet;
  readonly world: World;
  readonly histories: ReadonlyMap<string, GuestHistory>;
  readonly now: number;
  readonly steps: readonly SimStep[];
  readonly holds: ReadonlyMap<string, readonly Hold[]>;
  readonly settled: boolean;
}

class Run {
  desired: Desired;
  readonly world: World;
  readonly histories: Map<string, GuestHistory>;
  readonly fenced: Set<string>;
  readonly drained: Set<string>;
  now: number;
  t0: number;
  phase: SimStep['phase'] = 'before';
  readonly steps: SimStep[] = [];
  /** Each guest's holds of the last plan (what it waits for now). */
  holds = new Map<string, readonly Hold[]>();
  /** What was last said about each guest's hold (said again only when it changes). */
  private readonly said = new Map<string, string>();
  readonly crashesLeft = new Map<string, number>();
  private readonly base: PlanPolicy;
  settled = true;

  constructor(
    fleet: Fleet,
    world: World,
    histories: ReadonlyMap<string, GuestHistory>,
    now: number,
    holds: ReadonlyMap<string, readonly Hold[]>,
  ) {
    this.desired = fleet.desired;
    this.base = fleet.policy;
    this.world = world;
    this.histories = new Map(histories);
    this.fenced = new Set(fleet.policy.fencedHosts);
    this.drained = new Set(fleet.policy.drainedHosts ?? []);
    this.now = now;
    this.t0 = now;
    this.holds = new Map(holds);
    for (const [g, hs] of holds) this.said.set(g, hs.map(holdKey).join('|'));
  }

  step(s: Omit<SimStep, 'at' | 'phase'>): void {
    const at = this.phase === 'before' ? 0 : Math.round((this.now - this.t0) / 1000);
    this.steps.push({ at, phase: this.phase, ...s });
  }

  policy(): PlanPolicy {
    return {
      ...this.base,
      fencedHosts: this.fenced,
      drainedHosts: this.drained,
      history: this.histories,
      now: this.now,
    };
  }

  /** What watch records from one observation (RunHistories.observed / HistoryBook.observed). */
  private record(observed: Observed, keys: ReadonlySet<string> | undefined): void {
    const seen = new Set<string>();
    for (const s of observed.sites.values())
      for (const h of s.hosts.values()) if (h.status === 'up') seen.add(h.name);
    for (const g of this.guestsOf(keys)) {
      const sites = effectivePlacement(this.desired, g).sites;
      const h = this.histories.get(g.name) ?? EMPTY_HISTORY;
      const next = afterObservation(h, instancesOf(observed, sites, g.domainName), seen);
      if (next !== h) this.histories.set(g.name, next);
    }
  }

  private guestsOf(keys: ReadonlySet<string> | undefined): Guest[] {
    // By name, as diff plans them: steps come out in one order whatever triggered them.
    if (keys === undefined)
      return [...this.desired.guests.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return [...keys].sort().flatMap((k) => {
      const g = this.desired.guests.get(k);
      return g ? [g] : [];
    });
  }

  private planned(plan: Plan, keys: ReadonlySet<string> | undefined): void {
    const byGuest = new Map<string, Hold[]>();
    for (const h of plan.holds) byGuest.set(h.guest, [...(byGuest.get(h.guest) ?? []), h]);
    for (const { name: g } of this.guestsOf(keys)) {
      const hs = byGuest.get(g) ?? [];
      this.holds.set(g, hs);
      const said = hs.map(holdKey).join('|');
      if (said !== (this.said.get(g) ?? '')) {
        this.said.set(g, said);
        for (const h of hs) {
          this.step({
            kind: 'hold',
            guest: g,
            ...(h.host !== undefined ? { host: h.host } : {}),
            hold: h.reason,
            text: `${g}: ${h.message}`,
          });
        }
      }
      for (const h of hs) {
        const before = this.histories.get(g) ?? EMPTY_HISTORY;
        const next = afterHold(before, h, this.now);
        if (next !== before) this.histories.set(g, next);
      }
    }
  }

  private act(a: Action): void {
    const note = this.world.apply(this.desired, a);
    this.histories.set(
      a.guest,
      afterActionDone(this.histories.get(a.guest) ?? EMPTY_HISTORY, a, this.now),
    );
    this.step({
      kind: 'action',
      guest: a.guest,
      ...(a.host !== undefined ? { host: a.host } : {}),
      action: {
        kind: a.kind,
        address: a.address,
        reason: a.reason,
        ...(a.host !== undefined ? { host: a.host } : {}),
        ...(a.toHost !== undefined ? { toHost: a.toHost } : {}),
      },
      text: `${a.address}${a.toHost !== undefined ? ` → ${a.toHost}` : ''}: ${a.why}`,
    });
    if (note !== undefined) this.step({ kind: 'note', guest: a.guest, text: note });
  }

  /** Crashes still due: the guest crashes again as soon as it runs. The guests that crashed. */
  private crashesDue(): string[] {
    const crashed: string[] = [];
    for (const [name, left] of this.crashesLeft) {
      const guest = this.desired.guests.get(name);
      if (left <= 0 || !guest) continue;
      const where = this.world.crash(this.desired, guest);
      if (where === undefined) continue;
      this.crashesLeft.set(name, left - 1);
      this.step({ kind: 'crash', guest: name, host: where, text: `${name} crashes on ${where}` });
      crashed.push(name);
    }
    return crashed;
  }

  /**
   * Watch's loop until it has nothing left to do. Like watch, it reconciles keys: the guests an
   * event concerns (`keys`; all of them when absent), then the guests it acted on and their
   * dependents, then those whose holds asked to be looked at again — each plan `diff` of those
   * targets — until the keys run out. Without keys it starts with the whole fleet (watch's
   * startup and periodic resync): `runScenario` ends every scenario with one.
   */
  reconcile(keys?: Iterable<string>): void {
    let last = '';
    let queue: Set<string> | undefined = keys === undefined ? undefined : new Set(keys);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (this.now - this.t0 > MAX_SCENARIO_MS) break;
      // Only the same actions twice in a row with nothing happening in between are a world
      // the simulation cannot move (storage actions); a crash in between is new work.
      const crashed = this.crashesDue();
      if (crashed.length > 0) {
        last = '';
        for (const c of crashed) queue?.add(c);
      }
      if (queue?.size === 0) return;
      const observed = this.world.observed();
      this.record(observed, queue);
      const policy = this.policy();
      const plan = diff(this.desired, observed, queue ? { ...policy, targets: queue } : policy);
      this.planned(plan, queue);
      const later = plan.holds.filter(
        (h) => LOOK_AGAIN.has(h.reason) && h.retryAfterMs !== undefined,
      );
      if (plan.actions.length === 0) {
        if (later.length === 0) {
          if (queue === undefined) return;
          queue = new Set();
          continue;
        }
        this.now += Math.max(ROUND_MS, Math.min(...later.map((h) => h.retryAfterMs ?? 0)));
        last = '';
        queue = new Set(later.map((h) => h.guest));
        continue;
      }
      const sig = plan.actions.map((a) => a.id).join(',');
      if (sig === last) {
        this.step({
          kind: 'note',
          text: `the same actions again (${sig}): the simulation cannot model their effect; stopped here`,
        });
        this.settled = false;
        return;
      }
      last = sig;
      const next = new Set(later.map((h) => h.guest));
      for (const a of inDependencyOrder(plan.actions)) {
        this.act(a);
        next.add(a.guest);
        for (const d of dependentsOf(this.desired, a.guest)) next.add(d);
      }
      queue = next;
      this.now += ROUND_MS;
    }
    this.step({
      kind: 'note',
      text: `still acting after ${String(MAX_ROUNDS)} rounds: stopped here`,
    });
    this.settled = false;
  }

  /** The guests watch looks at when `hosts` change (placement, or they last ran there). */
  private keysOfHosts(hosts: readonly string[]): Set<string> {
    return new Set(hosts.flatMap((h) => guestsOfHost(this.desired, h, this.histories)));
  }

  /** A host stopped answering: held, then lost after its grace, then fenced (or not). */
  hostsDie(hosts: readonly string[], mode: FenceMode, why: string): void {
    for (const h of hosts) this.world.hostDies(h, why);
    this.reconcile(this.keysOfHosts(hosts));
    const grace = Math.max(0, ...hosts.map((h) => this.graceOf(h)));
    this.now += grace * 1000;
    for (const host of hosts) {
      this.step({
        kind: 'lost',
        host,
        text: `${host} is lost: unreachable for ${String(this.graceOf(host))} s (hostLossGraceSeconds)`,
      });
      this.fence(host, mode);
    }
    this.reconcile(this.keysOfHosts(hosts));
  }

  private graceOf(host: string): number {
    const site = this.desired.sites.get(this.world.siteOf(host) ?? '');
    return site?.provider.kind === 'libvirt' ? site.provider.hostLossGraceSeconds : 0;
  }

  /** Watch's fence loop, decided by the same pure steps (src/reconcile/fencing-policy.ts). */
  private fence(host: string, mode: FenceMode): void {
    if (this.fenced.has(host)) return;
    // A dead host does not answer a fresh connection.
    if (beforeFenceAttempt(false).kind !== 'fence') return;
    const command = mode !== 'none' && hostHasFence(this.desired, host);
    const fenced = command && mode !== 'fails';
    const next = afterFenceAttempt(command, fenced, 1, () => 1);
    switch (next.kind) {
      case 'fenced':
        this.fenced.add(host);
        this.step({
          kind: 'fence',
          host,
          text: `${host} fenced by its fence command: its guests may start elsewhere`,
        });
        return;
      case 'wait-for-operator':
        this.step({
          kind: 'fence',
          host,
          text: `${host} has no fence command: its guests wait for an operator to run \`virtwarden fence confirm ${host}\``,
        });
        break;
      case 'retry':
        this.step({
          kind: 'fence',
          host,
          text: `fencing ${host} fails: retried with backoff (up to ${String(FENCE_RETRY.capMs / 1000)} s apart) until it succeeds or an operator confirms; its guests wait`,
        });
        break;
    }
    if (mode === 'confirm') {
      this.fenced.add(host);
      this.step({
        kind: 'fence',
        host,
        text: `an operator confirms ${host} is off (\`virtwarden fence confirm ${host}\`)`,
      });
    }
  }

  event(e: ScenarioEvent): void {
    this.step({ kind: 'event', text: eventText(e) });
    switch (e.kind) {
      case 'host-dies':
        this.hostsDie([e.host], e.fence, 'simulated: the host died');
        return;
      case 'site-lost': {
        const site = this.desired.sites.get(e.site);
        if (site?.provider.kind === 'ovirt') {
          this.world.engineLost(e.site, 'simulated: the site was lost');
          this.reconcile(
            [...this.desired.guests.values()]
              .filter((g) => effectivePlacement(this.desired, g).sites.includes(e.site))
              .map((g) => g.name),
          );
          return;
        }
        const hosts =
          site?.provider.kind === 'libvirt' ? site.provider.hosts.map((h) => h.name) : [];
        this.hostsDie(hosts, e.fence, 'simulated: the site was lost');
        return;
      }
      case 'guest-crashes': {
        this.crashesLeft.set(e.guest, e.times);
        const guest = this.desired.guests.get(e.guest);
        if (guest && this.world.runningOn(this.desired, guest) === undefined)
          this.step({
            kind: 'note',
            guest: e.guest,
            text: `${e.guest} does not run: it crashes once it is started`,
          });
        this.reconcile([e.guest]);
        return;
      }
      case 'host-drained':
        this.drained.add(e.host);
        this.reconcile(this.keysOfHosts([e.host]));
        return;
      case 'active-site':
        this.desired = withActiveSite(this.desired, e.site);
        // A manifest edit: watch reconciles the guests of the DR plans that changed.
        this.reconcile(
          [...this.desired.disasterRecovery.values()]
            .filter((d) => d.sites.includes(e.site))
            .flatMap((d) => d.guests.map((g) => g.guest)),
        );
        return;
    }
  }
}

function holdKey(h: Hold): string {
  // A FAULTED guest's message gains its recorded reason on the next look: the same hold.
  return `${h.reason}@${h.host ?? ''}:${h.reason === 'faulted' ? '' : h.message}`;
}

function hostHasFence(desired: Desired, host: string): boolean {
  for (const s of desired.sites.values())
    if (s.provider.kind === 'libvirt')
      for (const h of s.provider.hosts) if (h.name === host) return h.fence !== undefined;
  return false;
}

/** Every DR plan that has `site` made active there (a reviewed manifest change, simulated). */
function withActiveSite(desired: Desired, site: string): Desired {
  const plans = new Map<string, DisasterRecovery>();
  for (const [n, dr] of desired.disasterRecovery)
    plans.set(n, dr.sites.includes(site) ? { ...dr, activeSite: site } : dr);
  return { ...desired, disasterRecovery: plans };
}

/** The plan's actions with each after the ones it depends on (the executor's order). */
function inDependencyOrder(actions: readonly Action[]): Action[] {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const out: Action[] = [];
  const seen = new Set<string>();
  const visit = (a: Action): void => {
    if (seen.has(a.id)) return;
    seen.add(a.id);
    for (const d of a.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
    out.push(a);
  };
  for (const a of actions) visit(a);
  return out;
}

/** What watch does to the fleet before anything happens. */
export function settle(fleet: Fleet): Baseline {
  const run = new Run(
    fleet,
    new World(fleet.observed),
    fleet.policy.history,
    fleet.policy.now,
    new Map(),
  );
  run.reconcile();
  return {
    fleet,
    world: run.world,
    histories: run.histories,
    now: run.now,
    steps: run.steps,
    holds: run.holds,
    settled: run.settled,
  };
}

function outcomes(run: Run, before: Baseline): GuestOutcome[] {
  const out: GuestOutcome[] = [];
  const was = before.world.runningIndex();
  const now = run.world.runningIndex();
  for (const g of [...run.desired.guests.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const mustRun = g.state === 'running' && !g.maintenance;
    const wasOn = before.world.runningOn(before.fleet.desired, g, was);
    const host = run.world.runningOn(run.desired, g, now);
    const holds = run.holds.get(g.name) ?? [];
    const hold = holds[0];
    const history = run.histories.get(g.name) ?? EMPTY_HISTORY;
    let end: GuestEnd;
    if (host !== undefined) end = 'running';
    else if (history.faultedAt !== undefined || holds.some((h) => h.reason === 'faulted'))
      end = 'faulted';
    else if (holds.some((h) => h.reason === 'waiting-for-fencing')) end = 'waiting-for-fencing';
    else if (mustRun) end = 'unplaced';
    else if (g.state === 'absent') end = 'absent';
    else if (hold !== undefined && g.state === 'running') end = 'held';
    else end = 'stopped';
    const why =
      host === undefined
        ? (hold?.message ?? (end === 'unplaced' ? 'no host to run on' : undefined))
        : undefined;
    out.push({
      guest: g.name,
      mustRun,
      ...(wasOn !== undefined ? { before: wasOn } : {}),
      ...(host !== undefined ? { host } : {}),
      end,
      ...(why !== undefined ? { why } : {}),
    });
  }
  return out;
}

/** One scenario, from the baseline: the steps watch takes and where every guest ends. */
export function runScenario(baseline: Baseline, scenario: Scenario): SimulationResult {
  const run = new Run(
    baseline.fleet,
    baseline.world.clone(),
    baseline.histories,
    baseline.now,
    baseline.holds,
  );
  run.phase = 'scenario';
  for (const e of scenario.events) run.event(e);
  // Watch's periodic resync looks at every guest: anything an event's keys missed shows here.
  run.reconcile();
  const guests = outcomes(run, baseline);
  const acts = run.steps.flatMap((s) => (s.action ? [s.action] : []));
  const count = (end: GuestEnd): number => guests.filter((g) => g.end === end).length;
  return {
    scenario,
    steps: run.steps,
    guests,
    summary: {
      restarts: acts.filter((a) => a.kind === 'start' && FAILURE_RESTARTS.has(a.reason)).length,
      failovers: acts.filter(
        (a) => a.kind === 'start' && (a.reason === 'failover' || a.reason === 'host-lost'),
      ).length,
      migrations: acts.filter((a) => a.kind === 'migrate').length,
      running: count('running'),
      faulted: count('faulted'),
      waitingForFencing: count('waiting-for-fencing'),
      unplaced: guests.filter((g) => g.end === 'unplaced' && g.mustRun).length,
    },
    settled: run.settled && baseline.settled,
  };
}
