/**
 * The fault schedule is what a printed seed replays: the same seed must plan the same faults,
 * another seed other faults, and every kind must come up in a long enough round.
 */
import { describe, expect, it } from '@jest/globals';
import { roundFromEnv } from './options.js';
import { parseSeed } from './prng.js';
import { FAULT_WEIGHTS, parseKinds, planTrial, type FaultKind } from './schedule.js';

describe('the fault schedule', () => {
  it('is the same for the same seed, trial and length', () => {
    expect(planTrial(42, 3, 60, 1)).toEqual(planTrial(42, 3, 60, 1));
  });

  it('differs for another seed or another trial', () => {
    const a = JSON.stringify(planTrial(42, 1, 60, 1).map((f) => f.plan));
    expect(JSON.stringify(planTrial(43, 1, 60, 1).map((f) => f.plan))).not.toBe(a);
    expect(JSON.stringify(planTrial(42, 2, 60, 1).map((f) => f.plan))).not.toBe(a);
  });

  it('plans every kind of fault over a long round, inside the trial', () => {
    const seen = new Set<FaultKind>();
    for (let trial = 1; trial <= 20; trial++) {
      for (const f of planTrial(7, trial, 60, 1)) {
        seen.add(f.plan.kind);
        expect(f.atMs).toBeLessThan(60_000);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(FAULT_WEIGHTS).sort());
  });

  it('plans only the kinds asked for', () => {
    const kinds = parseKinds('kill-qemu, freeze');
    const planned = new Set(planTrial(1, 1, 120, 1, kinds).map((f) => f.plan.kind));
    expect([...planned].sort()).toEqual(['freeze', 'kill-qemu']);
  });

  it('rejects a bad seed, length or kind with a clear error', () => {
    expect(parseSeed('0x10')).toBe(16);
    expect(parseSeed(undefined)).toBeUndefined();
    expect(() => parseSeed('-1')).toThrow(/FAULTS_SEED must be an integer/);
    expect(() => parseSeed('seven')).toThrow(/FAULTS_SEED/);
    expect(() => parseKinds('kill-qemu,nap')).toThrow(/unknown kind\(s\) nap/);
    expect(() =>
      roundFromEnv({ FAULTS_SECONDS: '2' }, { seed: 1, seconds: 90, trialSeconds: 45 }),
    ).toThrow(/FAULTS_SECONDS must be a number of seconds/);
  });

  it('splits the seconds of a round into trials', () => {
    const r = roundFromEnv(
      { FAULTS_SECONDS: '300', FAULTS_TRIAL_SECONDS: '60', FAULTS_SEED: '5' },
      { seed: 1, seconds: 90, trialSeconds: 45 },
    );
    expect(r).toMatchObject({ seed: 5, trials: 5, trialSeconds: 60 });
  });
});
