/**
 * Storage correctness on a lab host with real QEMU guests (issue 10, items 8, 9, 10):
 * - an existing qcow2 volume is presented as qcow2 (defined and hot-plugged), never as raw;
 * - a LUN passthrough mapping is accepted by libvirt 9.0 (which rejects `sgio='unfiltered'`);
 * - a running guest's virtio-scsi volume grows online through QEMU, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { desiredDisks } from '../../src/common/mapped-disks.js';
import { openConnection, type LibvirtConnection } from '../../src/providers/libvirt/binding.js';
import { startLab, type Lab } from '../lab/index.js';
import { guestYaml, labSite, type LabSite } from './libvirt-lab-site.js';

let lab: Lab;
let site: LabSite;
let c: LibvirtConnection;
const MIB = 1024 ** 2;

const mapping = (name: string, guest: string, disks: string): string =>
  `apiVersion: virtwarden/v1\nkind: StorageMapping\nmetadata: { name: ${name} }\nspec:\n  guest: ${guest}\n  controller: virtio-scsi\n  disks:\n${disks}`;
const volume = (name: string, target: string, extra = ''): string =>
  `    - source: { volume: { pool: guests, name: ${name}${extra} } }\n      target: ${target}\n`;

const guests = ['qd', 'qh', 'ld', 'lh', 'gr'];

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'lv-storage' });
  c = await openConnection(lab.host('h1').qemuUri);
  const pool = path.join(lab.dir, 'pool');
  await mkdir(pool, { recursive: true });
  await c.definePool(
    `<pool type='dir'><name>guests</name><target><path>${pool}</path></target></pool>`,
  );
  // Existing qcow2 volumes, made outside virtwarden (no golden image behind them).
  for (const [name, mib] of [
    ['data1.qcow2', 64],
    ['data2.qcow2', 64],
    ['grow.qcow2', 64],
  ] as const) {
    await c.createVolume(
      'guests',
      `<volume><name>${name}</name><capacity unit='M'>${mib}</capacity><target><format type='qcow2'/></target></volume>`,
    );
  }
  const loop = await lab.attachLoopDevice(await lab.makeDiskFile('lun', 8));
  await lab.host('h1').addDeviceLink('by-id', 'scsi-vw-lun-1', loop);
  await lab.host('h1').addDeviceLink('by-id', 'scsi-vw-lun-2', loop);
  const files: Record<string, string> = {
    'guests.yaml': guests.map((g) => guestYaml(g, ['h1'])).join('---\n'),
    'storage.yaml': [
      mapping('qd', 'qd', volume('data1.qcow2', 'sdb')),
      mapping(
        'ld',
        'ld',
        `    - source: { byId: scsi-vw-lun-1 }\n      target: sdc\n      passthrough: true\n`,
      ),
      mapping('gr', 'gr', volume('grow.qcow2', 'sdd', ', capacityGiB: 1')),
    ].join('---\n'),
  };
  for (const g of guests) files[`guests/${g}.xml`] = lab.guestXml(g);
  site = await labSite(lab, files);
}, 60_000);

afterAll(async () => {
  await site.close();
  await c.close().catch(() => undefined);
  await lab.destroy();
});

const diskOf = (xml: string, target: string): string =>
  new RegExp(`<disk\\b(?:(?!</disk>)[\\s\\S])*?<target dev='${target}'[\\s\\S]*?</disk>`).exec(
    xml,
  )?.[0] ?? '';

/** Hot-plug the guest's mapped disk `target` as the planner's attach-disk action does. */
async function hotplug(guest: string, target: string): Promise<void> {
  const g = site.desired.guests.get(guest);
  const d = g ? desiredDisks(site.desired, g).find((x) => x.target === target) : undefined;
  if (!d) throw new Error(`no mapped disk ${target}`);
  await site.act('attach-disk', guest, 'h1', {
    disk: { target, bus: d.bus, source: d.sourceText, live: true, spec: d.spec },
  });
}

describe('qcow2 volumes are presented as qcow2', () => {
  it('define: the disk of an existing qcow2 volume has driver type qcow2, also once running', async () => {
    await site.act('define', 'qd', 'h1');
    expect(diskOf(await c.domainXml('qd', 2), 'sdb')).toContain("type='qcow2'");
    await site.act('start', 'qd', 'h1');
    expect(diskOf(await c.domainXml('qd'), 'sdb')).toContain("<driver name='qemu' type='qcow2'");
  }, 60_000);

  it('hot-plug: the attached disk has driver type qcow2', async () => {
    await site.act('define', 'qh', 'h1');
    await site.act('start', 'qh', 'h1');
    await site.md.write({
      'storage-qh.yaml': mapping('qh', 'qh', volume('data2.qcow2', 'sdb')),
    });
    await site.reload();
    await hotplug('qh', 'sdb');
    expect(diskOf(await c.domainXml('qh'), 'sdb')).toContain("<driver name='qemu' type='qcow2'");
  }, 60_000);
});

describe('LUN passthrough that libvirt 9.0 accepts', () => {
  it('defines a LUN mapping (device=lun with rawio, no sgio=unfiltered)', async () => {
    expect(await c.libVersion()).toBeGreaterThanOrEqual(9_000_000);
    await site.act('define', 'ld', 'h1');
    const d = diskOf(await c.domainXml('ld', 2), 'sdc');
    expect(d).toContain("device='lun'");
    expect(d).toContain("rawio='yes'");
    expect(d).not.toContain('sgio');
  }, 60_000);

  it('hot-plug passes libvirt and reaches QEMU (the sandbox has no SCSI device to succeed on)', async () => {
    await site.act('define', 'lh', 'h1');
    await site.act('start', 'lh', 'h1');
    await site.md.write({
      'storage-lh.yaml': mapping(
        'lh',
        'lh',
        `    - source: { byId: scsi-vw-lun-2 }\n      target: sdc\n      passthrough: true\n`,
      ),
    });
    await site.reload();
    // The kernel here has no SCSI layer (no scsi_debug, no tcm_loop): the only block device is
    // a loop device, which QEMU's scsi-block cannot drive. libvirt's own validation passed.
    const err = await hotplug('lh', 'sdc').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).not.toContain('unfiltered sgio');
    expect(String(err)).toContain('SG_IO');
  }, 60_000);
});

describe('online growth of a running guest disk', () => {
  it('grows a virtio-scsi volume of a running guest through QEMU, with no restart', async () => {
    await site.act('define', 'gr', 'h1');
    await site.act('start', 'gr', 'h1');
    await lab.waitForUptime('gr', 1, 20_000);
    const idBefore = (await c.getDomain('gr')).id;
    const out = await site.act('update-disk', 'gr', 'h1', {
      disk: {
        target: 'sdd',
        bus: 'scsi',
        source: 'pool guests/grow.qcow2',
        live: true,
        volume: { pool: 'guests', name: 'grow.qcow2', capacityBytes: 1024 * MIB },
      },
    });
    expect(out.message).toContain('online');
    // What the guest sees: QEMU's size of the disk.
    expect(await lab.host('h1').virsh(['domblkinfo', 'gr', 'sdd'])).toMatch(
      /Capacity:\s+1073741824/,
    );
    expect((await c.listVolumes('guests')).find((v) => v.name === 'grow.qcow2')?.capacity).toBe(
      1024 * MIB,
    );
    // Same run of the same guest: no restart.
    expect((await c.getDomain('gr')).id).toBe(idBefore);
    expect(await lab.bootCount('gr')).toBe(1);
  }, 60_000);
});
