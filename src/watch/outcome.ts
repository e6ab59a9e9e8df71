/**
 * The outcome contract of one reconcile (controller-runtime's `Result` and `TerminalError`):
 * `reconcileKey` resolves with `{ requeueAfterMs? }` or throws a classified error, and the
 * worker decides in one switch:
 *
 * | outcome                         | the worker                                           |
 * |---------------------------------|------------------------------------------------------|
 * | `{}`                            | forget the key's backoff; nothing scheduled           |
 * | `{ requeueAfterMs }`            | forget the backoff; look again after that long        |
 * | `WaitingError` (retryAfterMs?)  | look again after that long (or the default wait)      |
 * | `TransientError`, anything else | rate-limited requeue (per-key exponential backoff)    |
 * | `TerminalError`                 | Stalled with its reason; not retried until its inputs |
 * |                                 | change (manifest edit, `virtwarden clear`)            |
 *
 * This file turns an execution report into that outcome (pure).
 */
import { TerminalError, TransientError, WaitingError } from '../common/errors.js';
import type { Action } from '../model/plan.js';
import type { ActionResult, ExecutionReport } from '../reconcile/execution-report.js';

export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** A refused action (its precondition does not hold yet) is looked at again after this. */
export const WAITING_RETRY_MS = 2_000;
/** After actions succeeded, look once more to confirm the world agrees. */
export const CONFIRM_AFTER_MS = 250;

/**
 * Failures the failure ladder itself answers (the next plan decides: backoff, failover,
 * FAULTED, or a migration fallback) — not errors of the reconcile.
 */
export function ladderAnswers(a: Action, r: ActionResult): boolean {
  if (a.kind === 'start') return true;
  return a.kind === 'migrate' && r.error?.code === 'migration-failed';
}

export function outcomeOf(
  actions: readonly Action[],
  report: ExecutionReport,
  holdsRetryMs: number | undefined,
): ReconcileResult {
  if (report.cancelled) return {};
  const byId = new Map(actions.map((a) => [a.id, a]));
  const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'blocked');
  const unanswered = bad.filter((r) => {
    const a = byId.get(r.id);
    return a === undefined || r.status === 'blocked' || !ladderAnswers(a, r);
  });
  const terminal = unanswered.find(
    (r) => r.status === 'failed' && r.error?.errorClass === 'terminal',
  );
  if (terminal !== undefined) {
    throw new TerminalError(
      terminal.error?.code ?? 'unexpected',
      `${terminal.id}: ${terminal.message}`,
    );
  }
  const transient = unanswered.find((r) => r.status === 'failed');
  if (transient !== undefined) {
    throw new TransientError(
      transient.error?.code ?? 'unexpected',
      `${transient.id}: ${transient.message}`,
    );
  }
  const blocked = unanswered.find((r) => r.status === 'blocked');
  if (blocked !== undefined) {
    throw new WaitingError(blocked.error?.code ?? 'refused', `${blocked.id}: ${blocked.message}`, {
      retryAfterMs: WAITING_RETRY_MS,
    });
  }
  // Everything done, skipped, or answered by the ladder: look again soon — to confirm, or to
  // let the ladder decide — unless a hold asks for an earlier look.
  const acted = report.results.some((r) => r.status === 'done' || bad.includes(r));
  if (!acted) return holdsRetryMs === undefined ? {} : { requeueAfterMs: holdsRetryMs };
  return { requeueAfterMs: Math.min(CONFIRM_AFTER_MS, holdsRetryMs ?? CONFIRM_AFTER_MS) };
}
