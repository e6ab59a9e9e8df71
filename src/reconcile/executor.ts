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
      const t = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    }),
  now: Date.now,
};

function hostKeys(a: Action): string[] {
  const keys = [a.host ?? `site:${a.site}`];
  if (a.toHost !== undefined) keys.push(a.toHost);
  return keys;
}

export async function execute(
  actions: readonly Action[],
  deps: ExecutorDeps,
  observer: ExecutionObserver = {},
  options: ExecutorOptions = DEFAULT_EXECUTOR_OPTIONS,
): Promise<ExecutionReport> {
  const startedAt = options.now();
  const byId = new Map(actions.map((a) => [a.id, a]));
  const results = new Map<string, ActionResult>();
  const pending = new Set(actions.map((a) => a.id));
  const inFlight = new Map<string, Promise<void>>();
  const busy = new Map<string, number>();
  const hard = options.hardSignal ?? new AbortController().signal;

  const finish = (a: Action, r: ActionResult): void => {
    results.set(a.id, r);
    observer.finished?.(a, r);
  };
  const notRun = (a: Action, message: string): void => {
    pending.delete(a.id);
    finish(a, { id: a.id, status: 'not-run', attempts: 0, durationMs: 0, message });
  };

  const capacity = (a: Action): boolean =>
    inFlight.size < options.globalLimit &&
    hostKeys(a).every((k) => (busy.get(k) ?? 0) < options.perHostLimit);

  const launch = (a: Action): void => {
    pending.delete(a.id);
    for (const k of hostKeys(a)) busy.set(k, (busy.get(k) ?? 0) + 1);
    const p = runOne(a, deps, observer, options, hard).then((r) => {
      for (const k of hostKeys(a)) busy.set(k, (busy.get(k) ?? 1) - 1);
      inFlight.delete(a.id);
      finish(a, r);
    });
    inFlight.set(a.id, p);
  };

  // Re-scan until nothing more can start; then wait for one in-flight action and repeat.
  for (;;) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const id of [...pending]) {
        const a = byId.get(id);
        if (!a) continue;
        if (options.signal?.aborted === true) {
          notRun(a, 'cancelled before it started');
          progressed = true;
          continue;
        }
        const unmet = a.dependsOn.filter((d) => byId.has(d));
        const failedDep = unmet.find((d) => {
          const s = results.get(d)?.status;
          return s !== undefined && s !== 'done' && s !== 'skipped';
        });
        if (failedDep !== undefined) {
          notRun(a, `not run: ${failedDep} did not succeed`);
          progressed = true;
          continue;
        }
        if (unmet.every((d) => results.has(d)) && capacity(a)) {
          launch(a);
          progressed = true;
        }
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  for (const id of pending) {
    const a = byId.get(id);
    if (a) notRun(a, 'not run: its dependencies never completed');
  }
  return {
    results: actions
      .map((a) => results.get(a.id))
      .filter((r): r is ActionResult => r !== undefined),
    cancelled: options.signal?.aborted === true,
    durationMs: options.now() - startedAt,
  };
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
