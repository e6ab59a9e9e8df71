import { describe, expect, it } from '@jest/globals';
import { diskSpec } from '../../../src/common/mapped-disks.js';
import { diskXml, volumeXml } from '../../../src/providers/libvirt/disk-render.js';
import type { DiskSource, MappedDisk, StorageMapping } from '../../../src/model/desired.js';
import {
  adaptDisks,
  mappedVolumes,
  SGIO_UNFILTERED_REJECTED_FROM,
} from '../../../src/providers/libvirt/host-disks.js';
import { at } from '../reconcile/builders.js';

const disk = (source: DiskSource, target: string, passthrough = false): MappedDisk => ({
  source,
  target,
  passthrough,
  readOnly: false,
  cache: 'none',
  shareable: false,
  at,
});
const mapping = (disks: MappedDisk[]): StorageMapping => ({
  name: 'm',
  guest: 'g',
  controller: 'virtio-scsi',
  disks,
  at,
});
const xmlOf = (d: MappedDisk): string => diskXml(diskSpec(mapping([d]), d));

const data = disk({ kind: 'volume', pool: 'guests', name: 'data.qcow2' }, 'sdb');
const lun = disk({ kind: 'byId', id: 'scsi-3600a0b80' }, 'sdc', true);
const v9 = { libVersion: 9_000_000, volumeFormats: new Map([['guests/data.qcow2', 'qcow2']]) };

describe('mapped disks as the host takes them', () => {
  it('presents an existing volume in the format the host reports, not as raw', () => {
    expect(xmlOf(data)).toContain("type='raw'");
    const out = adaptDisks(xmlOf(data), v9);
    expect(out).toMatch(/<driver name="qemu" type="qcow2" cache="none"\/>/);
    expect(out).not.toContain('raw');
  });

  it("keeps the planner's format for a volume the host does not have yet", () => {
    const out = adaptDisks(xmlOf(data), { libVersion: 9_000_000, volumeFormats: new Map() });
    expect(out).toContain('type="raw"');
  });

  it('gives a LUN rawio on libvirt 9.0 and later, sgio=unfiltered before', () => {
    expect(xmlOf(lun)).not.toContain('sgio');
    const now = adaptDisks(xmlOf(lun), v9);
    expect(now).toContain('device="lun"');
    expect(now).toContain('rawio="yes"');
    expect(now).not.toContain('sgio');
    const before = adaptDisks(xmlOf(lun), {
      libVersion: SGIO_UNFILTERED_REJECTED_FROM - 1,
      volumeFormats: new Map(),
    });
    expect(before).toContain('sgio="unfiltered"');
    expect(before).not.toContain('rawio');
  });

  it("adapts virtwarden's disks inside a whole definition and leaves the guest's own alone", () => {
    const own =
      "<disk type='volume' device='lun' sgio='unfiltered'><source pool='guests' volume='data.qcow2'/><target dev='sda' bus='scsi'/></disk>";
    const domain = `<domain type='kvm'><name>g</name><devices>${own}${xmlOf(data)}${xmlOf(lun)}</devices></domain>`;
    const out = adaptDisks(domain, v9);
    expect(out).toContain(`sgio="unfiltered"><source pool="guests" volume="data.qcow2"/>`);
    expect(out.match(/rawio="yes"/g)).toHaveLength(1);
    expect(out.match(/type="qcow2"/g)).toHaveLength(1);
    expect(mappedVolumes(domain)).toEqual(['guests/data.qcow2']);
  });
});

describe('disk and volume XML', () => {
  it('escapes every name it writes, and renders an overlay with its backing store', () => {
    const odd = disk({ kind: 'volume', pool: "p'o<ol", name: 'a&b' }, 'sdd');
    expect(xmlOf(odd)).toContain("<source pool='p&apos;o&lt;ol' volume='a&amp;b'/>");
    expect(
      volumeXml('db1-boot', {
        capacityBytes: 4096,
        format: 'qcow2',
        backing: { path: '/p/gold', format: 'qcow2' },
      }),
    ).toBe(
      "<volume><name>db1-boot</name><capacity unit='bytes'>4096</capacity><target><format type='qcow2'/></target><backingStore><path>/p/gold</path><format type='qcow2'/></backingStore></volume>",
    );
  });
});
