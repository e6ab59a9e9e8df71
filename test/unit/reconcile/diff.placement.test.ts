import { describe, expect, it } from '@jest/globals';
import { diff } from '../../../src/reconcile/diff.js';
import {
  UP3,
  definedEverywhere,
  desiredOf,
  guest,
  observedOf,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

describe('diff: placement of running guests', () => {
  const db = guest('db1');

  it('cold start: defines on every placement host and starts on the first autoStart host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3 } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['define:db1@kvm1', 'define:db1@kvm2', 'start:db1@kvm1']);
    expect(depsOf(plan, 'start:db1@kvm1')).toEqual(['define:db1@kvm1']);
    expect(plan.actions.find((a) => a.kind === 'start')?.reason).toBe('not-running');
  });

  it('cold start honours the autoStart order, not the placement order', () => {
    const g = guest('db1', { hosts: ['kvm1', 'kvm2'], autoStart: ['kvm2'] });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g) } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
  });

  it('cold start skips autoStart hosts that are down', () => {
    const g = guest('db1', { hosts: ['kvm1', 'kvm2'] });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'maintenance' }, guests: definedEverywhere(g) },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
  });

  it('converged: running on its preferred host and defined everywhere → no actions', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db, 'kvm1') } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.holds).toEqual([]);
  });

  it('stickiness: a guest on its second host stays there (no failback by default)', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db, 'kvm2') } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });

  it('failback: moves back live to the preferred host once it is up', () => {
    const g = guest('db1', { failback: true });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g, 'kvm2') } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['migrate:db1@kvm2->kvm1']);
    expect(plan.actions[0]?.reason).toBe('failback');
    expect(plan.actions[0]?.live).toBe(true);
  });

  it('failback waits while the preferred host is still down', () => {
    const g = guest('db1', { failback: true });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'maintenance' }, guests: definedEverywhere(g, 'kvm2') },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });

  it('a guest running on a host outside its placement is live-migrated to the first allowed host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [...definedEverywhere(db), running(db, 'kvm3', { persistent: false })],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['migrate:db1@kvm3->kvm1']);
    expect(plan.actions[0]?.reason).toBe('host-not-allowed');
  });

  it('with live migration off, a misplaced guest is relocated: stop, then start on the allowed host', () => {
    const g = guest('db1', {
      migration: { live: false, timeoutSeconds: 300, maxDowntimeMs: 300, fallback: 'none' },
    });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [...definedEverywhere(g), running(g, 'kvm3', { persistent: false })],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1', 'stop:db1@kvm3']);
    expect(depsOf(plan, 'start:db1@kvm1')).toEqual(['stop:db1@kvm3']);
  });

  it('migrating to a host where the guest is not yet defined defines it there first', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm3', { persistent: false })] } }),
      policy(),
    );
    expect(depsOf(plan, 'migrate:db1@kvm3->kvm1')).toEqual(['define:db1@kvm1']);
  });

  it('an unreachable placement host does not disturb a guest seen running on another host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'unreachable' }, guests: definedEverywhere(db, 'kvm2') },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
  });

  it('no placement host up: nothing is started and the plan says why', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: { kvm1: 'maintenance', kvm2: 'maintenance', kvm3: 'up' } } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:no-healthy-host']);
  });

  it('the plan is deterministic and does not modify its inputs', () => {
    const desired = desiredOf({ guests: [db, guest('app1')] });
    const observed = observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm2')] } });
    const before = JSON.stringify([...observed.sites.values()].map((s) => s.guests));
    const a = diff(desired, observed, policy());
    const b = diff(desired, observed, policy());
    expect(a).toEqual(b);
    expect(JSON.stringify([...observed.sites.values()].map((s) => s.guests))).toBe(before);
  });
});

describe('diff: drivers that cannot live-migrate', () => {
  it('a move on the test driver is planned as a clearly labelled stop-and-start relocation', () => {
    const db = guest('db1');
    const observed = observedOf({
      primary: {
        hosts: UP3,
        guests: [...definedEverywhere(db), running(db, 'kvm3', { persistent: false })],
      },
    });
    const site = observed.sites.get('primary');
    if (!site) throw new Error('no site');
    const hosts = new Map([...site.hosts].map(([k, h]) => [k, { ...h, liveMigration: false }]));
    const plan = diff(
      desiredOf({ guests: [db] }),
      { sites: new Map([['primary', { ...site, hosts }]]) },
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1', 'stop:db1@kvm3']);
    expect(plan.actions.find((a) => a.kind === 'start')?.why).toContain('cannot live-migrate');
  });
});
