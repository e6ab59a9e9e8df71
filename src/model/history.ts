/**
 * What the controller remembers about each guest between reconciles, and keeps in its durable
 * state (the state directory, or a distributed store) so that a restarted `watch` or a later
 * `apply` knows it too: the failure ladder's restarts and failovers, where the guest last ran
 * and where it is defined (an unreachable host that may hold it is never ignored), whether the
 * ladder gave up (FAULTED), and live migrations that failed (the fallback decision).
 */

export interface MigrationFailure {
  readonly from: string;
  readonly to: string;
  /** ms since epoch. */
  readonly at: number;
  /** What libvirt (or the timeout) said, one sentence, no secrets. */
  readonly message: string;
}

export interface GuestHistory {
  /** Restarts virtwarden made after failures: where and when (ms since epoch). */
  readonly restarts: readonly { readonly host: string; readonly at: number }[];
  /** Failovers virtwarden made: from which host, when. */
  readonly failovers: readonly { readonly from: string; readonly at: number }[];
  /** The host virtwarden last saw it running on. Never reset by a manifest edit. */
  readonly lastHost?: string;
  /**
   * Hosts virtwarden last saw holding its definition. While one of them is unreachable and not
   * fenced, the guest may be running there, whatever the placement now says.
   */
  readonly definedOn?: readonly string[];
  /** The ladder gave up: the guest is FAULTED and left alone until an operator acts. */
  readonly faultedAt?: number;
  /** Why it is FAULTED, one sentence (the last failure). */
  readonly faultReason?: string;
  /** Live migrations that failed or timed out, newest last. */
  readonly migrationFailures?: readonly MigrationFailure[];
  /**
   * An operator cleared it (`virtwarden clear`): while it runs nowhere, its next start is a
   * cold start, not a failure; ends with that start (or when it is seen running).
   */
  readonly rearmed?: boolean;
  /**
   * Responses to liveness failures (`health.ladder` rungs: reboot, reset, restart) virtwarden
   * made, counted in the same window as restarts; absent for guests that never had one.
   */
  readonly healthSteps?: readonly {
    readonly rung: 'reboot' | 'reset' | 'restart';
    readonly host: string;
    readonly at: number;
  }[];
  /** When an action of virtwarden's on it last finished successfully (ms since epoch). */
  readonly lastAppliedAt?: number;
}

export const EMPTY_HISTORY: GuestHistory = { restarts: [], failovers: [] };
