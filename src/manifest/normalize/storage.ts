/**
 * A written StorageMapping into the model. A source written as a full path
 * (`byId: /dev/disk/by-id/X`) becomes its bare name, so one source has one identity however it
 * is written; disk settings inherit the mapping's.
 */
import type { DiskCache, DiskSource, MappedDisk, StorageMapping } from '../../model/desired.js';
import type { WrittenDiskSource, WrittenStorageMapping } from '../written.js';
import type { NormalizeContext } from './context.js';

const strip = (value: string, prefix: string): string =>
  value.startsWith(prefix) ? value.slice(prefix.length) : value;

export function normalizeSource(s: WrittenDiskSource): DiskSource {
  if (s.byId !== undefined) return { kind: 'byId', id: strip(s.byId, '/dev/disk/by-id/') };
  if (s.byPath !== undefined)
    return { kind: 'byPath', path: strip(s.byPath, '/dev/disk/by-path/') };
  if (s.dmp !== undefined) return { kind: 'dmp', name: strip(s.dmp, '/dev/vx/dmp/') };
  const v = s.volume ?? { pool: '', name: '' };
  return {
    kind: 'volume',
    pool: v.pool,
    name: v.name,
    ...(v.capacityGiB === undefined ? {} : { capacityGiB: v.capacityGiB }),
    ...(v.backingVolume === undefined ? {} : { backingVolume: v.backingVolume }),
  };
}

/** The host path (or pool/volume) a source stands for: one identity per source. */
export function sourceKey(source: DiskSource): string {
  switch (source.kind) {
    case 'byId':
      return `/dev/disk/by-id/${source.id}`;
    case 'byPath':
      return `/dev/disk/by-path/${source.path}`;
    case 'dmp':
      return `/dev/vx/dmp/${source.name}`;
    case 'volume':
      return `volume ${source.pool}/${source.name}`;
  }
}

export function normalizeStorage(
  doc: WrittenStorageMapping,
  ctx: NormalizeContext,
): StorageMapping {
  const s = doc.spec;
  const disks = s.disks.map((d, i): MappedDisk => {
    const shareable = d.shareable ?? s.shareable ?? false;
    const passthrough = d.passthrough ?? false;
    const cache: DiskCache = d.cache ?? s.cache ?? (shareable || passthrough ? 'none' : 'default');
    return {
      source: normalizeSource(d.source),
      target: d.target,
      passthrough,
      readOnly: d.readOnly ?? s.readOnly ?? false,
      cache,
      shareable,
      at: ctx.locator.span(['spec', 'disks', i, 'target']),
    };
  });
  return {
    name: doc.metadata.name,
    guest: s.guest,
    controller: s.controller ?? 'virtio-blk',
    disks,
    at: ctx.locator.span(['metadata', 'name']),
  };
}
