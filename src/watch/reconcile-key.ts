/**
 * One reconcile of one guest key: a snapshot of the manifests, an observation of its sites no
 * older than its trigger, the plan for that guest alone (O(its neighbours), not O(fleet)), the
 * actions run and journaled, the history kept. Resolves with the outcome, or throws a
 * classified error (see `outcome.ts`): the worker decides what happens next.
 */
import type { Logger } from 'pino';
import type { Desired } from '../model/desired.js';
import type { Action, Hold } from '../model/plan.js';
import type { Provider } from '../providers/provider.js';
import { diff } from '../reconcile/diff.js';
import { effectivePlacement } from '../common/effective-placement.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute, type ExecutorOptions } from '../reconcile/executor.js';
import { instancesOf } from '../reconcile/guest-view.js';
import type { PlanPolicy } from '../reconcile/policy.js';
import { executionDeps } from '../reconcile/session.js';
import type { ControlFacts } from '../reconcile/status.js';
import type { Journal } from '../state/journal.js';
import { dependentsOf } from '../reconcile/guest-keys.js';
import type { HistoryBook } from './history-book.js';
import type { WatchMetrics } from './metrics.js';
import { outcomeOf, type ReconcileResult } from './outcome.js';
import type { SiteObserver } from './site-observer.js';

export interface KeyDeps {
  readonly desired: Desired;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly observer: SiteObserver;
  readonly policy: () => PlanPolicy;
  readonly history: HistoryBook;
  readonly journal: Journal;
  readonly log: Logger;
  readonly metrics: WatchMetrics;
  readonly now: () => number;
  readonly signal: AbortSignal;
  readonly executor: Partial<ExecutorOptions> | undefined;
  setHolds(holds: readonly Hold[]): void;
  setFacts(facts: ControlFacts | undefined): void;
  onActionDone?(a: Action): void;
  enqueue(guest: string, source: string): void;
}

export interface KeyResult {
  readonly outcome: ReconcileResult;
  /** Actions ran (the controller bounds keys that need actions again and again). */
  readonly acted: boolean;
}

export interface KeyTrigger {
  /** When the (oldest) trigger of this run arrived. */
  readonly at: number;
  readonly source: string;
  /**
   * Observe no earlier than this: the trigger, or the end of this key's own last actions,
   * whichever is later (a run must never plan from a look taken before its own last act).
   */
  readonly notBefore: number;
}

function logHolds(deps: KeyDeps, key: string, holds: readonly Hold[]): void {
  const now = deps.now();
  for (const h of holds) {
    if (deps.history.held(h, now)) {
      // Becoming FAULTED is an event an operator must hear of, once.
      deps.log.error(
        { guest: key, reason: h.reason, host: h.host },
        `${key} is FAULTED: ${h.message}`,
      );
    }
  }
}

export async function reconcileKey(
  key: string,
  trigger: KeyTrigger | undefined,
  deps: KeyDeps,
): Promise<KeyResult> {
  const { desired, providers } = deps;
  const guest = desired.guests.get(key);
  if (!guest) {
    deps.setHolds([]);
    deps.setFacts(undefined);
    return { outcome: {}, acted: false };
  }
  const sites = effectivePlacement(desired, guest).sites.filter((s) => providers.has(s));
  const observed = await deps.observer.observe(sites, trigger?.notBefore ?? deps.now());
  const seen = new Set<string>();
  for (const s of observed.sites.values())
    for (const h of s.hosts.values()) if (h.status === 'up') seen.add(h.name);
  deps.history.observed(key, instancesOf(observed, sites, guest.domainName), seen);

  const policy = deps.policy();
  const plan = diff(desired, observed, policy);
  const holds = plan.holds.filter((h) => h.guest === key);
  deps.setHolds(holds);
  logHolds(deps, key, holds);
  const retries = holds.flatMap((h) => (h.retryAfterMs !== undefined ? [h.retryAfterMs] : []));
  const holdsRetryMs = retries.length > 0 ? Math.min(...retries) : undefined;
  const actions = plan.actions.filter((a) => a.guest === key);
  if (actions.length === 0) {
    deps.setFacts(undefined);
    return {
      outcome: holdsRetryMs === undefined ? {} : { requeueAfterMs: holdsRetryMs },
      acted: false,
    };
  }

  if (trigger && trigger.source !== 'requeue') {
    deps.metrics.eventToAction.observe(
      { source: trigger.source },
      (deps.now() - trigger.at) / 1000,
    );
  }
  deps.log.info(
    {
      guest: key,
      actions: actions.map((a) => a.id),
      trigger: trigger?.source,
      ...(trigger ? { sinceTriggerMs: deps.now() - trigger.at } : {}),
    },
    'acting',
  );
  deps.setFacts({ inFlight: actions.map((a) => a.kind) });
  const report = await execute(
    actions,
    executionDeps(desired, providers, policy, (names) => deps.observer.observe(names, deps.now())),
    {
      started: (a) => {
        deps.journal.started(a);
      },
      finished: (a, r) => {
        deps.journal.finished(a, r);
        deps.metrics.actions.inc({ kind: a.kind, outcome: r.status });
        const now = deps.now();
        if (r.status === 'done') {
          deps.history.actionDone(a, now);
          deps.onActionDone?.(a);
        }
        if (r.status === 'failed') {
          deps.history.actionFailed(a, r.error?.code ?? 'unexpected', r.message, now);
        }
        const level = r.status === 'done' || r.status === 'skipped' ? 'info' : 'warn';
        deps.log[level](
          { guest: a.guest, action: a.id, status: r.status, ms: r.durationMs, message: r.message },
          `${a.kind} ${r.status}`,
        );
      },
    },
    { ...DEFAULT_EXECUTOR_OPTIONS, ...deps.executor, signal: deps.signal },
  );
  deps.setFacts(undefined);
  for (const d of dependentsOf(desired, key)) deps.enqueue(d, 'dependency');
  return { outcome: outcomeOf(actions, report, holdsRetryMs), acted: true };
}
