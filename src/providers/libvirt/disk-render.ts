/**
 * The plan's disks and volumes as libvirt XML (pure): a mapped disk's `<disk>` element and a
 * new volume's `<volume>` document. What depends on the host (an existing volume's format, the
 * LUN passthrough switch of its libvirt) is settled after, by host-disks.ts.
 */
import { sourcePath } from '../../common/mapped-disks.js';
import { escapeXml } from '../../common/xml-text.js';
import type { DiskSpec, VolumeCreate } from '../../model/plan.js';

export function diskXml(d: DiskSpec): string {
  const cache = d.cache === 'default' ? '' : ` cache='${escapeXml(d.cache)}'`;
  const src = d.source;
  const volume = src.kind === 'volume';
  const source =
    src.kind === 'volume'
      ? `<source pool='${escapeXml(src.pool)}' volume='${escapeXml(src.name)}'/>`
      : `<source dev='${escapeXml(sourcePath(src))}'/>`;
  return [
    // What lets a LUN's SCSI commands through unfiltered depends on the host's libvirt: the
    // provider adds it (sgio or rawio, host-disks.ts).
    `<disk type='${volume ? 'volume' : 'block'}' device='${d.device}'>`,
    // Block devices are raw; a volume's format is settled per host (host-disks.ts).
    `<driver name='qemu' type='${volume ? d.createFormat : 'raw'}'${cache}/>`,
    source,
    `<target dev='${escapeXml(d.target)}' bus='${d.bus}'/>`,
    d.shareable ? '<shareable/>' : '',
    d.readOnly ? '<readonly/>' : '',
    `<alias name='${escapeXml(d.alias)}'/>`,
    '</disk>',
  ].join('');
}

/** A plain raw volume, or a copy-on-write qcow2 overlay of a golden image. */
export function volumeXml(name: string, v: VolumeCreate): string {
  const backing = v.backing
    ? `<backingStore><path>${escapeXml(v.backing.path)}</path><format type='${escapeXml(v.backing.format)}'/></backingStore>`
    : '';
  return (
    `<volume><name>${escapeXml(name)}</name><capacity unit='bytes'>${String(v.capacityBytes)}</capacity>` +
    `<target><format type='${v.format}'/></target>${backing}</volume>`
  );
}
