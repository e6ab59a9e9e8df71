import { describe, expect, it } from '@jest/globals';
import {
  decodeBaseline,
  encodeBaseline,
} from '../../../src/providers/libvirt/definition-baseline.js';
import { diffDefinitions } from '../../../src/providers/libvirt/definition-diff.js';
import {
  normalizeDefinition,
  serializeNode,
} from '../../../src/providers/libvirt/definition-normal.js';
import { readDefinition } from '../../../src/providers/libvirt/definition-record.js';
import {
  OWNER_NS,
  ownershipElement,
  ownershipMetadata,
  parseOwnership,
} from '../../../src/providers/libvirt/domain-xml.js';

const owner = { guest: 'db1', definitionHash: 'sha256:abc', baseHash: 'sha256:def' };

/** A definition as libvirt 9.0 stores it (virsh dumpxml --inactive), with our stamp. */
function stored(opts: { memory?: number; stamp?: string; extraDisk?: boolean } = {}): string {
  const stamp = opts.stamp ?? ownershipElement(owner);
  return `<domain type='qemu'>
  <name>db1</name>
  <uuid>82cce8ac-8be8-436a-a34c-267dc76d469f</uuid>
  <metadata>
    <app:info xmlns:app="https://example.com/app">keep</app:info>
    ${stamp}
  </metadata>
  <memory unit='KiB'>${String(opts.memory ?? 32768)}</memory>
  <currentMemory unit='KiB'>32768</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>${
      opts.extraDisk === false
        ? ''
        : `
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/a.img'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
    </disk>`
    }
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/b.qcow2'/>
      <target dev='vdb' bus='virtio'/>
      <alias name='ua-vw-vdb'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
    </disk>
    <controller type='scsi' index='0' model='virtio-scsi'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </controller>
    <interface type='bridge'>
      <mac address='52:54:00:12:34:56'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/>
      </source>
    </hostdev>
    <serial type='pty'><target port='0'/></serial>
    <serial type='pty'><target port='1'/></serial>
  </devices>
</domain>
`;
}

describe('definition normalization', () => {
  it("leaves out libvirt's own additions and virtwarden's stamp, keeps what a person wrote", () => {
    const running = stored()
      .replace("<domain type='qemu'>", "<domain type='qemu' id='7'>")
      .replace("<model type='virtio'/>", "<model type='virtio'/><alias name='net0'/>");
    const xml = serializeNode(normalizeDefinition(running));
    expect(xml).not.toContain("id='7'");
    expect(xml).not.toContain(OWNER_NS);
    expect(xml).not.toContain("slot='0x04'");
    expect(xml).not.toContain('net0');
    expect(xml).toContain('ua-vw-vdb');
    expect(xml).toContain("bus='0x3b'"); // the host device passed through is the person's choice
    expect(xml).toContain('<app:info');
  });

  it('ignores formatting, attribute order, comments and a now empty <metadata>', () => {
    const a = `<domain type='kvm'><name>x</name><metadata>${ownershipElement(owner)}</metadata><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
    const b = `<domain type="kvm">\n  <name>x</name>\n  <!-- edited -->\n  <os>\n    <type machine="pc" arch="x86_64">hvm</type>\n  </os>\n</domain>`;
    expect(diffDefinitions(normalizeDefinition(a), normalizeDefinition(b))).toEqual([]);
  });
});

describe('definition diff', () => {
  const diff = (a: string, b: string) =>
    diffDefinitions(normalizeDefinition(a), normalizeDefinition(b));

  it('names the changed element with both values (virsh edit of the memory)', () => {
    expect(diff(stored(), stored({ memory: 65536 }))).toEqual([
      {
        path: '/domain/memory',
        applied: "<memory unit='KiB'>32768</memory>",
        now: "<memory unit='KiB'>65536</memory>",
      },
    ]);
  });

  it('reports a changed attribute on its own path', () => {
    const edited = stored().replace("<source bridge='br0'/>", "<source bridge='br1'/>");
    expect(diff(stored(), edited)).toEqual([
      { path: '/domain/devices/interface/source/@bridge', applied: 'br0', now: 'br1' },
    ]);
  });

  it('tells disks apart by their target: removing the first disk reports that disk only', () => {
    const changes = diff(stored(), stored({ extraDisk: false }));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.path).toBe("/domain/devices/disk[target/@dev='vda']");
    expect(changes[0]?.applied).toContain("<source file='/var/lib/a.img'/>");
    expect(changes[0]?.now).toBeUndefined();
  });

  it('reports a disk attribute under its keyed path, and an added element with its value', () => {
    const edited = stored()
      .replace("type='qcow2' cache='none'", "type='qcow2' cache='writeback'")
      .replace('<vcpu placement', '<title>hand made</title><vcpu placement');
    expect(diff(stored(), edited)).toEqual([
      {
        path: "/domain/devices/disk[target/@dev='vdb']/driver/@cache",
        applied: 'none',
        now: 'writeback',
      },
      { path: '/domain/title', now: '<title>hand made</title>' },
    ]);
  });

  it('matches other repeated elements by position', () => {
    const edited = stored().replace(
      "<serial type='pty'><target port='1'/></serial>",
      "<serial type='tcp'><target port='1'/></serial>",
    );
    expect(diff(stored(), edited)).toEqual([
      { path: '/domain/devices/serial[2]/@type', applied: 'pty', now: 'tcp' },
    ]);
  });
});

describe('baseline and reading a definition', () => {
  it('encodes compactly and round-trips; anything else decodes to nothing', () => {
    const xml = stored();
    const enc = encodeBaseline(xml);
    expect(decodeBaseline(enc)).toBe(xml);
    expect(enc.length).toBeLessThan(xml.length);
    expect(decodeBaseline('gz1:not-gzip')).toBeUndefined();
    expect(decodeBaseline('sha256:abc')).toBeUndefined();
    expect(decodeBaseline(undefined)).toBeUndefined();
  });

  it('reads ownership from the definition and no drift while it is as defined', () => {
    const base = stored();
    const xml = stored({ stamp: ownershipElement(owner, encodeBaseline(base)) });
    const r = readDefinition(xml);
    expect(r.owner).toEqual(owner);
    expect(r.drift).toBeUndefined();
  });

  it('reports the drift of a hand edit that kept the stamp', () => {
    const stamp = ownershipElement(owner, encodeBaseline(stored()));
    const r = readDefinition(stored({ stamp, memory: 65536 }));
    expect(r.owner).toEqual(owner);
    expect(r.drift?.map((c) => c.path)).toEqual(['/domain/memory']);
  });

  it('hands libvirt the record without a namespace of its own (virDomainSetMetadata adds it)', () => {
    const el = ownershipMetadata(owner, 'gz1:AAAA');
    expect(el).toMatch(/^<guest name="db1" /);
    expect(el).not.toContain('xmlns');
    expect(parseOwnership(el)).toEqual(owner);
  });

  it('a stamp without baseline gives ownership, marked unverifiable; a foreign element gives nothing', () => {
    expect(readDefinition(stored()).owner).toEqual(owner);
    expect(readDefinition(stored()).drift).toBeUndefined();
    // An interrupted define leaves exactly this: hand edits could not be told from it.
    expect(readDefinition(stored()).unverifiable).toBe(true);
    const foreign = stored({ stamp: '<x:guest xmlns:x="https://other.example" name="db1"/>' });
    expect(readDefinition(foreign)).toEqual({});
    expect(readDefinition('<network/>')).toEqual({});
  });
});
