/**
 * Everything besides desired and observed state that the planner may take into account. It is
 * passed in, never read from the clock or the disk, so `diff` stays a pure function.
 */

import type { GuestHistory } from '../model/history.js';

export { EMPTY_HISTORY, type GuestHistory } from '../model/history.js';

export interface PlanPolicy {
  /** Changes that need a guest restart are planned only when true (`--allow-restart`). */
  readonly allowRestart: boolean;
  /** Data-holding volumes may be deleted only when true (`--allow-data-loss`). */
  readonly allowDataLoss: boolean;
  /** Plan only for these guests (manifest names); absent = all. */
  readonly targets?: ReadonlySet<string>;
  /** Hosts whose fencing is confirmed (powered off): their guests are known not to run. */
  readonly fencedHosts: ReadonlySet<string>;
  readonly history: ReadonlyMap<string, GuestHistory>;
  /** ms since epoch, for the failure ladder's time windows. */
  readonly now: number;
  /**
   * Volumes virtwarden created (from its local inventory), keyed `site/pool/name`, with the
   * guest they were created for. Only these may ever be deleted, and only with allowDataLoss.
   */
  readonly ownedVolumes?: ReadonlyMap<string, string>;
  /** Crash-loop backoff between restarts (default 5 s doubling to 5 min). */
  readonly restartBackoff?: { readonly baseMs: number; readonly capMs: number };
  /**
   * Hosts an operator drained (`virtwarden drain`), besides those the Site manifest marks
   * `maintenance`: their guests move away and nothing new starts there.
   */
  readonly drainedHosts?: ReadonlySet<string>;
  /**
   * When each host was first seen up after its last outage (ms since epoch); absent = never
   * seen down. A failback waits until the host has been up for `failbackAfterSeconds`.
   */
  readonly hostUpSince?: ReadonlyMap<string, number>;
}

export function defaultPolicy(now: number): PlanPolicy {
  return {
    allowRestart: false,
    allowDataLoss: false,
    fencedHosts: new Set(),
    history: new Map(),
    now,
  };
}
