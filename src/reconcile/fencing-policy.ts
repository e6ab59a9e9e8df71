/**
 * The decisions of host loss, as pure functions: `watch` (src/watch/host-loss.ts) runs them
 * against real hosts and fence commands, `simulate` against a simulated world, so both answer
 * a lost host the same way.
 *
 * - A dropped connection is not a lost host: a host is lost once it stayed unreachable for its
 *   site's `hostLossGraceSeconds` (the libvirt provider's host monitor decides that).
 * - Before each fence attempt, a fresh connection is tried: a host that answers is not fenced.
 * - A fence attempt that succeeded (and whose status reports the host off) records it fenced:
 *   its guests may start elsewhere. Without a fence command only an operator can confirm
 *   (`virtwarden fence confirm`). A failed fence command is retried with jittered backoff.
 */
import { backoffDelay, type BackoffPolicy } from '../common/backoff.js';

/** Fence retries: first wait and cap (full jitter). */
export const FENCE_RETRY: BackoffPolicy = { baseMs: 2_000, capMs: 60_000 };

export type FenceStep =
  /** A fresh connection answered: it was a blip, never fence it. */
  | { readonly kind: 'not-lost' }
  /** Run the fence command (or, without one, report that an operator must confirm). */
  | { readonly kind: 'fence' };

/** Before an attempt: fence only a host that does not answer a fresh connection. */
export function beforeFenceAttempt(answersFreshConnection: boolean): FenceStep {
  return answersFreshConnection ? { kind: 'not-lost' } : { kind: 'fence' };
}

export type AfterFence =
  /** Record it fenced: its guests may now start elsewhere. */
  | { readonly kind: 'fenced' }
  /** No fence command: nothing to retry, only an operator can confirm. */
  | { readonly kind: 'wait-for-operator' }
  /** The fence command failed (or its status did not say off): try again after `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number };

/** What follows fence attempt number `attempt` (1 = the first). */
export function afterFenceAttempt(
  hasFenceCommand: boolean,
  fenced: boolean,
  attempt: number,
  /** Drawn only for a retry (the jitter). */
  random: () => number,
  retry: BackoffPolicy = FENCE_RETRY,
): AfterFence {
  if (fenced) return { kind: 'fenced' };
  if (!hasFenceCommand) return { kind: 'wait-for-operator' };
  return { kind: 'retry', delayMs: backoffDelay(attempt, retry, random()) };
}
