/**
 * The rig of a fault round, built once: the lab, the host board, the power desk, the manifest
 * files, the watch, the checker and the nemesis, wired together; `teardown` undoes all of it
 * (and is safe after a half-built rig: whatever was started is stopped).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import { BOUNDS } from './bounds.js';
import { Census } from './census.js';
import { Checker } from './checker.js';
import type { FaultContext, HandEdit } from './fault-context.js';
import { fleetFiles, HOST_LOSS_GRACE_SECONDS, RUNNING_GUESTS, STOPPED_GUESTS } from './fleet.js';
import { HostBoard } from './host-board.js';
import { ManifestFiles } from './manifests.js';
import { Nemesis } from './nemesis.js';
import { PowerDesk } from './power-desk.js';
import { RssSampler } from './rss.js';
import { TaskSet } from './tasks.js';
import { describeViolation, ViolationLog } from './violations.js';
import { WatchRunner } from './watch-runner.js';

export interface Rig {
  readonly t0: number;
  readonly dir: string;
  readonly stateDir: string;
  readonly lab: Lab;
  readonly board: HostBoard;
  readonly desk: PowerDesk;
  readonly manifests: ManifestFiles;
  readonly watch: WatchRunner;
  readonly checker: Checker;
  readonly nemesis: Nemesis;
  readonly violations: ViolationLog;
  readonly rss: RssSampler;
  readonly handEdits: HandEdit[];
  /** Background work of the rig itself (restarting a dead watch). */
  readonly harness: TaskSet;
  /** Append a line to the round's faults.log. */
  log(line: string): void;
  /** From now on, faults' sleeps end at once and a dead watch is not restarted. */
  stopping: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The lines of a dead process's stderr that say why: errors, criticals, signals. */
function stderrGist(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const telling = lines.filter((l) => /error|critical|fatal|segmentation|abort/i.test(l));
  const gist = [...new Set(telling.length > 0 ? telling : lines.slice(-3))].slice(0, 4);
  return gist.join(' | ').slice(0, 500) || '(nothing)';
}

export async function buildRig(o: {
  readonly dir: string;
  readonly seed: number;
  readonly label: string;
  readonly print: (line: string) => void;
  readonly verbose: boolean;
}): Promise<Rig> {
  const t0 = Date.now();
  const stateDir = path.join(o.dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  const faultLog = path.join(o.dir, 'faults.log');
  const log = (line: string): void => {
    appendFileSync(faultLog, `${line}\n`);
  };
  const violations = new ViolationLog(t0);
  violations.onAdd = (v) => {
    const line = `VIOLATION ${describeViolation(v)}`;
    log(line);
    o.print(line);
  };
  const lab = await startLab({ hosts: 3, name: o.label });
  try {
    const census = new Census(lab.hosts);
    const board = new HostBoard(lab, (h) => census.copies().filter((c) => c.host === h).length);
    const desk = new PowerDesk(path.join(o.dir, 'desk'), board, o.seed);
    const manifests = new ManifestFiles(path.join(o.dir, 'manifests'));
    await manifests.writeAll(fleetFiles(lab, desk));
    const watch = new WatchRunner(manifests.dir, stateDir, path.join(o.dir, 'watch.log'));
    const checker = new Checker({
      census,
      board,
      desk,
      watch,
      violations,
      stateDir,
      serialLog: (g) => lab.serialLogPath(g),
      runningGuests: RUNNING_GUESTS,
      stoppedGuests: STOPPED_GUESTS,
      graceSeconds: HOST_LOSS_GRACE_SECONDS,
    });
    const handEdits: HandEdit[] = [];
    const harness = new TaskSet();
    const ctx: FaultContext = {
      lab,
      board,
      checker,
      watch,
      manifests,
      violations,
      stateDir,
      handEdits,
      sleep: (ms) => sleep(rig.stopping ? 0 : ms),
    };
    const nemesis = new Nemesis(ctx, t0);
    const rig: Rig = {
      t0,
      dir: o.dir,
      stateDir,
      lab,
      board,
      desk,
      manifests,
      watch,
      checker,
      nemesis,
      violations,
      rss: new RssSampler(watch),
      handEdits,
      harness,
      log,
      stopping: false,
    };
    violations.recent = () => nemesis.recent();
    desk.onCall = (call) => {
      log(
        `fence call: ${call.host} (really ${call.state}${call.episode ? `, last ${call.episode.kind} since t+${((call.episode.from - t0) / 1000).toFixed(1)}s` : ''}) at t+${((call.at - t0) / 1000).toFixed(1)}s → ${call.outcome ?? '?'}`,
      );
    };
    nemesis.onRecord = (line) => {
      log(line);
      if (o.verbose) o.print(`  ${line}`);
    };
    watch.onDeath = (how, stderr) => {
      violations.add({
        kind: 'watch-died',
        detail: `watch ${how}; stderr: ${stderrGist(stderr)}`,
      });
      // As systemd's Restart=always would: the round goes on with a new watch.
      if (!rig.stopping)
        harness.run(
          'restart of a dead watch',
          sleep(1000).then(() => watch.start()),
        );
    };
    return rig;
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}

/**
 * Start the desk, the checker and watch, and wait (up to the recovery bound, twice over) until
 * every guest runs exactly once. A fleet that never comes up is virtwarden's failure, reported
 * as `not-recovered` in trial 0; the trials still run.
 */
export async function startRig(rig: Rig): Promise<void> {
  rig.desk.start();
  rig.checker.start();
  await rig.watch.start();
  const deadline = Date.now() + 2 * BOUNDS.recoveryMs;
  const down = (): string[] => RUNNING_GUESTS.filter((g) => !rig.checker.runsOnce(g));
  while (down().length > 0 && Date.now() < deadline) await sleep(200);
  for (const g of down()) {
    const copies = rig.checker.copiesOf(g);
    rig.violations.add({
      kind: 'not-recovered',
      guest: g,
      detail: `${g} never came up after watch started (${copies.length === 0 ? 'no copy' : copies.map((c) => c.host).join(', ')}); last log lines: ${rig.watch
        .tail(5)
        .map((l) => l.msg ?? '')
        .join(' | ')}`,
    });
  }
  rig.rss.start();
  rig.checker.trackOutages = true;
}

/** Stop everything the rig started; errors are collected, never thrown over the real one. */
export async function teardownRig(rig: Rig): Promise<void> {
  rig.stopping = true;
  rig.rss.stop();
  rig.checker.stop();
  await rig.watch
    .close()
    .catch((err: unknown) => rig.harness.errors.push(`watch stop: ${String(err)}`));
  await rig.desk.stop();
  await rig.harness.drain();
  await rig.lab.destroy();
}
