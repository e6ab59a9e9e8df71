/** The last look before an action runs, against a fresh observation. */
import { describe, expect, it } from '@jest/globals';
import type { Action } from '../../../src/model/plan.js';
import { precheck } from '../../../src/reconcile/precheck.js';
import { UP3, desiredOf, guest, observedOf, running, shutoff } from './builders.js';

const db = guest('db1');
const desired = desiredOf({ guests: [db] });
const action = (a: Partial<Action>): Action => ({
  id: 'x',
  kind: 'start',
  guest: 'db1',
  address: 'guest/db1',
  site: 'primary',
  host: 'kvm2',
  reason: 'failover',
  why: 'test',
  dependsOn: [],
  ...a,
});
const incoming = running(db, 'kvm3', {
  state: 'INTENTIONAL_OFFLINE',
  detail: 'paused (migration)',
  migrating: true,
});

describe('precheck', () => {
  it('runs a start when the guest runs nowhere and every host is seen', () => {
    const fresh = observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm2')] } });
    expect(precheck(action({}), desired, fresh, { fencedHosts: new Set() })).toEqual({
      verdict: 'run',
    });
  });

  it('skips a start whose effect already happened', () => {
    const fresh = observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm2')] } });
    expect(precheck(action({}), desired, fresh, { fencedHosts: new Set() }).verdict).toBe('skip');
  });

  it('refuses a start while the guest runs elsewhere', () => {
    const fresh = observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1')] } });
    const v = precheck(action({}), desired, fresh, { fencedHosts: new Set() });
    expect(v).toMatchObject({ verdict: 'refuse', errorClass: 'waiting' });
  });

  it('refuses a start while a host that may hold it is unreachable and not fenced', () => {
    const fresh = observedOf({ primary: { hosts: { ...UP3, kvm1: 'unreachable' } } });
    expect(precheck(action({}), desired, fresh, { fencedHosts: new Set() }).verdict).toBe('refuse');
    expect(precheck(action({}), desired, fresh, { fencedHosts: new Set(['kvm1']) }).verdict).toBe(
      'run',
    );
  });

  it('refuses to stop "a duplicate" that is the incoming end of a live migration', () => {
    const fresh = observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1'), incoming] } });
    const stop = action({ kind: 'stop', host: 'kvm3', reason: 'duplicate-instance', force: true });
    const v = precheck(stop, desired, fresh, { fencedHosts: new Set() });
    expect(v).toMatchObject({ verdict: 'refuse', errorClass: 'waiting' });
    expect(v.verdict === 'refuse' && v.why).toContain('live migration is in flight');
  });

  it('refuses to define or start anything while a migration is in flight', () => {
    const fresh = observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1'), incoming] } });
    for (const kind of ['define', 'start', 'migrate'] as const) {
      expect(
        precheck(action({ kind, toHost: 'kvm2' }), desired, fresh, { fencedHosts: new Set() })
          .verdict,
      ).toBe('refuse');
    }
  });
});
