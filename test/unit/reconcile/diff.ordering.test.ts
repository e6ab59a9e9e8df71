import { describe, expect, it } from '@jest/globals';
import { diff } from '../../../src/reconcile/diff.js';
import type { Service } from '../../../src/model/desired.js';
import {
  UP3,
  at,
  definedEverywhere,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

const db = guest('db1');
const app = guest('app1', { dependsOn: ['db1'] });
const observedDefined = (...gs: ReturnType<typeof guest>[]) =>
  observedOf({ primary: { hosts: UP3, guests: gs.flatMap((g) => definedEverywhere(g)) } });

describe('diff: ordering between guests', () => {
  it('a guest starts after the guest it depends on', () => {
    const plan = diff(desiredOf({ guests: [db, app] }), observedDefined(db, app), policy());
    expect(ids(plan)).toEqual(['start:app1@kvm1', 'start:db1@kvm1']);
    expect(depsOf(plan, 'start:app1@kvm1')).toEqual(['start:db1@kvm1']);
  });

  it('a dependency that is already running does not hold anything back', () => {
    const plan = diff(
      desiredOf({ guests: [db, app] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [...definedEverywhere(db, 'kvm1'), ...definedEverywhere(app)],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:app1@kvm1']);
    expect(depsOf(plan, 'start:app1@kvm1')).toEqual([]);
  });

  it('a guest whose dependency will not run waits, and says for whom', () => {
    const stoppedDb = guest('db1', { state: 'stopped' });
    const plan = diff(
      desiredOf({ guests: [stoppedDb, app] }),
      observedDefined(stoppedDb, app),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['app1:waiting-for-dependency']);
    expect(plan.holds[0]?.message).toContain("'db1'");
  });

  it('Service tiers: each tier starts after the tier above', () => {
    const web = guest('web1');
    const app2 = guest('app2');
    const service: Service = { name: 'finance', tiers: [['db1'], ['app2'], ['web1']], at };
    const plan = diff(
      desiredOf({ guests: [db, app2, web], services: [service] }),
      observedDefined(db, app2, web),
      policy(),
    );
    expect(depsOf(plan, 'start:web1@kvm1')).toEqual(['start:app2@kvm1']);
    expect(depsOf(plan, 'start:app2@kvm1')).toEqual(['start:db1@kvm1']);
  });

  it('stopping runs in reverse: the dependent guest stops first', () => {
    const sdb = guest('db1', { state: 'stopped' });
    const sapp = guest('app1', { state: 'stopped', dependsOn: ['db1'] });
    const plan = diff(
      desiredOf({ guests: [sdb, sapp] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [...definedEverywhere(sdb, 'kvm1'), ...definedEverywhere(sapp, 'kvm2')],
        },
      }),
      policy(),
    );
    expect(depsOf(plan, 'stop:db1@kvm1')).toEqual(['stop:app1@kvm2']);
  });

  it('a dependency chain with a waiting guest in the middle holds everything after it', () => {
    const web = guest('web1', { dependsOn: ['app1'] });
    const stoppedDb = guest('db1', { state: 'stopped' });
    const plan = diff(
      desiredOf({ guests: [stoppedDb, app, web] }),
      observedDefined(stoppedDb, app, web),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['app1:waiting-for-dependency', 'web1:waiting-for-dependency']);
  });

  it('--target limits the plan to the named guests, and a target waits for an untargeted dependency', () => {
    const plan = diff(
      desiredOf({ guests: [db, app] }),
      observedDefined(db, app),
      policy({ targets: new Set(['app1']) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['app1:waiting-for-dependency']);
    expect(plan.holds[0]?.message).toContain('--target');

    const only = diff(
      desiredOf({ guests: [db, app] }),
      observedDefined(db, app),
      policy({ targets: new Set(['db1']) }),
    );
    expect(ids(only)).toEqual(['start:db1@kvm1']);
  });
});

describe('diff: disaster recovery sites', () => {
  const sites = [
    libvirtSite('primary', ['kvm1', 'kvm2']),
    libvirtSite('secondary', ['dr1', 'dr2']),
  ];
  const drGuest = guest('db1', { hosts: ['kvm1', 'kvm2', 'dr1', 'dr2'] });
  const dr = (active: string) =>
    new Map([
      [
        'finance',
        {
          name: 'finance',
          sites: ['primary', 'secondary'] as const,
          activeSite: active,
          guests: [
            {
              guest: 'db1',
              at,
              network: {
                primary: { address: '192.168.1.10/24', dnsServers: [], dnsSearch: [] },
                secondary: { address: '10.0.0.10/24', dnsServers: [], dnsSearch: [] },
              },
            },
          ],
          replication: [],
          payload: 'cloud-init' as const,
          at,
        },
      ],
    ]);
  const hosts = {
    primary: { kvm1: 'up', kvm2: 'up' },
    secondary: { dr1: 'up', dr2: 'up' },
  } as const;

  it('a guest runs at the active site only', () => {
    const plan = diff(
      desiredOf({ sites, guests: [drGuest], dr: dr('secondary') }),
      observedOf({
        primary: {
          hosts: hosts.primary,
          guests: [shutoff(drGuest, 'kvm1'), shutoff(drGuest, 'kvm2')],
        },
        secondary: {
          hosts: hosts.secondary,
          guests: [shutoff(drGuest, 'dr1'), shutoff(drGuest, 'dr2')],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@dr1']);
  });

  it('switching the active site stops it at the old site and starts it at the new: never a live migration across sites', () => {
    const plan = diff(
      desiredOf({ sites, guests: [drGuest], dr: dr('secondary') }),
      observedOf({
        primary: {
          hosts: hosts.primary,
          guests: [running(drGuest, 'kvm1'), shutoff(drGuest, 'kvm2')],
        },
        secondary: {
          hosts: hosts.secondary,
          guests: [shutoff(drGuest, 'dr1'), shutoff(drGuest, 'dr2')],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@dr1', 'stop:db1@kvm1']);
    expect(depsOf(plan, 'start:db1@dr1')).toEqual(['stop:db1@kvm1']);
    expect(plan.actions.find((a) => a.id === 'stop:db1@kvm1')?.site).toBe('primary');
    expect(plan.actions.find((a) => a.id === 'start:db1@dr1')?.site).toBe('secondary');
  });
});
