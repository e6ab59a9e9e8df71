/**
 * The lines of the journal (`journal.jsonl`), one JSON object each. Every line names its run
 * (one `apply`, one `watch`, one CLI command) and the process id that wrote it, so a later run
 * can tell an action whose process died (`interrupted`) from one still in flight.
 */
import type { ErrorClass } from '../common/errors.js';
import type { Action } from '../model/plan.js';

/** How an action ended (the executor's `ActionResult`, as far as the journal keeps it). */
export interface ActionOutcome {
  readonly status: 'done' | 'skipped' | 'failed' | 'blocked' | 'not-run';
  readonly attempts: number;
  readonly durationMs: number;
  readonly message: string;
  readonly error?: {
    readonly code: string;
    readonly errorClass: ErrorClass;
    readonly message: string;
  };
}

interface Line {
  readonly time: string;
  readonly run: string;
  readonly pid: number;
}

export interface ActionEntry extends Line {
  /** `interrupted`: written by a later run for a `started` whose process died before `finished`. */
  readonly event: 'started' | 'finished' | 'interrupted';
  readonly action: string;
  readonly kind: Action['kind'];
  readonly guest: string;
  readonly site: string;
  readonly host?: string;
  readonly toHost?: string;
  readonly reason: Action['reason'];
  readonly status?: ActionOutcome['status'];
  readonly attempts?: number;
  readonly durationMs?: number;
  readonly message?: string;
  readonly error?: ActionOutcome['error'];
  /** `interrupted`: the run that started the action. */
  readonly ofRun?: string;
  /** `started`: the plan's sentence for it, with the failure's evidence. */
  readonly why?: string;
}

export interface FenceAttemptEntry extends Line {
  readonly event: 'fence-attempt';
  readonly host: string;
  /** 1 for the first attempt after the loss. */
  readonly attempt: number;
  readonly outcome: 'fenced' | 'failed';
  /** One line: how the fence command ended, never its output. */
  readonly message: string;
}

export interface FenceConfirmedEntry extends Line {
  readonly event: 'fence-confirmed';
  readonly host: string;
  readonly by: string;
  readonly note?: string;
}

export interface FenceClearedEntry extends Line {
  readonly event: 'fence-cleared';
  readonly host: string;
  /** `operator`: `virtwarden fence clear`; `host-up`: an observation saw the host answer. */
  readonly why: 'operator' | 'host-up';
  readonly by?: string;
}

export type LadderStep = 'restart' | 'failover' | 'crash-loop-backoff' | 'faulted' | 'stopped';

export interface LadderEntry extends Line {
  readonly event: 'ladder';
  readonly guest: string;
  readonly step: LadderStep;
  readonly host?: string;
  readonly message: string;
}

export interface ClearEntry extends Line {
  readonly event: 'clear';
  readonly guest: string;
  readonly by: string;
  readonly note?: string;
  /** What was forgotten. */
  readonly restarts: number;
  readonly failovers: number;
  readonly faulted: boolean;
}

export interface DrainEntry extends Line {
  readonly event: 'drain' | 'undrain';
  readonly host: string;
  readonly by: string;
  readonly note?: string;
}

export type JournalEntry =
  | ActionEntry
  | FenceAttemptEntry
  | FenceConfirmedEntry
  | FenceClearedEntry
  | LadderEntry
  | ClearEntry
  | DrainEntry;

/** An entry without the fields every line gets (time, run, pid). */
export type EntryBody<E extends JournalEntry = JournalEntry> = E extends JournalEntry
  ? Omit<E, keyof Line>
  : never;
