/**
 * Guests at an engine-managed site (oVirt / RHV): the engine places them, virtwarden keeps
 * their power state with the same failure ladder as libvirt guests (issue 11, item 4).
 */
import { describe, expect, it } from '@jest/globals';
import type { GuestHistory } from '../../../src/model/history.js';
import type { ObservedGuest } from '../../../src/model/observed.js';
import { diff } from '../../../src/reconcile/diff.js';
import { desiredOf, guest, observedOf, ovirtSite, policy } from './builders.js';
import { holdsOf, ids } from './summary.js';

const NOW = 1_000_000_000;
const vm1 = guest('vm1', { site: 'rhev', hosts: [], autoStart: [] });
const { definition: _d, ...noDefinition } = vm1;
const g = { ...noDefinition };
const desired = desiredOf({ sites: [ovirtSite('rhev')], guests: [g] });
const HOSTS = { rhevh1: 'up', rhevh2: 'up' } as const;

function vm(o: Partial<ObservedGuest>): ObservedGuest {
  return {
    domainName: 'vm1',
    state: 'OFFLINE',
    confidence: 100,
    detail: 'down',
    active: false,
    persistent: true,
    autostart: false,
    managedSave: false,
    ...o,
  };
}
const engine = (v: ObservedGuest, reachable = true) =>
  observedOf({ rhev: { kind: 'ovirt', reachable, hosts: HOSTS, guests: [v] } });
const crashedVm = vm({ state: 'FAULTED', detail: 'down (crashed)' });
const history = (h: Partial<GuestHistory>): Map<string, GuestHistory> =>
  new Map([['vm1', { restarts: [], failovers: [], lastHost: 'rhevh1', ...h }]]);

describe('diff: engine guests', () => {
  it('an unreachable engine means no action and a hold saying so', () => {
    const plan = diff(desired, engine(vm({}), false), policy());
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['vm1:site-unreachable']);
  });

  it('a VM missing from the engine is a conflict (VW903), nothing is done', () => {
    const other = observedOf({
      rhev: { kind: 'ovirt', hosts: HOSTS, guests: [vm({ domainName: 'someone-else' })] },
    });
    const plan = diff(desired, other, policy());
    expect(plan.actions).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['VW903']);
  });

  it('a VM that is down is started; the engine picks the host', () => {
    const plan = diff(desired, engine(vm({})), policy());
    expect(ids(plan)).toEqual(['start:vm1']);
    expect(plan.actions[0]?.reason).toBe('not-running');
  });

  it('a VM that crashed is restarted, and the restart is a crash restart', () => {
    const plan = diff(desired, engine(crashedVm), policy({ now: NOW, history: history({}) }));
    expect(ids(plan)).toEqual(['start:vm1']);
    expect(plan.actions[0]?.reason).toBe('crashed');
  });

  it('a crash inside the backoff is held with the time left, not marked FAULTED', () => {
    const plan = diff(
      desired,
      engine(crashedVm),
      policy({ now: NOW, history: history({ restarts: [{ host: 'rhevh1', at: NOW - 2_000 }] }) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['vm1:crash-loop-backoff']);
    expect(plan.holds[0]?.retryAfterMs).toBe(3_000);
  });

  it('after the backoff it is restarted again', () => {
    const plan = diff(
      desired,
      engine(crashedVm),
      policy({ now: NOW, history: history({ restarts: [{ host: 'rhevh1', at: NOW - 6_000 }] }) }),
    );
    expect(ids(plan)).toEqual(['start:vm1']);
  });

  it('a FAULTED VM paused on a storage error is left alone: not even powered off', () => {
    const paused = vm({ state: 'FAULTED', detail: 'paused (eio)', active: true, host: 'rhevh1' });
    const plan = diff(
      desired,
      engine(paused),
      policy({ now: NOW, history: history({ faultedAt: NOW - 5 }) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['vm1:faulted']);
  });

  it('a VM the engine is migrating is an administrator’s act: left alone', () => {
    const moving = vm({
      state: 'INTENTIONAL_OFFLINE',
      detail: 'migrating',
      active: true,
      host: 'rhevh1',
    });
    const plan = diff(desired, engine(moving), policy());
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['vm1:intentional-offline']);
  });

  it('desired stopped: an up VM is shut down', () => {
    const d = desiredOf({ sites: [ovirtSite('rhev')], guests: [{ ...g, state: 'stopped' }] });
    const up = vm({ state: 'ONLINE', detail: 'up', active: true, host: 'rhevh2' });
    const plan = diff(d, engine(up), policy());
    expect(ids(plan)).toEqual(['stop:vm1@rhevh2']);
  });
});
