/**
 * The standing fault-injection suite, bounded for CI: a few minutes of random faults (fixed
 * seed, printed) against a real `virtwarden watch` on a 3-host lab with real QEMU guests, while
 * the invariant checker watches every host. Passes only with zero violations. Another seed or
 * length: FAULTS_SEED, FAULTS_SECONDS, FAULTS_TRIAL_SECONDS (docs/faults.md).
 *
 *   npm run build && npm run jest -- test/faults/round.test.ts
 */
import { expect, it } from '@jest/globals';
import { roundFromEnv, roundTimeoutMs, replayCommand } from './options.js';
import { summarize } from './report.js';
import { boundsText, runRound } from './round.js';
import { describeViolation } from './violations.js';

const CI_SEED = 20_240_917;
const opts = roundFromEnv(process.env, { seed: CI_SEED, seconds: 90, trialSeconds: 45 });
const replay = replayCommand('test/faults/round.test.ts', opts);

it(
  `a bounded round of random faults (seed ${String(opts.seed)}) breaks no invariant`,
  async () => {
    const print = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    print(`fault round: seed ${String(opts.seed)} (replay: ${replay})\n  ${boundsText()}`);
    const result = await runRound({
      seed: opts.seed,
      trials: opts.trials,
      trialSeconds: opts.trialSeconds,
      label: 'faults-ci',
      print,
      verbose: opts.verbose,
      kinds: opts.kinds,
      keep: opts.keep,
    });
    print(summarize(result, replay));
    expect(result.harnessErrors).toEqual([]);
    expect(result.faults.filter((f) => f.status === 'done').length).toBeGreaterThan(
      opts.trials * 3,
    );
    expect(result.violations.map(describeViolation)).toEqual([]);
  },
  roundTimeoutMs(opts),
);
