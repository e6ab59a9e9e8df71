/**
 * One fault round: `trials` trials against the rig (a 3-host lab, the fleet, a real
 * `virtwarden watch`, the power desk, the invariant checker). A trial = `trialSeconds` of
 * scheduled faults, then every host restored and a watch running ("the faults stop"), then the
 * end-of-trial invariants (recovery, drift, fencing records, journal); the manifests go back to
 * baseline before the next trial. What the round saw is kept in its folder (`faults.log`,
 * `watch.log`, `violations.json`, `state/`) when it found a violation or when asked to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BOUNDS } from './bounds.js';
import { HOST_LOSS_GRACE_SECONDS, RUNNING_GUESTS, STOPPED_GUESTS } from './fleet.js';
import type { FaultRecord } from './nemesis.js';
import { buildRig, startRig, teardownRig, type Rig } from './rig.js';
import type { RssReport } from './rss.js';
import { describePlan, planTrial, type FaultKind } from './schedule.js';
import { awaitRecordsGone, awaitRecovery, checkDrift, checkJournal } from './trial-checks.js';
import type { Violation } from './violations.js';

export interface RoundOptions {
  readonly seed: number;
  readonly trials: number;
  readonly trialSeconds: number;
  /** Lab label (letters, digits, '-'). */
  readonly label: string;
  /** Where the round's lines go as they happen (violations, trial summaries). */
  readonly print: (line: string) => void;
  /** Also print every fault as it ends. */
  readonly verbose?: boolean;
  /** Keep the round's folder even without violations. */
  readonly keep?: boolean;
  /** Plan only these kinds of faults (all when undefined). */
  readonly kinds?: readonly FaultKind[] | undefined;
}

export interface Recovery {
  readonly trial: number;
  readonly guest: string;
  /** ms after the faults stopped; undefined: not within the bound. */
  readonly ms: number | undefined;
}

export interface RoundResult {
  readonly seed: number;
  readonly trials: number;
  readonly trialSeconds: number;
  readonly dir: string;
  readonly kept: boolean;
  readonly faults: readonly FaultRecord[];
  readonly violations: readonly Violation[];
  readonly recoveries: readonly Recovery[];
  /** Every time a guest desired running had no QEMU anywhere, how long until it had one (ms). */
  readonly outagesMs: readonly number[];
  readonly rss: RssReport;
  readonly watchIncarnations: number;
  readonly fenceCalls: number;
  readonly checker: {
    readonly polls: number;
    readonly meanPollMs: number;
    readonly longestMigrationOverlapMs: number;
  };
  /** Failures of the suite itself (not of virtwarden): a round with any is not trustworthy. */
  readonly harnessErrors: readonly string[];
  readonly durationMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function boundsText(): string {
  return [
    `bounds: recovery ≤ ${String(BOUNDS.recoveryMs / 1000)} s after the faults stop (then ${String(BOUNDS.settleMs / 1000)} s settled),`,
    `migration overlap ≤ ${String(BOUNDS.migrationOverlapMs / 1000)} s, fencing record gone ≤ ${String(BOUNDS.fencingRecordMs / 1000)} s after its host is up under a watch,`,
    `host-loss grace ${String(HOST_LOSS_GRACE_SECONDS)} s (−${String(BOUNDS.graceSlackMs / 1000)} s slack), journal in-flight ≤ ${String(BOUNDS.journalInFlightMs / 1000)} s, poll every ${String(BOUNDS.pollMs)} ms`,
  ].join('\n  ');
}

const allRunOnce = (rig: Rig): boolean => RUNNING_GUESTS.every((g) => rig.checker.runsOnce(g));

/** The faults stop: every host powered on and answering, a watch running. */
async function restoreAll(rig: Rig): Promise<void> {
  await rig.desk.powerOnAll();
  for (const h of rig.board.hostNames) {
    await rig.board.thaw(h);
    await rig.board.startDaemon(h);
    await rig.board.powerOn(h);
  }
  await rig.board.settled();
  // A watch that cannot start is reported (watch-died) and tried again, as systemd would.
  for (let attempt = 1; !rig.watch.running; attempt++) {
    try {
      await rig.watch.start();
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(2000);
    }
  }
}

async function runTrial(
  rig: Rig,
  o: RoundOptions,
  trial: number,
  firstId: number,
  recoveries: Recovery[],
): Promise<number> {
  rig.violations.trial = trial;
  const schedule = planTrial(o.seed, trial, o.trialSeconds, firstId, o.kinds);
  rig.log(
    `trial ${String(trial)} schedule: ${schedule.map((f) => `#${String(f.id)}@${(f.atMs / 1000).toFixed(1)}s ${describePlan(f.plan)}`).join(', ')}`,
  );
  const before = rig.violations.list.length;
  const start = Date.now();
  await rig.nemesis.run(schedule, start, start + o.trialSeconds * 1000);
  await restoreAll(rig);
  const quietAt = Date.now();
  rig.log(`trial ${String(trial)}: faults stopped at t+${((quietAt - rig.t0) / 1000).toFixed(1)}s`);
  const rec = await awaitRecovery(rig.checker, rig.watch, rig.violations, quietAt);
  for (const [guest, ms] of rec) recoveries.push({ trial, guest, ms });
  await checkDrift(rig.lab, rig.violations, quietAt + BOUNDS.recoveryMs, rig.handEdits);
  await awaitRecordsGone(rig.checker, quietAt);
  checkJournal(rig.stateDir, rig.violations, Date.now() - BOUNDS.journalInFlightMs);
  const done = rig.nemesis.records.filter((r) => r.trial === trial && r.status === 'done').length;
  const times = [...rec].map(([g, v]) => `${g} ${v === undefined ? '—' : (v / 1000).toFixed(1)}`);
  o.print(
    `trial ${String(trial)}/${String(o.trials)}: ${String(done)}/${String(schedule.length)} faults injected, ${String(rig.violations.list.length - before)} violation(s); recovery (s): ${times.join(', ')}`,
  );
  // The next trial starts from baseline manifests and a calm fleet.
  if ((await rig.manifests.restoreBaseline()).length > 0) await sleep(3000);
  const calm = Date.now() + 60_000;
  while (Date.now() < calm && !allRunOnce(rig)) await sleep(200);
  return firstId + schedule.length;
}

export async function runRound(o: RoundOptions): Promise<RoundResult> {
  const dir = mkdtempSync(path.join(tmpdir(), `virtwarden-faults-${String(o.seed)}-`));
  const rig = await buildRig({
    dir,
    seed: o.seed,
    label: o.label,
    print: o.print,
    verbose: o.verbose === true,
  });
  const recoveries: Recovery[] = [];
  rig.log(
    `seed ${String(o.seed)}, ${String(o.trials)} trial(s) of ${String(o.trialSeconds)} s, lab ${rig.lab.dir}\n  ${boundsText()}`,
  );
  const aborted: string[] = [];
  try {
    await startRig(rig);
    o.print(
      `fleet up in ${((Date.now() - rig.t0) / 1000).toFixed(1)} s: ${String(RUNNING_GUESTS.length)} guests running, ${String(STOPPED_GUESTS.length)} kept stopped; round folder ${dir}`,
    );
    let nextId = 1;
    try {
      for (let trial = 1; trial <= o.trials; trial++)
        nextId = await runTrial(rig, o, trial, nextId, recoveries);
    } catch (err) {
      // The suite itself failed: say so in the summary rather than lose what was found.
      aborted.push(
        `round aborted in trial ${String(rig.violations.trial)}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    rig.stopping = true;
    await rig.watch.stop();
    // watch stopped cleanly: nothing may be left in flight now.
    checkJournal(rig.stateDir, rig.violations, Infinity);
  } finally {
    await teardownRig(rig);
  }
  const harnessErrors = [
    ...aborted,
    ...rig.harness.errors,
    ...rig.desk.tasks.errors,
    ...rig.nemesis.errors,
    ...rig.checker.errors,
  ];
  const violations = rig.violations.list;
  const kept = o.keep === true || violations.length > 0 || harnessErrors.length > 0;
  writeFileSync(path.join(dir, 'violations.json'), JSON.stringify(violations, null, 2));
  if (!kept) rmSync(dir, { recursive: true, force: true });
  return {
    seed: o.seed,
    trials: o.trials,
    trialSeconds: o.trialSeconds,
    dir,
    kept,
    faults: rig.nemesis.records,
    violations,
    recoveries,
    outagesMs: rig.checker.outages.map((x) => x.ms),
    rss: rig.rss.report(),
    watchIncarnations: rig.watch.incarnations.length,
    fenceCalls: rig.desk.calls.length,
    checker: {
      polls: rig.checker.polls,
      meanPollMs: rig.checker.polls > 0 ? rig.checker.pollCostMs / rig.checker.polls : 0,
      longestMigrationOverlapMs: rig.checker.longestMigrationOverlapMs,
    },
    harnessErrors,
    durationMs: Date.now() - rig.t0,
  };
}
