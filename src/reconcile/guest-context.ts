/** What every per-guest planning step needs; built once per guest by `diff`. */
import type { Desired, Guest } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import type { EffectivePlacement } from '../common/effective-placement.js';
import type { GuestView } from './guest-view.js';
import type { PlanBuilder } from './plan-builder.js';
import type { GuestHistory, PlanPolicy } from './policy.js';

export interface GuestContext {
  readonly desired: Desired;
  readonly observed: Observed;
  readonly policy: PlanPolicy;
  readonly guest: Guest;
  readonly placement: EffectivePlacement;
  readonly view: GuestView;
  readonly history: GuestHistory;
  readonly uuid: string;
  readonly hash: string | undefined;
  /** Hash of the definition without mapped disks (restart-needed check). */
  readonly baseHash: string | undefined;
  /** Host is up and has no conflicting domain of the same name (it can hold a definition). */
  readonly usable: (host: string) => boolean;
  /** Usable and not drained: the guest may start or move there. */
  readonly canRun: (host: string) => boolean;
  /** Drained for planned work (Site `maintenance`, or `virtwarden drain`). */
  readonly drained: (host: string) => boolean;
  readonly plan: PlanBuilder;
}

/** What one guest's plan means for the guests that depend on it (start/stop ordering). */
export interface GuestIntent {
  /** The action that (re)starts it, if the plan starts it. */
  readonly start?: string;
  /** Actions that stop it, if the plan stops it anywhere. */
  readonly stops: readonly string[];
  /** After the plan, it is expected to be running (already, or started by the plan). */
  readonly willRun: boolean;
  /** It runs now; a planned start only moves or restarts it (no dependency gate). */
  readonly runsNow?: boolean;
}

export const NO_INTENT: GuestIntent = { stops: [], willRun: false };
