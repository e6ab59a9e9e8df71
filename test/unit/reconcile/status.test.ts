/** What `status` says about each guest (item 15: a stale crashed copy never speaks for it). */
import { describe, expect, it } from '@jest/globals';
import { guestStatuses } from '../../../src/reconcile/status.js';
import { UP3, crashed, desiredOf, guest, observedOf, running, shutoff } from './builders.js';

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
      new Map([['db1', { restarts: [], failovers: [], lastHost: 'kvm2' }]]),
    );
    expect(s).toMatchObject({ state: 'OFFLINE', host: 'kvm2' });
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
});
