/**
 * Storage mappings → the disks a guest must have, as libvirt `<disk>` elements. Pure, shared by
 * the planner (to compare and hash) and the libvirt provider (to define and hot-plug).
 *
 * Every mapped disk carries a user alias `ua-vw-<target>`: the mark by which virtwarden knows a
 * disk is one it maps (and may detach when its mapping goes), leaving disks of the guest's own
 * definition alone.
 */
import type { Desired, DiskSource, Guest, MappedDisk, StorageMapping } from '../model/desired.js';

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
  readonly xml: string;
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

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

export function diskXml(m: StorageMapping, d: MappedDisk): string {
  const bus = m.controller === 'virtio-scsi' ? 'scsi' : 'virtio';
  const device = d.passthrough ? 'lun' : 'disk';
  const alias = `${VW_ALIAS_PREFIX}${d.target}`;
  const cache = d.cache === 'default' ? '' : ` cache='${d.cache}'`;
  const src = d.source;
  const volume = src.kind === 'volume';
  // Block devices are raw. For a pool volume this is the format virtwarden creates it with (a
  // qcow2 overlay of a golden image, else raw); the provider presents an existing volume in the
  // format its host reports (providers/libvirt/host-disks.ts), never in an assumed one.
  const format = src.kind === 'volume' && src.backingVolume !== undefined ? 'qcow2' : 'raw';
  const source =
    src.kind === 'volume'
      ? `<source pool='${esc(src.pool)}' volume='${esc(src.name)}'/>`
      : `<source dev='${esc(sourcePath(src))}'/>`;
  return [
    // What lets a LUN's SCSI commands through unfiltered depends on the host's libvirt: the
    // provider adds it (sgio or rawio, providers/libvirt/host-disks.ts).
    `<disk type='${volume ? 'volume' : 'block'}' device='${device}'>`,
    `<driver name='qemu' type='${format}'${cache}/>`,
    source,
    `<target dev='${esc(d.target)}' bus='${bus}'/>`,
    d.shareable ? '<shareable/>' : '',
    d.readOnly ? '<readonly/>' : '',
    `<alias name='${esc(alias)}'/>`,
    '</disk>',
  ].join('');
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
    m.disks.map((d) => ({
      mapping: m.name,
      target: d.target,
      bus: m.controller === 'virtio-scsi' ? ('scsi' as const) : ('virtio' as const),
      device: d.passthrough ? ('lun' as const) : ('disk' as const),
      source: d.source,
      sourceText:
        d.source.kind === 'volume' ? `pool ${sourcePath(d.source)}` : sourcePath(d.source),
      alias: `${VW_ALIAS_PREFIX}${d.target}`,
      xml: diskXml(m, d),
      disk: d,
    })),
  );
}
