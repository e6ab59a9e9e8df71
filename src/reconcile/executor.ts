/**
 * Runs a plan: a dependency graph of actions. Independent actions run in parallel within a
 * global limit and a per-host limit; each is re-checked against fresh observation right before
 * it runs; transient errors are retried with jittered backoff (re-checking first, so an action
 * whose effect already happened is not repeated); a terminal error stops only the actions that
 * depend on it. The executor does no I/O of its own: running, checking, sleeping and the
 * journal are injected.
 */
import type { Action } from '../model/plan.js';
import { classify, errorCode, errorMessage } from '../common/errors.js';
import type { ActionOutcome } from '../providers/provider.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../common/backoff.js';
import type { ActionResult, ExecutionReport } from './execution-report.js';
import type { Verdict } from './precheck.js';

export interface ExecutorDeps {
  /** Re-check against fresh observation. */
  check(action: Action): Promise<Verdict>;
  run(
    action: Action,
    signal: AbortSignal,
    progress: (message: string) => void,
  ): Promise<ActionOutcome>;
}

export interface ExecutionObserver {
  started?(action: Action): void;
  progress?(action: Action, message: string): void;
  retrying?(action: Action, attempt: number, delayMs: number, error: unknown): void;
  finished?(action: Action, result: ActionResult): void;
}

export interface ExecutorOptions {
  readonly globalLimit: number;
  readonly perHostLimit: number;
  /** Attempts per action, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** Stop starting new actions (SIGINT/SIGTERM); in-flight ones finish. */
  readonly signal?: AbortSignal;
  /** Passed to in-flight actions: abort now, leaving things safe. */
  readonly hardSignal?: AbortSignal;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
}

export const DEFAULT_EXECUTOR_OPTIONS: ExecutorOptions = {
  globalLimit: 8,
  perHostLimit: 2,
  maxAttempts: 4,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      // The listener goes with the timer: one per retry would pile up on the shared signal.
      const wake = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', wake);
        resolve();
      }, ms);
      signal?.addEventListener('abort', wake, { once: true });
    }),
  now: Date.now,
};

function hostKeys(a: Action): string[] {
  const keys = [a.host ?? `site:${a.site}`];
  if (a.toHost !== undefined) keys.push(a.toHost);
  return keys;
}

/**
 * Scheduling is event-driven, so a plan of N actions costs O(N log N) to schedule, not O(N²):
 * each action counts its unfinished dependencies and becomes ready when the last one finishes;
 * ready actions wait in plan order (a heap of plan indices); one blocked by a busy host waits in
 * that host's queue until a slot there frees; a pass stops as soon as the global limit is full.
 */
export async function execute(
  actions: readonly Action[],
  deps: ExecutorDeps,
  observer: ExecutionObserver = {},
  options: ExecutorOptions = DEFAULT_EXECUTOR_OPTIONS,
): Promise<ExecutionReport> {
  const startedAt = options.now();
  const index = new Map(actions.map((a, i) => [a.id, i]));
  const results = new Map<string, ActionResult>();
  const pending = new Set(actions.map((a) => a.id));
  const inFlight = new Map<string, Promise<void>>();
  const busy = new Map<string, number>();
  const hard = options.hardSignal ?? new AbortController().signal;
  const ready = new IndexHeap();
  const waitingForHost = new Map<string, number[]>();
  const unmet = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const a of actions) {
    const within = [...new Set(a.dependsOn)].filter((d) => index.has(d));
    unmet.set(a.id, within.length);
    for (const d of within) dependents.set(d, [...(dependents.get(d) ?? []), a.id]);
  }

  const settle = (a: Action, r: ActionResult): void => {
    pending.delete(a.id);
    results.set(a.id, r);
    observer.finished?.(a, r);
    const ok = r.status === 'done' || r.status === 'skipped';
    for (const id of dependents.get(a.id) ?? []) {
      const d = actions[index.get(id) ?? -1];
      if (!d || !pending.has(id) || results.has(id)) continue;
      if (!ok) {
        settle(d, notRunResult(d, `not run: ${a.id} did not succeed`));
        continue;
      }
      const left = (unmet.get(id) ?? 1) - 1;
      unmet.set(id, left);
      if (left === 0) ready.push(index.get(id) ?? 0);
    }
  };

  const fullHost = (a: Action): string | undefined =>
    hostKeys(a).find((k) => (busy.get(k) ?? 0) >= options.perHostLimit);

  const launch = (a: Action): void => {
    for (const k of hostKeys(a)) busy.set(k, (busy.get(k) ?? 0) + 1);
    const p = runOne(a, deps, observer, options, hard).then((r) => {
      inFlight.delete(a.id);
      for (const k of hostKeys(a)) {
        busy.set(k, (busy.get(k) ?? 1) - 1);
        // A slot freed on this host: what waited for it is ready again.
        for (const i of waitingForHost.get(k)?.splice(0) ?? []) ready.push(i);
      }
      settle(a, r);
    });
    inFlight.set(a.id, p);
  };

  for (const a of actions) if (unmet.get(a.id) === 0) ready.push(index.get(a.id) ?? 0);
  for (;;) {
    if (options.signal?.aborted === true) {
      for (const a of actions)
        if (pending.has(a.id) && !inFlight.has(a.id))
          settle(a, notRunResult(a, 'cancelled before it started'));
    }
    while (inFlight.size < options.globalLimit && ready.size > 0) {
      const a = actions[ready.pop()];
      if (!a || !pending.has(a.id) || inFlight.has(a.id)) continue;
      const host = fullHost(a);
      if (host !== undefined) {
        waitingForHost.set(host, [...(waitingForHost.get(host) ?? []), index.get(a.id) ?? 0]);
        continue;
      }
      launch(a);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  for (const a of actions) {
    if (pending.has(a.id)) settle(a, notRunResult(a, 'not run: its dependencies never completed'));
  }
  return {
    results: actions
      .map((a) => results.get(a.id))
      .filter((r): r is ActionResult => r !== undefined),
    cancelled: options.signal?.aborted === true,
    durationMs: options.now() - startedAt,
  };
}

function notRunResult(a: Action, message: string): ActionResult {
  return { id: a.id, status: 'not-run', attempts: 0, durationMs: 0, message };
}

/** A min-heap of plan indices: ready actions start in plan order. */
class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(i: number): void {
    const h = this.items;
    h.push(i);
    for (let c = h.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if ((h[p] ?? 0) <= i) break;
      h[c] = h[p] ?? 0;
      h[p] = i;
      c = p;
    }
  }

  pop(): number {
    const h = this.items;
    const top = h[0] ?? -1;
    const last = h.pop() ?? -1;
    if (h.length > 0) {
      h[0] = last;
      for (let p = 0; ;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < h.length && (h[l] ?? 0) < (h[m] ?? 0)) m = l;
        if (r < h.length && (h[r] ?? 0) < (h[m] ?? 0)) m = r;
        if (m === p) break;
        const t = h[m] ?? 0;
        h[m] = h[p] ?? 0;
        h[p] = t;
        p = m;
      }
    }
    return top;
  }
}

async function runOne(
  a: Action,
  deps: ExecutorDeps,
  observer: ExecutionObserver,
  options: ExecutorOptions,
  hard: AbortSignal,
): Promise<ActionResult> {
  const t0 = options.now();
  const took = (): number => options.now() - t0;
  observer.started?.(a);
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    let verdict: Verdict;
    try {
      verdict = await deps.check(a);
    } catch (err) {
      verdict = { verdict: 'refuse', why: errorMessage(err), errorClass: classify(err) };
      error = err;
    }
    if (verdict.verdict === 'skip') {
      return {
        id: a.id,
        status: 'skipped',
        attempts: attempt,
        durationMs: took(),
        message: verdict.why,
      };
    }
    if (verdict.verdict === 'run') {
      try {
        const outcome = await deps.run(a, hard, (m) => observer.progress?.(a, m));
        return {
          id: a.id,
          status: 'done',
          attempts: attempt,
          durationMs: took(),
          message: outcome.message,
        };
      } catch (err) {
        error = err;
      }
    }
    const errorClass =
      verdict.verdict === 'refuse' && error === undefined ? verdict.errorClass : classify(error);
    const message =
      verdict.verdict === 'refuse' && error === undefined ? verdict.why : errorMessage(error);
    const canRetry = errorClass === 'transient' && attempt < options.maxAttempts && !hard.aborted;
    if (!canRetry) {
      const refused = verdict.verdict === 'refuse' && error === undefined;
      return {
        id: a.id,
        status: refused || errorClass === 'waiting' ? 'blocked' : 'failed',
        attempts: attempt,
        durationMs: took(),
        message,
        error: { code: refused ? 'refused' : errorCode(error), errorClass, message },
      };
    }
    const delay = backoffDelay(attempt, options.backoff, options.random());
    observer.retrying?.(a, attempt, delay, error ?? new Error(message));
    await options.sleep(delay, hard);
  }
}
