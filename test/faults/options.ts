/**
 * A round's options from the environment (documented in docs/faults.md):
 *   FAULTS_SEED           seed (decimal or 0x hex); default: the caller's fixed seed
 *   FAULTS_SECONDS        seconds of faults in all (split into trials)
 *   FAULTS_TRIAL_SECONDS  seconds of faults per trial
 *   FAULTS_KINDS          only these kinds of faults (comma-separated; default: all)
 *   FAULTS_VERBOSE=1      print every fault as it ends
 *   FAULTS_KEEP=1         keep the round's folder even without a violation
 */
import { parseSeed } from './prng.js';
import { parseKinds, type FaultKind } from './schedule.js';

export interface EnvRound {
  readonly seed: number;
  readonly trials: number;
  readonly trialSeconds: number;
  readonly kinds: readonly FaultKind[] | undefined;
  readonly verbose: boolean;
  readonly keep: boolean;
}

function seconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 5 || v > 86_400)
    throw new Error(
      `${name} must be a number of seconds from 5 to 86400, got ${JSON.stringify(text)}`,
    );
  return v;
}

export function roundFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: { seed: number; seconds: number; trialSeconds: number },
): EnvRound {
  const total = seconds('FAULTS_SECONDS', env.FAULTS_SECONDS, defaults.seconds);
  const trialSeconds = Math.min(
    total,
    seconds('FAULTS_TRIAL_SECONDS', env.FAULTS_TRIAL_SECONDS, defaults.trialSeconds),
  );
  return {
    seed: parseSeed(env.FAULTS_SEED) ?? defaults.seed,
    trials: Math.max(1, Math.round(total / trialSeconds)),
    trialSeconds,
    kinds: parseKinds(env.FAULTS_KINDS),
    verbose: env.FAULTS_VERBOSE === '1',
    keep: env.FAULTS_KEEP === '1',
  };
}

/** A generous upper bound of a round's wall time (jest's timeout), in ms. */
export function roundTimeoutMs(r: EnvRound): number {
  // Per trial: the faults, the longest fault's tail (a 30 s host crash), recovery and drift
  // (90 s), fencing records (48 s), a calm start for the next trial (60 s).
  return (240 + r.trials * (r.trialSeconds + 40 + 90 + 48 + 60 + 20)) * 1000;
}

export function replayCommand(file: string, r: EnvRound): string {
  const runner = file.startsWith('bench/') ? 'npm run bench --' : 'npm run jest --';
  const kinds = r.kinds === undefined ? '' : `FAULTS_KINDS=${r.kinds.join(',')} `;
  return `${kinds}FAULTS_SEED=${String(r.seed)} FAULTS_SECONDS=${String(r.trials * r.trialSeconds)} FAULTS_TRIAL_SECONDS=${String(r.trialSeconds)} ${runner} ${file}`;
}
