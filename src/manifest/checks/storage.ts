/**
 * Storage mapping rules (seed facts §3; stable source names are checked with the schema, in
 * `schema-errors.ts`): passthrough only on
 * virtio-scsi and only of LUNs, at most 28 virtio-blk disks per guest over all its mappings,
 * each target and each source once per guest, and a source used by two guests only when both
 * mappings say `shareable` (with host caching off).
 */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { MappedDisk, StorageMapping } from '../../model/desired.js';
import type { Collected, Entry, Names } from '../collected.js';
import { diag, quote } from '../diagnostics.js';
import type { DocPath } from '../locate.js';
import { sourceKey } from '../normalize/storage.js';
import { didYouMean } from '../suggest.js';
import type { WrittenStorageSpec } from '../written.js';

export const MAX_VIRTIO_BLK_DISKS = 28;

interface DiskUse {
  readonly mapping: Entry<StorageMapping, WrittenStorageSpec>;
  readonly disk: MappedDisk;
  readonly index: number;
  readonly at: SourceSpan;
}

const diskPath = (i: number, ...rest: string[]): DocPath => ['spec', 'disks', i, ...rest];

function checkDisk(
  entry: Entry<StorageMapping, WrittenStorageSpec>,
  disk: MappedDisk,
  i: number,
): Diagnostic[] {
  const { value: mapping, written, locator } = entry;
  const out: Diagnostic[] = [];
  const source = disk.source;
  if (disk.passthrough && mapping.controller !== 'virtio-scsi') {
    out.push(
      diag(
        'passthroughNeedsScsi',
        `disk ${quote(disk.target)} is passthrough but the controller is ${mapping.controller}`,
        locator.span(diskPath(i, 'passthrough')),
        {
          hint: 'set controller: virtio-scsi (passthrough sends SCSI commands to the LUN)',
        },
      ),
    );
  }
  if (disk.passthrough && source.kind === 'volume') {
    out.push(
      diag(
        'passthroughNotLun',
        `disk ${quote(disk.target)} passes a pool volume through; only LUNs can be`,
        locator.span(diskPath(i, 'passthrough')),
        {
          hint: 'map the LUN by byId or byPath, or drop passthrough',
        },
      ),
    );
  }
  const writtenDisk = written.disks[i];
  const cacheWritten = writtenDisk?.cache !== undefined || written.cache !== undefined;
  if (disk.shareable && disk.cache !== 'none' && cacheWritten) {
    out.push(
      diag(
        'shareableCache',
        `shareable disk ${quote(disk.target)} uses cache ${disk.cache}`,
        locator.span(writtenDisk?.cache !== undefined ? diskPath(i, 'cache') : ['spec', 'cache']),
        {
          hint: 'shared disks need cache: none, else data written by one guest can be lost or corrupted',
        },
      ),
    );
  }
  return out;
}

export function checkStorage(collected: Collected, names: Names): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byGuest = new Map<string, DiskUse[]>();
  const bySource = new Map<string, DiskUse>();
  for (const entry of collected.storage) {
    const { value: mapping, locator } = entry;
    if (names.missing('Guest', mapping.guest)) {
      out.push(
        diag(
          'unknownGuest',
          `mapping ${quote(mapping.name)} is for guest ${quote(mapping.guest)}, which is not defined`,
          locator.span(['spec', 'guest']),
          {
            hint: didYouMean(mapping.guest, names.namesOf('Guest')),
          },
        ),
      );
    }
    const uses = byGuest.get(mapping.guest) ?? [];
    byGuest.set(mapping.guest, uses);
    mapping.disks.forEach((disk, i) => {
      out.push(...checkDisk(entry, disk, i));
      const use: DiskUse = { mapping: entry, disk, index: i, at: disk.at };
      const target = uses.find((u) => u.disk.target === disk.target);
      if (target !== undefined) {
        out.push(
          diag(
            'duplicateTarget',
            `target ${quote(disk.target)} is used twice for guest ${quote(mapping.guest)}`,
            use.at,
            {
              related: [{ message: 'first used here', at: target.at }],
            },
          ),
        );
      }
      const key = sourceKey(disk.source);
      const sameSource = uses.find((u) => sourceKey(u.disk.source) === key);
      const sourceAt = (): SourceSpan => locator.span(diskPath(i, 'source'), 'key');
      if (sameSource !== undefined) {
        out.push(
          diag(
            'sameSourceTwice',
            `${quote(key)} is mapped twice into guest ${quote(mapping.guest)}`,
            sourceAt(),
            {
              related: [{ message: 'first mapped here', at: sameSource.at }],
            },
          ),
        );
      }
      const other = bySource.get(key);
      if (other === undefined) bySource.set(key, use);
      else if (
        other.mapping.value.guest !== mapping.guest &&
        !(other.disk.shareable && disk.shareable)
      ) {
        out.push(
          diag(
            'sharedWithoutShareable',
            `${quote(key)} is mapped to guests ${quote(other.mapping.value.guest)} and ${quote(mapping.guest)} without shareable on both`,
            sourceAt(),
            {
              hint: 'set shareable: true (and cache: none) on both mappings, or map it to one guest',
              related: [
                { message: `mapped to ${quote(other.mapping.value.guest)} here`, at: other.at },
              ],
            },
          ),
        );
      }
      uses.push(use);
    });
  }
  for (const [guest, uses] of byGuest) {
    const blk = uses.filter((u) => u.mapping.value.controller === 'virtio-blk');
    const over = blk[MAX_VIRTIO_BLK_DISKS];
    if (over !== undefined) {
      out.push(
        diag(
          'tooManyVirtioBlk',
          `guest ${quote(guest)} has ${blk.length} virtio-blk disks over its mappings; at most ${MAX_VIRTIO_BLK_DISKS} fit`,
          over.at,
          {
            hint: 'virtio-blk uses one PCI slot per disk: map the rest with controller: virtio-scsi',
          },
        ),
      );
    }
  }
  return out;
}
