/** The libvirt `<volume>` document for a mapped volume virtwarden creates (pure). */
import type { DiskSource } from '../model/desired.js';
import type { ObservedVolume } from '../model/observed.js';

const GIB = 1024 ** 3;
const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A copy-on-write qcow2 overlay of the golden image when there is one (only changed blocks are
 * stored: rapid provisioning), else a plain raw volume of the given size.
 */
export function volumeXml(
  source: Extract<DiskSource, { kind: 'volume' }>,
  golden: ObservedVolume | undefined,
): string {
  const capacity =
    source.capacityGiB !== undefined ? source.capacityGiB * GIB : (golden?.capacityBytes ?? 0);
  const backing = golden
    ? `<backingStore><path>${esc(golden.path)}</path><format type='${golden.format ?? 'raw'}'/></backingStore>`
    : '';
  return (
    `<volume><name>${esc(source.name)}</name><capacity unit='bytes'>${capacity}</capacity>` +
    `<target><format type='${golden ? 'qcow2' : 'raw'}'/></target>${backing}</volume>`
  );
}

export const gib = (bytes: number): string =>
  `${(bytes / GIB).toFixed(bytes % GIB === 0 ? 0 : 1)} GiB`;
export const GIB_BYTES = GIB;
