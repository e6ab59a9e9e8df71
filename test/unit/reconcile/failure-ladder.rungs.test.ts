/**
 * The failure ladder's rungs and edges: the restart window, the backoff's doubling, each
 * `onFailure.then`, and FAULTED being final (found by `npm run mutation`).
 */
import { describe, expect, it } from '@jest/globals';
import {
  failureResponse,
  restartBackoffMs,
  restartsInWindow,
} from '../../../src/reconcile/failure-ladder.js';
import type { GuestHistory } from '../../../src/reconcile/policy.js';
import { EMPTY_HISTORY } from '../../../src/reconcile/policy.js';
import { guest } from './builders.js';

const NOW = 1_000_000_000;
const WINDOW_MS = 600_000; // builders' guest: restart.max 2 within 600 s, then failover
const db = guest('db1');
const withThen = (then: 'failover' | 'stop' | 'fault') =>
  guest('db1', { onFailure: { restart: { max: 2, withinSeconds: 600 }, then } });
const restarts = (...ago: number[]): GuestHistory => ({
  ...EMPTY_HISTORY,
  restarts: ago.map((a) => ({ host: 'kvm1', at: NOW - a })),
});

describe('failure ladder', () => {
  it('a restart exactly one window ago no longer counts; one a millisecond later does', () => {
    expect(restartsInWindow(db, restarts(WINDOW_MS), NOW)).toBe(0);
    expect(restartsInWindow(db, restarts(WINDOW_MS - 1), NOW)).toBe(1);
  });

  it('no wait before the first restart, then 5 s, 10 s, 20 s … capped at 5 minutes', () => {
    expect(restartBackoffMs(0)).toBe(0);
    expect([1, 2, 3, 4].map((n) => restartBackoffMs(n))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(restartBackoffMs(20)).toBe(300_000);
  });

  it('a guest already FAULTED stays FAULTED, even with restarts left and its host gone', () => {
    const h = { ...EMPTY_HISTORY, faultedAt: NOW - 1 };
    expect(failureResponse(db, h, 'kvm1', true, NOW)).toEqual({ kind: 'fault' });
    expect(failureResponse(db, h, 'kvm1', false, NOW)).toEqual({ kind: 'fault' });
  });

  it('with restarts used up: then stop stops it, then fault marks it FAULTED', () => {
    const used = restarts(60_000, 30_000);
    expect(failureResponse(withThen('stop'), used, 'kvm1', true, NOW)).toEqual({ kind: 'stop' });
    expect(failureResponse(withThen('fault'), used, 'kvm1', true, NOW)).toEqual({ kind: 'fault' });
  });

  it('fails over once per window: a failover a window ago is forgotten, a recent one is not', () => {
    const used = restarts(60_000, 30_000);
    const failedOver = (ago: number): GuestHistory => ({
      ...used,
      failovers: [{ from: 'kvm1', at: NOW - ago }],
    });
    expect(failureResponse(db, used, 'kvm1', true, NOW)).toEqual({
      kind: 'failover',
      from: 'kvm1',
    });
    expect(failureResponse(db, failedOver(WINDOW_MS - 1), 'kvm1', true, NOW)).toEqual({
      kind: 'fault',
    });
    expect(failureResponse(db, failedOver(WINDOW_MS), 'kvm1', true, NOW)).toEqual({
      kind: 'failover',
      from: 'kvm1',
    });
  });
});
