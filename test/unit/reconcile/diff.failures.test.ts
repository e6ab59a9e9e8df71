import { describe, expect, it } from '@jest/globals';
import { diff } from '../../../src/reconcile/diff.js';
import {
  UP3,
  crashed,
  definedEverywhere,
  desiredOf,
  guest,
  observedOf,
  pausedByUser,
  pausedIoError,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

const db = guest('db1');
const NOW = 1_000_000_000;

describe('diff: never two copies', () => {
  it('does not start a guest whose host is unreachable and not fenced (it may still run there)', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'unreachable' }, guests: [shutoff(db, 'kvm2')] },
      }),
      policy(),
    );
    expect(plan.actions.filter((a) => a.kind === 'start')).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:waiting-for-fencing']);
    expect(plan.holds[0]?.message).toContain('kvm1');
  });

  it('starts it on the next host once the lost host is fenced', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'unreachable' }, guests: [shutoff(db, 'kvm2')] },
      }),
      policy({
        fencedHosts: new Set(['kvm1']),
        history: new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm1' }]]),
      }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(plan.actions[0]?.reason).toBe('host-lost');
  });

  it('a host it last ran on counts as blind even outside the placement list', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm3: 'unreachable' }, guests: definedEverywhere(db) },
      }),
      policy({ history: new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm3' }]]) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:waiting-for-fencing']);
  });

  it('kills a duplicate copy at once, keeping the one on the host it last ran on', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1'), running(db, 'kvm2')] } }),
      policy({ history: new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm2' }]]) }),
    );
    expect(ids(plan)).toEqual(['stop:db1@kvm1']);
    expect(plan.actions[0]?.force).toBe(true);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['VW902']);
  });

  it('never touches a different domain of the same name, and does not start the guest on that host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [
            shutoff(db, 'kvm1', { uuid: '11111111-2222-3333-4444-555555555555', owned: false }),
            shutoff(db, 'kvm2'),
          ],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(holdsOf(plan)).toEqual(['db1:conflict']);
    expect(plan.diagnostics[0]?.code).toBe('VW901');
  });
});

describe('diff: failures and the failure ladder', () => {
  it('a crashed guest is restarted on the same host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm1'), crashed(db, 'kvm2')] } }),
      policy({ now: NOW }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(plan.actions[0]?.reason).toBe('crashed');
  });

  it('after max restarts within the window it fails over to the next healthy host', () => {
    const history = {
      restarts: [
        { host: 'kvm1', at: NOW - 60_000 },
        { host: 'kvm1', at: NOW - 30_000 },
      ],
      failovers: [],
      lastHost: 'kvm1',
    };
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(db, 'kvm1'), shutoff(db, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', history]]) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(plan.actions[0]?.reason).toBe('failover');
  });

  it('restarts older than the window do not count', () => {
    const history = {
      restarts: [
        { host: 'kvm1', at: NOW - 700_000 },
        { host: 'kvm1', at: NOW - 650_000 },
      ],
      failovers: [],
      lastHost: 'kvm1',
    };
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(db, 'kvm1'), shutoff(db, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', history]]) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1']);
  });

  it('fails again after its failover in the same window → FAULTED and left alone', () => {
    const history = {
      restarts: [
        { host: 'kvm1', at: NOW - 60_000 },
        { host: 'kvm1', at: NOW - 50_000 },
      ],
      failovers: [{ from: 'kvm1', at: NOW - 40_000 }],
      lastHost: 'kvm2',
    };
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [shutoff(db, 'kvm1'), crashed(db, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', history]]) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:faulted']);
  });

  it('onFailure.then: stop leaves it stopped once restarts are used up', () => {
    const g = guest('db1', {
      onFailure: { restart: { max: 1, withinSeconds: 600 }, then: 'stop' },
    });
    const history = {
      restarts: [{ host: 'kvm1', at: NOW - 60_000 }],
      failovers: [],
      lastHost: 'kvm1',
    };
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(g, 'kvm1'), shutoff(g, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', history]]) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:faulted']);
  });

  it('a crash loop backs off before the next restart', () => {
    const history = {
      restarts: [{ host: 'kvm1', at: NOW - 1_000 }],
      failovers: [],
      lastHost: 'kvm1',
    };
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(db, 'kvm1'), shutoff(db, 'kvm2')] } }),
      policy({ now: NOW, history: new Map([['db1', history]]) }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.holds[0]?.message).toContain('crash loop');
  });

  it('a guest paused on an I/O error is FAULTED: killed, then restarted', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: UP3, guests: [pausedIoError(db, 'kvm1'), shutoff(db, 'kvm2')] },
      }),
      policy({ now: NOW }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1', 'stop:db1@kvm1']);
    expect(depsOf(plan, 'start:db1@kvm1')).toEqual(['stop:db1@kvm1']);
    expect(plan.actions.find((a) => a.kind === 'stop')?.force).toBe(true);
  });

  it('a guest that stopped on its own where virtwarden last saw it running follows the ladder', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db) } }),
      policy({
        now: NOW,
        history: new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm2' }]]),
      }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
  });
});

describe("diff: an administrator's deliberate acts are not fought", () => {
  it('a guest paused by the user is INTENTIONAL_OFFLINE: no action', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: UP3, guests: [pausedByUser(db, 'kvm1'), shutoff(db, 'kvm2')] },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:intentional-offline']);
  });

  it('a managed-saved guest is left alone', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [
            shutoff(db, 'kvm1', {
              managedSave: true,
              state: 'INTENTIONAL_OFFLINE',
              detail: 'shut off (saved)',
            }),
            shutoff(db, 'kvm2'),
          ],
        },
      }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:intentional-offline']);
  });

  it('maintenance: true observes only, even when the guest is down', () => {
    const g = guest('db1', { maintenance: true });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3 } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:maintenance']);
  });
});
