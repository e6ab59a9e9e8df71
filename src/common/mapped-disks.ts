/**
 * Storage mappings → the disks a guest must have (pure, structured: the libvirt provider
 * renders them as `<disk>` elements). Shared by the planner (to compare and hash) and the
 * providers (to define and hot-plug).
 *
 * Every mapped disk carries a user alias `ua-vw-<target>`: the mark by which virtwarden knows a
 * disk is one it maps (and may detach when its mapping goes), leaving disks of the guest's own
 * definition alone.
 */
import type { Desired, DiskSource, Guest, MappedDisk, StorageMapping } from '../model/desired.js';
import type { DiskSpec } from '../model/plan.js';

export const VW_ALIAS_PREFIX = 'ua-vw-';

export interface DesiredDisk {
  readonly mapping: string;
  readonly target: string;
  readonly bus: 'virtio' | 'scsi';
  readonly device: 'disk' | 'lun';
  readonly source: DiskSource;
  /** The host path (block devices) or `pool/volume`. */
  readonly sourceText: string;
  readonly alias: string;
  readonly spec: DiskSpec;
  readonly disk: MappedDisk;
}

export function sourcePath(source: DiskSource): string {
  switch (source.kind) {
    case 'byId':
      return `/dev/disk/by-id/${source.id}`;
    case 'byPath':
      return `/dev/disk/by-path/${source.path}`;
    case 'dmp':
      return `/dev/vx/dmp/${source.name}`;
    case 'volume':
      return `${source.pool}/${source.name}`;
  }
}

export function diskSpec(m: StorageMapping, d: MappedDisk): DiskSpec {
  return {
    target: d.target,
    bus: m.controller === 'virtio-scsi' ? 'scsi' : 'virtio',
    device: d.passthrough ? 'lun' : 'disk',
    source: d.source,
    readOnly: d.readOnly,
    shareable: d.shareable,
    cache: d.cache,
    alias: `${VW_ALIAS_PREFIX}${d.target}`,
    // A pool volume virtwarden creates is a qcow2 overlay of its golden image, else raw; an
    // existing volume is presented in the format its host reports (the provider reads it).
    createFormat:
      d.source.kind === 'volume' && d.source.backingVolume !== undefined ? 'qcow2' : 'raw',
  };
}

const byGuest = new WeakMap<Desired, ReadonlyMap<string, StorageMapping[]>>();

export function mappingsOf(desired: Desired, guest: Guest): StorageMapping[] {
  let index = byGuest.get(desired);
  if (!index) {
    const m = new Map<string, StorageMapping[]>();
    for (const s of [...desired.storage.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const list = m.get(s.guest);
      if (list) list.push(s);
      else m.set(s.guest, [s]);
    }
    byGuest.set(desired, (index = m));
  }
  return index.get(guest.name) ?? [];
}

export function desiredDisks(desired: Desired, guest: Guest): DesiredDisk[] {
  return mappingsOf(desired, guest).flatMap((m) =>
    m.disks.map((d) => {
      const spec = diskSpec(m, d);
      return {
        mapping: m.name,
        target: d.target,
        bus: spec.bus,
        device: spec.device,
        source: d.source,
        sourceText:
          d.source.kind === 'volume' ? `pool ${sourcePath(d.source)}` : sourcePath(d.source),
        alias: spec.alias,
        spec,
        disk: d,
      };
    }),
  );
}
