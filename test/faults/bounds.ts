/**
 * The bounds the checker holds virtwarden to, chosen generous for a 2-core machine shared with
 * other work (a quiet machine does all of this in a few seconds): a violation must be a breach,
 * never the checker's impatience. Printed at the start of every round.
 */
export const BOUNDS = {
  /** How often the checker looks at every host's QEMUs. */
  pollMs: 100,
  /** Two copies of a guest are one migration only while the younger one has `-incoming` and for at most this long. */
  migrationOverlapMs: 45_000,
  /** After the faults stop: every guest desired running is running exactly once within this. */
  recoveryMs: 90_000,
  /** …and then stays so for this long (one copy, executing). */
  settleMs: 5_000,
  /** A guest "executes" when its serial log grew this recently (it prints every second). */
  executingWindowMs: 5_000,
  /** A fencing record must be gone this long after its host is up and a watch runs. */
  fencingRecordMs: 45_000,
  /** A fence that arrives this soon after a real loss (of at least the grace) ended is a race, not a breach. */
  fenceRaceMs: 3_000,
  /**
   * A host that answered for less than this between two outages was never back for a watcher
   * (its reconnects are at most ~2 s apart, plus the connect): the two are judged as one outage.
   */
  unseenUpMs: 2_500,
  /** Tolerance on the grace itself (timers, keepalive rounding). */
  graceSlackMs: 1_000,
  /** A journal `started` of the live watch may still be in flight this long. */
  journalInFlightMs: 90_000,
} as const;
