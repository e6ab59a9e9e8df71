/**
 * The long fault round (issue 10, "the standing fault-injection suite"): by default 20 minutes
 * of random faults against a real `virtwarden watch` on a 3-host lab with real QEMU guests,
 * in 60 s trials, while the invariant checker watches every host. Prints trials, faults
 * injected by type, violations (must be 0), recovery p50/p99, guest outages, and watch's RSS
 * at the start and the end. Shorter, or another seed: FAULTS_SECONDS, FAULTS_TRIAL_SECONDS,
 * FAULTS_SEED (docs/faults.md).
 *
 *   npm run build && npm run bench -- bench/faults.bench.ts
 *   FAULTS_SECONDS=300 npm run bench -- bench/faults.bench.ts
 */
import { expect, it } from '@jest/globals';
import { roundFromEnv, roundTimeoutMs, replayCommand } from '../test/faults/options.js';
import { summarize } from '../test/faults/report.js';
import { boundsText, runRound } from '../test/faults/round.js';

const BENCH_SEED = 0x5eed_f417;
const opts = roundFromEnv(process.env, { seed: BENCH_SEED, seconds: 1200, trialSeconds: 60 });
const replay = replayCommand('bench/faults.bench.ts', opts);

it(
  `long fault round: ${String(opts.trials)} trials × ${String(opts.trialSeconds)} s, seed ${String(opts.seed)}`,
  async () => {
    const print = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    print(`long fault round: seed ${String(opts.seed)} (replay: ${replay})\n  ${boundsText()}`);
    const result = await runRound({
      seed: opts.seed,
      trials: opts.trials,
      trialSeconds: opts.trialSeconds,
      label: 'faults-long',
      print,
      verbose: opts.verbose,
      kinds: opts.kinds,
      keep: opts.keep,
    });
    print(summarize(result, replay));
    expect(result.harnessErrors).toEqual([]);
    expect(result.violations).toHaveLength(0);
  },
  roundTimeoutMs(opts),
);
