/** What `status` says about each guest (item 15: a stale crashed copy never speaks for it). */
import { describe, expect, it } from '@jest/globals';
import { guestStatuses, hostStatuses } from '../../../src/reconcile/status.js';
import {
  UP3,
  crashed,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  ovirtSite,
  running,
  shutoff,
} from './builders.js';

const EMPTY = { actions: [], holds: [], diagnostics: [] };

describe('guestStatuses', () => {
  it('a stopped guest is OFFLINE, though a stale crashed copy is left on another host', () => {
    const g = guest('db1', { state: 'stopped' });
    const [s] = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(g, 'kvm1'), shutoff(g, 'kvm2')] } }),
      EMPTY,
    );
    expect(s).toMatchObject({ guest: 'db1', state: 'OFFLINE' });
  });

  it('a guest meant to run speaks through the copy where it last ran', () => {
    const g = guest('db1');
    const [s] = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(g, 'kvm1'), shutoff(g, 'kvm2')] } }),
      EMPTY,
      { histories: new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm2' }]]) },
    );
    expect(s).toMatchObject({ state: 'OFFLINE', host: 'kvm2' });
  });

  it('a held guest is not Ready, and says why; a guest running as desired is Ready', () => {
    const g = guest('db1');
    const held = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: { ...UP3, kvm1: 'unreachable' }, guests: [] } }),
      {
        actions: [],
        holds: [{ guest: 'db1', reason: 'waiting-for-fencing', message: 'may run on kvm1' }],
        diagnostics: [],
      },
    )[0];
    expect(held).toMatchObject({ state: 'UNKNOWN', confidence: 0, converged: false });
    expect(held?.conditions[0]).toMatchObject({
      type: 'Ready',
      status: false,
      reason: 'WaitingForFencing',
    });
    const fine = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [running(g, 'kvm1')] } }),
      EMPTY,
    )[0];
    expect(fine?.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', true, 'Running'],
      ['Reconciling', false, 'Idle'],
      ['Stalled', false, 'Idle'],
    ]);
  });

  it('an unreachable engine makes its guests UNKNOWN with confidence 0, not OFFLINE', () => {
    const vm = { ...guest('vm1', { site: 'rhev', hosts: [] }) };
    const [s] = guestStatuses(
      desiredOf({ sites: [ovirtSite('rhev')], guests: [vm] }),
      observedOf({ rhev: { kind: 'ovirt', reachable: false, hosts: {} } }),
      EMPTY,
    );
    expect(s).toMatchObject({ state: 'UNKNOWN', confidence: 0, converged: false });
  });

  it('a FAULTED guest is Stalled; a terminal error from the controller too', () => {
    const g = guest('db1');
    const desired = desiredOf({ guests: [g] });
    const observed = observedOf({ primary: { hosts: UP3, guests: [crashed(g, 'kvm1')] } });
    const [faulted] = guestStatuses(desired, observed, {
      actions: [],
      holds: [{ guest: 'db1', reason: 'faulted', message: 'FAULTED' }],
      diagnostics: [],
    });
    expect(faulted?.conditions[2]).toMatchObject({ status: true, reason: 'Faulted' });
    const [terminal] = guestStatuses(desired, observed, EMPTY, {
      facts: new Map([['db1', { terminal: { code: 'not-owned', message: 'not ours' } }]]),
    });
    expect(terminal?.conditions[2]).toMatchObject({ status: true, reason: 'TerminalError' });
    expect(terminal?.reason).toBe('not-owned: not ours');
  });

  it('a running copy always speaks', () => {
    const g = guest('db1');
    const [s] = guestStatuses(
      desiredOf({ guests: [g] }),
      observedOf({ primary: { hosts: UP3, guests: [crashed(g, 'kvm1'), running(g, 'kvm2')] } }),
      EMPTY,
    );
    expect(s).toMatchObject({ state: 'ONLINE', host: 'kvm2' });
  });

  it('lists hosts with their drain (manifest or operator) and fencing marks', () => {
    const site = libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3']);
    const provider = site.provider.kind === 'libvirt' ? site.provider : undefined;
    const withMaintenance = {
      ...site,
      provider: {
        ...(provider ?? {
          kind: 'libvirt',
          hosts: [],
          keepalive: { intervalSeconds: 1, count: 3 },
          hostLossGraceSeconds: 15,
        }),
        hosts: (provider?.hosts ?? []).map((h) =>
          h.name === 'kvm3' ? { ...h, maintenance: true } : h,
        ),
      },
    } as typeof site;
    const hosts = hostStatuses(
      desiredOf({ sites: [withMaintenance], guests: [] }),
      observedOf({ primary: { hosts: { ...UP3, kvm2: 'unreachable' } } }),
      {
        drains: new Map([['kvm1', { by: 'alice', since: '2026-12-02T04:00:00Z', note: 'bios' }]]),
        fenced: new Set(['kvm2']),
      },
    );
    expect(hosts).toEqual([
      {
        host: 'kvm1',
        site: 'primary',
        status: 'up',
        drained: { by: 'alice', since: '2026-12-02T04:00:00Z', note: 'bios' },
        fenced: false,
      },
      { host: 'kvm2', site: 'primary', status: 'unreachable', fenced: true },
      { host: 'kvm3', site: 'primary', status: 'up', drained: { by: 'manifest' }, fenced: false },
    ]);
  });
});
