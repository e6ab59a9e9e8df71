/**
 * The HA-safety rules of the planner, each one a bug found on the lab (issue 10): never fight an
 * operator's migration, leave a FAULTED guest alone, see hand edits, attribute a failure to the
 * live instance, remember where a guest may be, drain hosts, wait before failing back, and fall
 * back from a failed live migration only where the guest allows it.
 */
import { describe, expect, it } from '@jest/globals';
import type { GuestHistory } from '../../../src/model/history.js';
import { diff } from '../../../src/reconcile/diff.js';
import {
  UP3,
  crashed,
  definedEverywhere,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  pausedIoError,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

const NOW = 1_000_000_000;
const db = guest('db1');
const history = (h: Partial<GuestHistory>): Map<string, GuestHistory> =>
  new Map([['db1', { restarts: [], failovers: [], ...h }]]);

describe('an operator’s live migration in flight (item 1)', () => {
  const incoming = running(db, 'kvm2', {
    state: 'INTENTIONAL_OFFLINE',
    detail: 'paused (migration)',
    migrating: true,
    persistent: false,
  });

  it('is one guest moving, not a duplicate: nothing is stopped, defined or started', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [running(db, 'kvm1'), incoming] } }),
      policy({ history: history({ lastHost: 'kvm1' }) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:migrating']);
    expect(plan.holds[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(plan.diagnostics).toEqual([]);
  });

  it('is not stopped either when the guest is desired stopped: it waits for the job to end', () => {
    const g = guest('db1', { state: 'stopped' });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [running(g, 'kvm1'), incoming] } }),
      policy(),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:migrating']);
  });
});

describe('FAULTED, left alone (item 6)', () => {
  it('a FAULTED guest paused on an I/O error is not destroyed: no action at all', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: UP3, guests: [pausedIoError(db, 'kvm1'), shutoff(db, 'kvm2')] },
      }),
      policy({ now: NOW, history: history({ lastHost: 'kvm1', faultedAt: NOW - 1000 }) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:faulted']);
    expect(plan.holds[0]?.message).toContain('virtwarden clear db1');
  });

  it('a crash loop in backoff leaves the paused copy as it is until the restart', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: UP3, guests: [pausedIoError(db, 'kvm1'), shutoff(db, 'kvm2')] },
      }),
      policy({
        now: NOW,
        history: history({ lastHost: 'kvm1', restarts: [{ host: 'kvm1', at: NOW - 1000 }] }),
      }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:crash-loop-backoff']);
    expect(plan.holds[0]?.retryAfterMs).toBe(4000);
  });
});

describe('hand edits of a definition (item 7)', () => {
  it('a definition changed by hand (stamp kept) is restored, and the plan shows what changed', () => {
    const drift = [{ path: '/domain/memory', applied: '32768 KiB', now: '65536 KiB' }];
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [
            running(db, 'kvm1', {
              details: { ...running(db, 'kvm1').details, drift },
            }),
            shutoff(db, 'kvm2'),
          ],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['define:db1@kvm1']);
    const define = plan.actions[0];
    expect(define?.reason).toBe('definition-drift');
    expect(define?.drift).toEqual(drift);
    expect(define?.why).toContain('changed by hand (memory)');
    expect(define?.before).toBe('defined (edited by hand)');
  });
});

describe('a definition without a baseline (a define interrupted before it was written)', () => {
  it('is defined again, so that a hand edit made to it can be seen', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: {
          hosts: UP3,
          guests: [
            running(db, 'kvm1'),
            shutoff(db, 'kvm2', {
              details: { ...shutoff(db, 'kvm2').details, unverifiable: true },
            }),
          ],
        },
      }),
      policy(),
    );
    expect(ids(plan)).toEqual(['define:db1@kvm2']);
    expect(plan.actions[0]?.before).toBe('defined (unverifiable)');
    expect(plan.actions[0]?.why).toContain('no baseline');
    expect(plan.actions[0]?.drift).toBeUndefined();
  });
});

describe('failures are attributed to the live instance (item 21)', () => {
  it('a stale crashed copy on another host does not decide: the guest restarts where it ran', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(db, 'kvm1'), shutoff(db, 'kvm2')] } }),
      policy({
        now: NOW,
        // It failed over from kvm1 (whose host was lost) and then stopped on kvm2.
        history: history({ lastHost: 'kvm2', failovers: [] }),
      }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(plan.actions[0]?.reason).toBe('stopped-unexpectedly');
  });

  it('a guest whose fenced host it ran on is lost fails over at once, whatever its restart count', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm1: 'unreachable' }, guests: [shutoff(db, 'kvm2')] },
      }),
      policy({
        now: NOW,
        fencedHosts: new Set(['kvm1']),
        history: history({
          lastHost: 'kvm1',
          restarts: [
            { host: 'kvm1', at: NOW - 20_000 },
            { host: 'kvm1', at: NOW - 10_000 },
          ],
          failovers: [{ from: 'kvm3', at: NOW - 5_000 }],
        }),
      }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
    expect(plan.actions[0]?.reason).toBe('host-lost');
  });
});

describe('where a guest may be is durable, not the placement (item 18)', () => {
  it('an unreachable host that held its definition blocks a start, though the placement dropped it', () => {
    const g = guest('db1', { hosts: ['kvm1', 'kvm2'] });
    const plan = diff(
      desiredOf({ guests: [g] }),
      observedOf({
        primary: { hosts: { ...UP3, kvm3: 'unreachable' }, guests: definedEverywhere(g) },
      }),
      policy({ history: history({ definedOn: ['kvm1', 'kvm2', 'kvm3'] }) }),
    );
    expect(plan.actions.filter((a) => a.kind === 'start')).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:waiting-for-fencing']);
    expect(plan.holds[0]?.message).toContain('kvm3');
  });
});

describe('drained hosts (item 16)', () => {
  it('a guest on a drained host (Site maintenance) is live-migrated to the next allowed host', () => {
    const site = libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3']);
    const drained = {
      ...site,
      provider:
        site.provider.kind === 'libvirt'
          ? {
              ...site.provider,
              hosts: site.provider.hosts.map((h) =>
                h.name === 'kvm1' ? { ...h, maintenance: true } : h,
              ),
            }
          : site.provider,
    };
    const plan = diff(
      desiredOf({ sites: [drained], guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db, 'kvm1') } }),
      policy(),
    );
    expect(ids(plan)).toEqual(['migrate:db1@kvm1->kvm2']);
    expect(plan.actions[0]?.reason).toBe('drain');
  });

  it('`virtwarden drain`: nothing new starts on a drained host', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db) } }),
      policy({ drainedHosts: new Set(['kvm1']) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm2']);
  });

  it('with every allowed host drained it keeps running and says why', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      observedOf({ primary: { hosts: UP3, guests: definedEverywhere(db, 'kvm1') } }),
      policy({ drainedHosts: new Set(['kvm1', 'kvm2']) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:no-healthy-host']);
    expect(plan.holds[0]?.message).toContain('drained');
  });
});

describe('failback waits for a stable host (item 14)', () => {
  const g = guest('db1', { failback: true });
  const observed = observedOf({ primary: { hosts: UP3, guests: definedEverywhere(g, 'kvm2') } });

  it('does not move back onto a host that came up seconds ago', () => {
    const plan = diff(
      desiredOf({ guests: [g] }),
      observed,
      policy({ now: NOW, hostUpSince: new Map([['kvm1', NOW - 4]]) }),
    );
    expect(plan.actions).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:failback-pending']);
    expect(plan.holds[0]?.retryAfterMs).toBe(300_000 - 4);
  });

  it('moves back once the host has been up for failbackAfterSeconds', () => {
    const plan = diff(
      desiredOf({ guests: [g] }),
      observed,
      policy({ now: NOW, hostUpSince: new Map([['kvm1', NOW - 300_000]]) }),
    );
    expect(ids(plan)).toEqual(['migrate:db1@kvm2->kvm1']);
    expect(plan.actions[0]?.reason).toBe('failback');
  });
});

describe('a live migration that failed (items 2 and 3)', () => {
  const failed = (g = db): Map<string, GuestHistory> =>
    new Map([
      [
        g.name,
        {
          restarts: [],
          failovers: [],
          lastHost: 'kvm3',
          migrationFailures: [
            { from: 'kvm3', to: 'kvm1', at: NOW - 1000, message: 'timed out after 300 s' },
          ],
        },
      ],
    ]);
  const misplaced = (g = db) =>
    observedOf({
      primary: { hosts: UP3, guests: [running(g, 'kvm3'), shutoff(g, 'kvm1'), shutoff(g, 'kvm2')] },
    });

  it('plans the migration saying what happens if it fails', () => {
    const plan = diff(desiredOf({ guests: [db] }), misplaced(), policy({ now: NOW }));
    expect(ids(plan)).toEqual(['migrate:db1@kvm3->kvm1']);
    const m = plan.actions.find((a) => a.kind === 'migrate');
    expect(m?.fallback).toBe('none');
    expect(m?.why).toContain('it keeps running on kvm3');
  });

  it('with fallback none: it keeps running where it is and the migration waits before a retry', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      misplaced(),
      policy({ now: NOW, history: failed() }),
    );
    expect(plan.actions.filter((a) => a.kind === 'migrate' || a.kind === 'stop')).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:migration-failed']);
    expect(plan.holds[0]?.retryAfterMs).toBe(29_000);
    expect(plan.holds[0]?.message).toContain('timed out after 300 s');
  });

  it('with fallback none: after the delay it migrates again', () => {
    const plan = diff(
      desiredOf({ guests: [db] }),
      misplaced(),
      policy({ now: NOW + 30_000, history: failed() }),
    );
    expect(plan.actions.map((a) => a.id)).toContain('migrate:db1@kvm3->kvm1');
  });

  it('with fallback relocate: stop there, start on the destination, and the plan says so', () => {
    const g = guest('db1', {
      migration: { live: true, timeoutSeconds: 300, maxDowntimeMs: 300, fallback: 'relocate' },
    });
    const plan = diff(
      desiredOf({ guests: [g] }),
      misplaced(g),
      policy({ now: NOW, history: failed(g) }),
    );
    expect(ids(plan)).toEqual(['start:db1@kvm1', 'stop:db1@kvm3']);
    expect(depsOf(plan, 'start:db1@kvm1')).toEqual(['stop:db1@kvm3']);
    const start = plan.actions.find((a) => a.kind === 'start');
    expect(start?.reason).toBe('migration-failed');
    expect(start?.why).toContain('migration.fallback relocate: stop and start');
  });
});
