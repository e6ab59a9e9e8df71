import { describe, expect, it } from '@jest/globals';
import type { MappedDisk, StorageMapping } from '../../../src/model/desired.js';
import type {
  ObservedDisk,
  ObservedHost,
  ObservedVolume,
  Observed,
} from '../../../src/model/observed.js';
import { diff } from '../../../src/reconcile/diff.js';
import {
  at,
  definedEverywhere,
  desiredOf,
  guest,
  observedOf,
  policy,
  running,
  shutoff,
} from './builders.js';
import { depsOf, holdsOf, ids } from './summary.js';

const GIB = 1024 ** 3;
const db = guest('db1');

function disk(
  target: string,
  source: MappedDisk['source'],
  o: Partial<MappedDisk> = {},
): MappedDisk {
  return {
    source,
    target,
    passthrough: false,
    readOnly: false,
    cache: 'none',
    shareable: false,
    at,
    ...o,
  };
}
function mapping(
  disks: MappedDisk[],
  controller: StorageMapping['controller'] = 'virtio-scsi',
): StorageMapping {
  return { name: 'data', guest: 'db1', controller, disks, at };
}
const vol = (name: string, capacityGiB = 1, backingVolume?: string): MappedDisk['source'] => ({
  kind: 'volume',
  pool: 'guests',
  name,
  capacityGiB,
  ...(backingVolume ? { backingVolume } : {}),
});

/** Observed state with pools/volumes on every host and the running guest's live disks. */
function world(o: {
  live?: ObservedDisk[];
  volumes?: ObservedVolume[];
  pools?: boolean;
  hotplug?: boolean;
  runningOn?: string;
}): Observed {
  const liveDisks = o.live ?? [];
  const base = observedOf({
    primary: {
      hosts: { kvm1: 'up', kvm2: 'up', kvm3: 'up' },
      guests: db.placement.hosts.map((h) =>
        h === (o.runningOn ?? 'kvm1')
          ? { ...running(db, h), details: { ...(running(db, h).details ?? {}), liveDisks } }
          : shutoff(db, h),
      ),
    },
  });
  const site = base.sites.get('primary');
  if (!site) throw new Error('no site');
  const volumes = new Map((o.volumes ?? []).map((v) => [`${v.pool}/${v.name}`, v]));
  const hosts = new Map<string, ObservedHost>(
    [...site.hosts].map(([k, h]) => [
      k,
      {
        ...h,
        ...(o.hotplug === false ? { hotplug: false } : {}),
        ...(o.pools === false
          ? { pools: new Map() }
          : { pools: new Map([['guests', { active: true }]]), volumes }),
      },
    ]),
  );
  return { sites: new Map([['primary', { ...site, hosts }]]) };
}

const gold: ObservedVolume = {
  pool: 'guests',
  name: 'gold',
  path: '/p/gold',
  capacityBytes: GIB,
  format: 'qcow2',
};
const ours = (target: string, source: string, bus = 'scsi'): ObservedDisk => ({
  target,
  bus,
  device: 'disk',
  source,
  alias: `ua-vw-${target}`,
});

describe('diff: storage mappings', () => {
  it('a missing mapped volume is created (a golden-image overlay) and hot-plugged after it', () => {
    const d = desiredOf({
      guests: [db],
      storage: [mapping([disk('sdb', vol('db1-data', 4, 'gold'))])],
    });
    const plan = diff(d, world({ volumes: [gold] }), policy());
    expect(ids(plan)).toEqual([
      'attach-disk:db1@kvm1:sdb',
      'create-volume:db1@kvm1:sdb',
      'define:db1@kvm1',
      'define:db1@kvm2',
    ]);
    expect(depsOf(plan, 'attach-disk:db1@kvm1:sdb')).toEqual(['create-volume:db1@kvm1:sdb']);
    const create = plan.actions.find((a) => a.kind === 'create-volume');
    expect(create?.disk?.volume?.create).toEqual({
      capacityBytes: 4 * GIB,
      format: 'qcow2',
      backing: { path: '/p/gold', format: 'qcow2' },
    });
  });

  it('a converged mapping plans nothing', () => {
    const d = desiredOf({
      guests: [db],
      storage: [mapping([disk('sdb', vol('db1-data', 1, 'gold'))])],
    });
    const observed = world({
      volumes: [
        gold,
        { pool: 'guests', name: 'db1-data', path: '/p/db1-data', capacityBytes: GIB },
      ],
      live: [ours('sdb', 'guests/db1-data')],
    });
    const plan = diff(d, observed, policy());
    expect(ids(plan).filter((id) => !id.startsWith('define'))).toEqual([]);
  });

  it('a mapped disk no mapping names any more is unplugged; the guest own disks are left alone', () => {
    const d = desiredOf({ guests: [db] });
    const observed = world({
      live: [
        ours('sdb', '/dev/disk/by-id/x'),
        { target: 'vda', bus: 'virtio', device: 'disk', source: '/img/db1.qcow2' },
      ],
    });
    expect(ids(diff(d, observed, policy()))).toEqual(['detach-disk:db1@kvm1:sdb']);
  });

  it('where the driver cannot hot-plug, the change waits for a restart (and is one with --allow-restart)', () => {
    const d = desiredOf({
      guests: [db],
      storage: [mapping([disk('sdb', { kind: 'byId', id: 'scsi-1' })])],
    });
    const observed = world({ hotplug: false });
    const plan = diff(d, observed, policy());
    expect(ids(plan).filter((id) => !id.startsWith('define'))).toEqual([]);
    expect(holdsOf(plan)).toEqual(['db1:restart-needed']);
    expect(plan.holds[0]?.message).toContain('cannot hot-plug');
    const restart = diff(d, observed, policy({ allowRestart: true }));
    expect(ids(restart).filter((id) => !id.startsWith('define'))).toEqual([
      'start:db1@kvm1',
      'stop:db1@kvm1',
    ]);
  });

  it('growing a virtio-blk volume needs a restart; the volume grows while the guest is stopped', () => {
    const d = desiredOf({
      guests: [db],
      storage: [mapping([disk('vdb', vol('db1-blk', 2))], 'virtio-blk')],
    });
    const observed = world({
      volumes: [{ pool: 'guests', name: 'db1-blk', path: '/p/db1-blk', capacityBytes: GIB }],
      live: [ours('vdb', 'guests/db1-blk', 'virtio')],
    });
    const held = diff(d, observed, policy());
    expect(held.holds[0]?.message).toContain(
      'growing vdb to 2 GiB (virtio-blk cannot grow online)',
    );
    const plan = diff(d, observed, policy({ allowRestart: true }));
    expect(depsOf(plan, 'update-disk:db1@kvm1:vdb')).toEqual(['stop:db1@kvm1']);
    expect(depsOf(plan, 'start:db1@kvm1')).toContain('update-disk:db1@kvm1:vdb');
  });

  it('growing a virtio-scsi volume is done online, without a restart', () => {
    const d = desiredOf({ guests: [db], storage: [mapping([disk('sdb', vol('db1-data', 2))])] });
    const observed = world({
      volumes: [{ pool: 'guests', name: 'db1-data', path: '/p/db1-data', capacityBytes: GIB }],
      live: [ours('sdb', 'guests/db1-data')],
    });
    const plan = diff(d, observed, policy());
    expect(ids(plan).filter((id) => !id.startsWith('define'))).toEqual([
      'update-disk:db1@kvm1:sdb',
    ]);
    expect(plan.actions.find((a) => a.kind === 'update-disk')?.disk?.live).toBe(true);
    expect(plan.holds).toEqual([]);
  });

  it('a missing pool or golden image is a conflict with its own code', () => {
    const d = desiredOf({
      guests: [db],
      storage: [mapping([disk('sdb', vol('db1-data', 1, 'gold'))])],
    });
    expect(diff(d, world({ pools: false }), policy()).diagnostics.map((x) => x.code)).toContain(
      'VW904',
    );
    expect(diff(d, world({ volumes: [] }), policy()).diagnostics.map((x) => x.code)).toContain(
      'VW905',
    );
  });

  it("a target taken by a disk of the guest's own definition is a conflict (VW906)", () => {
    const d = desiredOf({ guests: [db], storage: [mapping([disk('sdb', vol('db1-data', 1))])] });
    const own: ObservedDisk = {
      target: 'sdb',
      bus: 'scsi',
      device: 'disk',
      source: '/srv/own.img',
    };
    const plan = diff(
      d,
      world({
        volumes: [{ pool: 'guests', name: 'db1-data', path: '/p/db1-data', capacityBytes: GIB }],
        live: [own],
      }),
      policy(),
    );
    expect(plan.diagnostics.map((x) => x.code)).toContain('VW906');
    expect(ids(plan).filter((id) => id.includes('attach'))).toEqual([]);
  });

  it('a cold start waits for the volumes it needs', () => {
    const d = desiredOf({ guests: [db], storage: [mapping([disk('sdb', vol('db1-data', 1))])] });
    const observed = observedOf({
      primary: { hosts: { kvm1: 'up', kvm2: 'up' }, guests: definedEverywhere(db) },
    });
    const site = observed.sites.get('primary');
    if (!site) throw new Error('no site');
    const hosts = new Map(
      [...site.hosts].map(([k, h]) => [
        k,
        { ...h, pools: new Map([['guests', { active: true }]]), volumes: new Map() },
      ]),
    );
    const plan = diff(d, { sites: new Map([['primary', { ...site, hosts }]]) }, policy());
    expect(depsOf(plan, 'start:db1@kvm1')).toContain('create-volume:db1@kvm1:sdb');
  });

  it('an unmapped volume virtwarden created is kept unless --allow-data-loss', () => {
    const d = desiredOf({ guests: [db] });
    const observed = world({
      volumes: [{ pool: 'guests', name: 'old', path: '/p/old', capacityBytes: GIB }],
    });
    const owned = new Map([['primary/guests/old', 'db1']]);
    const kept = diff(d, observed, policy({ ownedVolumes: owned }));
    expect(holdsOf(kept)).toEqual(['db1:data-loss-refused']);
    expect(ids(diff(d, observed, policy({ ownedVolumes: owned, allowDataLoss: true })))).toEqual([
      'delete-volume:db1@kvm1:guests/old',
    ]);
    // Never a volume virtwarden did not create.
    expect(ids(diff(d, observed, policy({ allowDataLoss: true })))).toEqual([]);
  });
});
