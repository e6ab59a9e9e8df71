/**
 * `health.ladder` (issue 19): a liveness failure — a guest with `health:` whose watchdog fired —
 * takes one rung per failure within the ladder's window, then `onFailure.then`; guests without
 * `health:` keep the crash ladder.
 */
import { describe, expect, it } from '@jest/globals';
import type { HealthRung } from '../../../src/model/desired.js';
import type { GuestHistory } from '../../../src/reconcile/policy.js';
import { EMPTY_HISTORY } from '../../../src/reconcile/policy.js';
import { diff } from '../../../src/reconcile/diff.js';
import { healthResponse } from '../../../src/reconcile/failure-ladder.js';
import { afterActionDone, afterActionFailed } from '../../../src/reconcile/history.js';
import { withoutClearedFailures } from '../../../src/state/guest-histories.js';
import type { Action } from '../../../src/model/plan.js';
import { desiredOf, guest, observedOf, policy, running, shutoff, UP3 } from './builders.js';

const NOW = 1_000_000_000;
const WINDOW_MS = 600_000;
const healthy = (ladder: readonly HealthRung[], then: 'failover' | 'stop' | 'fault' = 'failover') =>
  guest('db1', {
    onFailure: { restart: { max: 2, withinSeconds: 600 }, then },
    health: { ladder },
  });
const steps = (...ago: number[]): GuestHistory => ({
  ...EMPTY_HISTORY,
  healthSteps: ago.map((a) => ({ rung: 'reset' as const, host: 'kvm1', at: NOW - a })),
});

describe('healthResponse: one rung per liveness failure in the window', () => {
  const cases: [string, readonly HealthRung[], GuestHistory, string][] = [
    ['first failure: the first rung', ['reset', 'restart'], EMPTY_HISTORY, 'reset'],
    ['second: the second rung', ['reset', 'restart'], steps(1_000), 'restart'],
    ['a rung a whole window ago no longer counts', ['reset', 'restart'], steps(WINDOW_MS), 'reset'],
    ['a rung just inside the window counts', ['reset', 'restart'], steps(WINDOW_MS - 1), 'restart'],
    ['reboot first when declared', ['reboot', 'reset'], EMPTY_HISTORY, 'reboot'],
    ['rungs used up: failover', ['reset', 'restart'], steps(2_000, 1_000), 'failover'],
    [
      'rungs used up after a failover in the window: fault',
      ['reset'],
      { ...steps(1_000), failovers: [{ from: 'kvm1', at: NOW - 500 }] },
      'fault',
    ],
    ['FAULTED stays FAULTED', ['reset'], { ...EMPTY_HISTORY, faultedAt: NOW - 1 }, 'fault'],
  ];
  it.each(cases)('%s', (_what, ladder, history, expected) => {
    expect(healthResponse(healthy(ladder), history, 'kvm1', true, NOW).kind).toBe(expected);
  });

  it.each([['stop'], ['fault']] as const)('rungs used up, then: %s', (then) => {
    expect(healthResponse(healthy(['reset'], then), steps(1), 'kvm1', true, NOW).kind).toBe(then);
  });

  it('a host that cannot run guests is a failover, whatever rungs are left', () => {
    expect(healthResponse(healthy(['reset']), EMPTY_HISTORY, 'kvm1', false, NOW)).toEqual({
      kind: 'failover',
      from: 'kvm1',
    });
  });
});

describe('the plan for a guest whose watchdog fired', () => {
  const hung = (g: ReturnType<typeof guest>) =>
    running(g, 'kvm1', {
      state: 'FAULTED',
      fault: 'watchdog',
      detail: 'running (booted), watchdog fired (action none) at 12:00:00 UTC',
    });
  const planFor = (g: ReturnType<typeof guest>, history: GuestHistory = EMPTY_HISTORY) =>
    diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [hung(g), shutoff(g, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', { ...history, lastHost: 'kvm1' }]]) }),
    );

  it('with health: the first rung, a hard reset on its host, with the evidence', () => {
    const plan = planFor(healthy(['reset', 'restart']));
    expect(plan.actions.map((a) => `${a.kind}:${a.host ?? ''}:${a.reason}`)).toEqual([
      'reset:kvm1:unhealthy',
    ]);
    expect(plan.actions[0]?.why).toMatch(/watchdog fired.*hard reset \(health\.ladder\)/);
  });

  it('with health: after one reset in the window, a stop and a start on the same host', () => {
    const plan = planFor(healthy(['reset', 'restart']), steps(1_000));
    expect(plan.actions.map((a) => `${a.kind}:${a.host ?? ''}:${a.reason}`).sort()).toEqual([
      'start:kvm1:unhealthy',
      'stop:kvm1:unhealthy',
    ]);
  });

  it('without health: the crash ladder restarts it, as before', () => {
    const plan = planFor(guest('db1'));
    expect(plan.actions.map((a) => `${a.kind}:${a.host ?? ''}:${a.reason}`).sort()).toEqual([
      'start:kvm1:crashed',
      'stop:kvm1:crashed',
    ]);
  });
});

describe('history counts health rungs', () => {
  const act = (kind: Action['kind'], reason: Action['reason']): Action =>
    ({
      id: `${kind}:db1@kvm1`,
      kind,
      guest: 'db1',
      site: 'primary',
      host: 'kvm1',
      reason,
    }) as Action;

  it('a reset, a reboot and a restart for a liveness failure are rungs, not crash restarts', () => {
    let h: GuestHistory = EMPTY_HISTORY;
    h = afterActionDone(h, act('reset', 'unhealthy'), NOW);
    h = afterActionDone(h, act('reboot', 'unhealthy'), NOW + 1);
    h = afterActionDone(h, act('start', 'unhealthy'), NOW + 2);
    expect(h.healthSteps?.map((s) => s.rung)).toEqual(['reset', 'reboot', 'restart']);
    expect(h.restarts).toEqual([]);
  });

  it('a rung that failed is used up too (the next failure climbs on)', () => {
    const h = afterActionFailed(EMPTY_HISTORY, act('reset', 'unhealthy'), 'unexpected', 'x', NOW);
    expect(h.healthSteps).toEqual([{ rung: 'reset', host: 'kvm1', at: NOW }]);
  });
});

describe('virtwarden clear forgets the rungs', () => {
  it('rungs taken before the clear no longer count; later ones do', () => {
    const h = withoutClearedFailures(steps(3_000, 1_000), NOW - 2_000);
    expect(h.healthSteps).toEqual([{ rung: 'reset', host: 'kvm1', at: NOW - 1_000 }]);
    expect(withoutClearedFailures(steps(3_000), NOW - 2_000).healthSteps).toBeUndefined();
  });
});
