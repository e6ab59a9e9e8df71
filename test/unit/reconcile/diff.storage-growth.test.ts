import { describe, expect, it } from '@jest/globals';
import type { MappedDisk } from '../../../src/model/desired.js';
import type { Observed, ObservedHost } from '../../../src/model/observed.js';
import { diff } from '../../../src/reconcile/diff.js';
import { at, definedEverywhere, desiredOf, guest, observedOf, policy } from './builders.js';

const GIB = 1024 ** 3;

const disk: MappedDisk = {
  source: { kind: 'volume', pool: 'guests', name: 'db1-data', capacityGiB: 2 },
  target: 'sdb',
  passthrough: false,
  readOnly: false,
  cache: 'none',
  shareable: false,
  at,
};

/** db1 defined on its hosts (running on `runningOn`, if any), its 1 GiB volume in the pool. */
function world(db: ReturnType<typeof guest>, runningOn?: string): Observed {
  const base = observedOf({
    primary: { hosts: { kvm1: 'up', kvm2: 'up' }, guests: definedEverywhere(db, runningOn) },
  });
  const site = base.sites.get('primary');
  if (!site) throw new Error('no site');
  const volume = { pool: 'guests', name: 'db1-data', path: '/p/db1-data', capacityBytes: GIB };
  const hosts = new Map<string, ObservedHost>(
    [...site.hosts].map(([k, h]) => [
      k,
      {
        ...h,
        pools: new Map([['guests', { active: true }]]),
        volumes: new Map([['guests/db1-data', volume]]),
      },
    ]),
  );
  return { sites: new Map([['primary', { ...site, hosts }]]) };
}

describe('diff: growing a mapped volume', () => {
  it('of a stopped guest is not a live change', () => {
    const db = guest('db1', { state: 'stopped' });
    const d = desiredOf({
      guests: [db],
      storage: [{ name: 'data', guest: 'db1', controller: 'virtio-scsi', disks: [disk], at }],
    });
    const grow = diff(d, world(db), policy()).actions.find((a) => a.kind === 'update-disk');
    expect(grow?.disk?.volume?.capacityBytes).toBe(2 * GIB);
    expect(grow?.disk?.live).toBe(false);
  });
});
