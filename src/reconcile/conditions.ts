/**
 * Status conditions of a guest, after Flux's (`Ready`, `Reconciling`, `Stalled`), each with a
 * reason from one catalogue (`CONDITION_REASONS`, documented in docs/diagnostics.md):
 *
 * - `Ready`: the guest is as the manifests want it (running on an allowed host, stopped, or
 *   gone) and usable; False with the reason it is not (held back, acting, failed).
 * - `Reconciling`: virtwarden is working on it (actions planned or in flight, a crash-loop
 *   backoff or a failback counting down).
 * - `Stalled`: it cannot progress without an operator (FAULTED, a conflicting domain, a terminal
 *   error, data that would be lost): not retried until its inputs change.
 *
 * Pure: computed from the observed state, the plan's holds and actions for the guest, and what
 * the controller knows (a terminal error, an action in flight).
 */
import type { DesiredGuestState } from '../model/desired.js';
import type { GuestState } from '../model/guest-state.js';
import type { HoldReason } from '../model/plan.js';

export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';

export interface Condition {
  readonly type: ConditionType;
  readonly status: boolean;
  /** CamelCase, from CONDITION_REASONS. */
  readonly reason: ConditionReason;
  readonly message: string;
}

/** Every reason a condition may carry, and what it means (docs/diagnostics.md lists them). */
export const CONDITION_REASONS = {
  Running: 'runs on an allowed host, as desired',
  Stopped: 'runs nowhere, as desired',
  Absent: 'defined nowhere, as desired',
  NotRunning: 'should run but runs nowhere, and nothing holds it back',
  ShouldNotRun: 'runs, but should be stopped or absent',
  Progressing: 'actions are planned or in flight',
  WaitingForFencing: 'may still run on an unreachable host that is not fenced',
  WaitingForDependency: 'waits for a guest it depends on',
  IntentionalOffline: "an administrator's act (pause, managed save, reboot), left alone",
  Maintenance: 'the guest is in maintenance: observed, never acted on',
  SiteUnreachable: 'its site (or engine) does not answer: its state is unknown',
  NoHealthyHost: 'none of its hosts can run it',
  RestartNeeded: 'a change takes effect only at its next start (--allow-restart)',
  Conflict: 'a different domain of the same name is in the way',
  Faulted: 'the failure ladder gave up: left alone until `virtwarden clear`',
  CrashLoopBackOff: 'it keeps failing: the next restart waits',
  DataLossRefused: 'a change would delete data: needs --allow-data-loss',
  Migrating: 'a live migration is in flight',
  MigrationFailed: 'a live migration failed: it runs where it was',
  FailbackPending: 'it moves back to a preferred host once that host has been up long enough',
  ActionFailed: 'an action failed and is retried',
  TerminalError: 'an action failed in a way retrying cannot fix',
  Idle: 'nothing to do',
} as const;

export type ConditionReason = keyof typeof CONDITION_REASONS;

const HOLD_REASONS: Readonly<Record<HoldReason, ConditionReason>> = {
  'waiting-for-fencing': 'WaitingForFencing',
  'waiting-for-dependency': 'WaitingForDependency',
  'intentional-offline': 'IntentionalOffline',
  maintenance: 'Maintenance',
  'site-unreachable': 'SiteUnreachable',
  'no-healthy-host': 'NoHealthyHost',
  'restart-needed': 'RestartNeeded',
  conflict: 'Conflict',
  faulted: 'Faulted',
  'crash-loop-backoff': 'CrashLoopBackOff',
  'data-loss-refused': 'DataLossRefused',
  migrating: 'Migrating',
  'migration-failed': 'MigrationFailed',
  'failback-pending': 'FailbackPending',
};

/** Holds that need an operator. */
const STALLING: ReadonlySet<HoldReason> = new Set(['faulted', 'conflict', 'data-loss-refused']);
/** Holds of a guest that still does its job where it runs (Ready stays True). */
const STILL_READY: ReadonlySet<HoldReason> = new Set([
  'restart-needed',
  'migrating',
  'migration-failed',
  'failback-pending',
  'no-healthy-host',
]);
/** Holds virtwarden itself is counting down (Reconciling). */
const COUNTING_DOWN: ReadonlySet<HoldReason> = new Set([
  'crash-loop-backoff',
  'failback-pending',
  'migration-failed',
]);

export interface ConditionInputs {
  readonly desired: DesiredGuestState;
  readonly state: GuestState;
  /** It runs on an allowed host (for a running guest). */
  readonly placedWell: boolean;
  readonly holds: readonly { readonly reason: HoldReason; readonly message: string }[];
  /** Actions the plan has for it (kinds), or in flight. */
  readonly pending: readonly string[];
  /** A terminal error from its last reconcile (the controller's; absent for `status`). */
  readonly terminal?: { readonly code: string; readonly message: string };
  /** A retryable failure of its last reconcile. */
  readonly failed?: { readonly message: string };
}

function inDesiredState(i: ConditionInputs): ConditionReason | undefined {
  switch (i.desired) {
    case 'running':
      return i.state === 'ONLINE' && i.placedWell ? 'Running' : undefined;
    case 'stopped':
      return i.state === 'OFFLINE' ? 'Stopped' : undefined;
    case 'absent':
      return i.state === 'OFFLINE' ? 'Absent' : undefined;
  }
}

export function guestConditions(i: ConditionInputs): readonly Condition[] {
  const c = (type: ConditionType, status: boolean, reason: ConditionReason, message: string) =>
    ({ type, status, reason, message }) as const;
  const hold = i.holds[0];
  const done = inDesiredState(i);
  const stalledHold = i.holds.find((h) => STALLING.has(h.reason));

  let ready: Condition;
  if (i.terminal !== undefined) ready = c('Ready', false, 'TerminalError', i.terminal.message);
  else if (hold !== undefined && !(done !== undefined && STILL_READY.has(hold.reason)))
    ready = c('Ready', false, HOLD_REASONS[hold.reason], hold.message);
  else if (i.pending.length > 0)
    ready = c('Ready', false, 'Progressing', `planned: ${i.pending.join(', ')}`);
  else if (i.failed !== undefined) ready = c('Ready', false, 'ActionFailed', i.failed.message);
  else if (done !== undefined)
    ready = c(
      'Ready',
      true,
      hold ? HOLD_REASONS[hold.reason] : done,
      hold?.message ?? CONDITION_REASONS[done],
    );
  else
    ready = c(
      'Ready',
      false,
      i.desired === 'running' ? 'NotRunning' : 'ShouldNotRun',
      CONDITION_REASONS[i.desired === 'running' ? 'NotRunning' : 'ShouldNotRun'],
    );

  const countingDown = i.holds.find((h) => COUNTING_DOWN.has(h.reason));
  const reconciling =
    i.pending.length > 0
      ? c('Reconciling', true, 'Progressing', `planned: ${i.pending.join(', ')}`)
      : i.failed !== undefined && i.terminal === undefined
        ? c('Reconciling', true, 'ActionFailed', i.failed.message)
        : countingDown !== undefined
          ? c('Reconciling', true, HOLD_REASONS[countingDown.reason], countingDown.message)
          : c('Reconciling', false, 'Idle', CONDITION_REASONS.Idle);

  const stalled =
    i.terminal !== undefined
      ? c('Stalled', true, 'TerminalError', `${i.terminal.code}: ${i.terminal.message}`)
      : stalledHold !== undefined
        ? c('Stalled', true, HOLD_REASONS[stalledHold.reason], stalledHold.message)
        : c('Stalled', false, 'Idle', CONDITION_REASONS.Idle);
  return [ready, reconciling, stalled];
}

export function isReady(conditions: readonly Condition[]): boolean {
  return conditions.find((x) => x.type === 'Ready')?.status === true;
}
