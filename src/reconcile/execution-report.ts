/** What happened to each action of a plan, and the totals people read at the end. */
import type { ErrorClass } from '../common/errors.js';

/**
 * - done: it ran and succeeded.
 * - skipped: the fresh check found it already true (counts as success for what depends on it).
 * - failed: it ran and failed (terminal, or transient retries used up).
 * - blocked: the fresh check refused it (no longer safe or not yet possible).
 * - not-run: something it depends on did not succeed, or the run was cancelled.
 */
export type ActionStatus = 'done' | 'skipped' | 'failed' | 'blocked' | 'not-run';

export interface ActionResult {
  readonly id: string;
  readonly status: ActionStatus;
  readonly attempts: number;
  readonly durationMs: number;
  readonly message: string;
  readonly error?: {
    readonly code: string;
    readonly errorClass: ErrorClass;
    readonly message: string;
  };
}

export interface ExecutionReport {
  readonly results: readonly ActionResult[];
  readonly cancelled: boolean;
  readonly durationMs: number;
}

export function countBy(report: ExecutionReport): Record<ActionStatus, number> {
  const counts: Record<ActionStatus, number> = {
    done: 0,
    skipped: 0,
    failed: 0,
    blocked: 0,
    'not-run': 0,
  };
  for (const r of report.results) counts[r.status]++;
  return counts;
}

/** A run succeeded when nothing failed, was refused or was left undone. */
export function succeeded(report: ExecutionReport): boolean {
  const c = countBy(report);
  return c.failed === 0 && c.blocked === 0 && c['not-run'] === 0 && !report.cancelled;
}
