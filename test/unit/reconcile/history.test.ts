/** How a guest's durable history changes (the failure ladder's memory, and its whereabouts). */
import { describe, expect, it } from '@jest/globals';
import type { Action } from '../../../src/model/plan.js';
import {
  afterActionDone,
  afterActionFailed,
  afterClear,
  afterHold,
  afterManifestEdit,
  afterObservation,
} from '../../../src/reconcile/history.js';
import { EMPTY_HISTORY } from '../../../src/reconcile/policy.js';
import { crashed, guest, running, shutoff } from './builders.js';

const NOW = 1_000_000_000;
const db = guest('db1');
const start = (reason: Action['reason'], host = 'kvm2'): Action => ({
  id: `start:db1@${host}`,
  kind: 'start',
  guest: 'db1',
  address: 'guest/db1',
  site: 'primary',
  host,
  reason,
  why: '',
  dependsOn: [],
});

describe('guest history', () => {
  it('counts crash restarts and failovers, but not a failover because the host was lost', () => {
    const h0 = { ...EMPTY_HISTORY, lastHost: 'kvm1' };
    expect(afterActionDone(h0, start('crashed', 'kvm1'), NOW).restarts).toHaveLength(1);
    expect(afterActionDone(h0, start('failover'), NOW).failovers).toEqual([
      { from: 'kvm1', at: NOW },
    ]);
    const lost = afterActionDone(h0, start('host-lost'), NOW);
    expect(lost.failovers).toEqual([]);
    expect(lost.lastHost).toBe('kvm2');
    expect(afterActionDone(h0, start('not-running'), NOW).restarts).toEqual([]);
  });

  it('a failed start uses up an attempt; a failed live migration is remembered', () => {
    const h = afterActionFailed(EMPTY_HISTORY, start('crashed'), 'start-failed', 'x', NOW);
    expect(h.restarts).toEqual([{ host: 'kvm2', at: NOW }]);
    const m: Action = { ...start('host-not-allowed', 'kvm3'), kind: 'migrate', toHost: 'kvm1' };
    const failed = afterActionFailed(EMPTY_HISTORY, m, 'migration-failed', 'timed out', NOW);
    expect(failed.migrationFailures).toEqual([
      { from: 'kvm3', to: 'kvm1', at: NOW, message: 'timed out' },
    ]);
    expect(afterActionDone(failed, m, NOW + 1).migrationFailures).toBeUndefined();
  });

  it('a faulted hold marks FAULTED once, with its reason; a backoff does not', () => {
    const faulted = afterHold(
      EMPTY_HISTORY,
      { guest: 'db1', reason: 'faulted', message: 'boom' },
      NOW,
    );
    expect(faulted).toMatchObject({ faultedAt: NOW, faultReason: 'boom' });
    expect(afterHold(faulted, { guest: 'db1', reason: 'faulted', message: 'again' }, NOW + 5)).toBe(
      faulted,
    );
    const backoff = {
      guest: 'db1',
      reason: 'crash-loop-backoff' as const,
      message: '',
      retryAfterMs: 5,
    };
    expect(afterHold(EMPTY_HISTORY, backoff, NOW)).toBe(EMPTY_HISTORY);
  });

  it('learns where it runs and is defined; keeps what an unreachable host held', () => {
    const seen = new Set(['kvm1', 'kvm2']);
    const h1 = afterObservation(EMPTY_HISTORY, [running(db, 'kvm1'), shutoff(db, 'kvm2')], seen);
    expect(h1).toMatchObject({ lastHost: 'kvm1', definedOn: ['kvm1', 'kvm2'] });
    // kvm2 stops answering: its definition is still remembered; kvm1 dropped it (observed).
    const h2 = afterObservation(h1, [crashed(db, 'kvm3')], new Set(['kvm1', 'kvm3']));
    expect(h2.definedOn).toEqual(['kvm2', 'kvm3']);
    expect(h2.lastHost).toBe('kvm1');
  });

  it('an operator starting a FAULTED guest by hand re-arms the ladder', () => {
    const h = {
      restarts: [{ host: 'kvm1', at: NOW }],
      failovers: [],
      faultedAt: NOW,
      lastHost: 'kvm1',
    };
    const next = afterObservation(h, [running(db, 'kvm2')], new Set(['kvm1', 'kvm2']));
    expect(next.faultedAt).toBeUndefined();
    expect(next.restarts).toEqual([]);
    expect(next.lastHost).toBe('kvm2');
  });

  it('a manifest edit or a clear resets the ladder but never where it may be', () => {
    const h = {
      restarts: [{ host: 'kvm1', at: NOW }],
      failovers: [{ from: 'kvm1', at: NOW }],
      faultedAt: NOW,
      lastHost: 'kvm3',
      definedOn: ['kvm3'],
    };
    const kept = { restarts: [], failovers: [], lastHost: 'kvm3', definedOn: ['kvm3'] };
    expect(afterManifestEdit(h)).toEqual(kept);
    // A clear also makes its next start a cold start, until it is started (or seen running).
    expect(afterClear(h)).toEqual({ ...kept, rearmed: true });
    expect(
      afterActionDone(afterClear(h), start('not-running', 'kvm3'), NOW).rearmed,
    ).toBeUndefined();
  });
});
