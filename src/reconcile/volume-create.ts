/** What to create for a mapped volume that is missing, and sizes in words (pure). */
import type { DiskSource } from '../model/desired.js';
import type { ObservedVolume } from '../model/observed.js';
import type { VolumeCreate } from '../model/plan.js';

const GIB = 1024 ** 3;

/**
 * A copy-on-write qcow2 overlay of the golden image when there is one (only changed blocks are
 * stored: rapid provisioning), else a plain raw volume of the given size.
 */
export function volumeCreate(
  source: Extract<DiskSource, { kind: 'volume' }>,
  golden: ObservedVolume | undefined,
): VolumeCreate {
  const capacityBytes =
    source.capacityGiB !== undefined ? source.capacityGiB * GIB : (golden?.capacityBytes ?? 0);
  return golden
    ? {
        capacityBytes,
        format: 'qcow2',
        backing: { path: golden.path, format: golden.format ?? 'raw' },
      }
    : { capacityBytes, format: 'raw' };
}

export const gib = (bytes: number): string =>
  `${(bytes / GIB).toFixed(bytes % GIB === 0 ? 0 : 1)} GiB`;
export const GIB_BYTES = GIB;
