/**
 * Storage mappings end to end on lab hosts with real TCG guests: a copy-on-write overlay of a
 * golden image is created in a pool and hot-plugged on virtio-scsi (live and persistent: still
 * there after a restart), then unplugged; growing a virtio-blk disk is planned as restart-needed;
 * `verify` fails for a by-path source one host has and the other has not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { openConnection, type LibvirtConnection } from '../../src/providers/libvirt/binding.js';
import type { LibvirtEvent } from '../../src/providers/libvirt/binding-types.js';
import { startLab, type Lab } from '../lab/index.js';
import { captureIo } from '../helpers/cli-io.js';
import { siteYaml } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
let c1: LibvirtConnection;
let c2: LibvirtConnection;
const events: LibvirtEvent[] = [];

const guest = (name: string, hosts: string[]): string =>
  `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${name} }\nspec:\n  site: lab\n  definition: { file: guests/${name}.xml }\n  placement: { hosts: [${hosts.join(', ')}] }\n  timing: { stopTimeoutSeconds: 1 }\n`;

const mapping = (name: string, guestName: string, controller: string, disks: string): string =>
  `apiVersion: virtwarden/v1\nkind: StorageMapping\nmetadata: { name: ${name} }\nspec:\n  guest: ${guestName}\n  controller: ${controller}\n  disks:\n${disks}`;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' } });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function planIds(extra: string[] = []): Promise<string[]> {
  const r = await cli(['plan', md.dir, '-o', 'json', ...extra]);
  return (JSON.parse(r.out) as { actions: { id: string }[] }).actions.map((a) => a.id).sort();
}

beforeAll(async () => {
  md = await manifestDir();
  lab = await startLab({ hosts: 2, name: 'e2e-storage' });
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  const poolDir = path.join(lab.dir, 'pool');
  await mkdir(poolDir, { recursive: true });
  c1 = await openConnection(lab.host('h1').qemuUri);
  c2 = await openConnection(lab.host('h2').qemuUri);
  // One directory pool seen by both hosts (shared storage), with a golden image in it.
  for (const c of [c1, c2])
    await c.definePool(
      `<pool type='dir'><name>guests</name><target><path>${poolDir}</path></target></pool>`,
    );
  await c1.createVolume(
    'guests',
    "<volume><name>gold.qcow2</name><capacity unit='M'>64</capacity><target><format type='qcow2'/></target></volume>",
  );
  await c2.refreshPool('guests');
  c1.on('event', (e) => events.push(e));
  await c1.subscribe();
  await md.write({
    'site.yaml': siteYaml(lab),
    'guests.yaml': guest('s1', ['h1', 'h2']),
    'guests/s1.xml': lab.guestXml('s1'),
  });
  expect((await cli(['apply', md.dir, '--auto-approve'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([c1.close(), c2.close()]);
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

const overlay = `    - source: { volume: { pool: guests, name: s1-data.qcow2, capacityGiB: 1, backingVolume: gold.qcow2 } }\n      target: sdb\n`;

describe('storage mappings on lab hosts', () => {
  it('creates a golden-image overlay and hot-plugs it on virtio-scsi, live and persistent', async () => {
    await md.write({ 'storage.yaml': mapping('data', 's1', 'virtio-scsi', overlay) });
    const plan = await cli(['plan', md.dir]);
    expect(plan.out).toContain('create-volume');
    expect(plan.out).toContain('attach-disk');
    expect(plan.out).toContain('sdb  pool guests/s1-data.qcow2  (scsi, live + persistent)');
    expect(await planIds()).toEqual([
      'attach-disk:s1@h1:sdb',
      'create-volume:s1@h1:sdb',
      'define:s1@h1',
      'define:s1@h2',
    ]);
    const mark = events.length;
    const r = await cli(['apply', md.dir, '--auto-approve']);
    expect(r.code).toBe(0);
    expect(events.slice(mark).some((e) => e.type === 'device-added' && e.domain === 's1')).toBe(
      true,
    );
    expect(await c1.domainXml('s1')).toContain("volume='s1-data.qcow2'");
    expect(await c1.domainXml('s1', 2)).toContain("volume='s1-data.qcow2'");
    expect(await c2.domainXml('s1', 2)).toContain("volume='s1-data.qcow2'");
    expect(await c1.volumeXml('guests', 's1-data.qcow2')).toContain('gold.qcow2');
    expect(await planIds()).toEqual([]);
  }, 120_000);

  it('the mapped disk is still there after the guest restarts', async () => {
    await c1.destroy('s1');
    expect((await cli(['apply', md.dir, '--auto-approve'])).code).toBe(0);
    expect((await c1.getState('s1')).state).toBe('running');
    expect(await c1.domainXml('s1')).toContain("dev='sdb'");
  }, 120_000);

  it('removing the mapping unplugs the disk, live and persistent, and keeps the volume (data)', async () => {
    await rm(path.join(md.dir, 'storage.yaml'));
    expect(await planIds()).toEqual(['define:s1@h1', 'define:s1@h2', 'detach-disk:s1@h1:sdb']);
    const mark = events.length;
    const r = await cli(['apply', md.dir, '--auto-approve']);
    expect(r.code).toBe(0);
    expect(events.slice(mark).some((e) => e.type === 'device-removed' && e.domain === 's1')).toBe(
      true,
    );
    expect(await c1.domainXml('s1')).not.toContain("dev='sdb'");
    expect(await c1.domainXml('s1', 2)).not.toContain("dev='sdb'");
    const kept = await cli(['plan', md.dir]);
    expect(kept.out).toContain('data-loss-refused');
    expect((await c1.listVolumes('guests')).map((v) => v.name)).toContain('s1-data.qcow2');
  }, 120_000);

  it('growing a virtio-blk disk is planned as restart-needed, and done only with --allow-restart', async () => {
    const blk = (gib: number): string =>
      `    - source: { volume: { pool: guests, name: s1-blk.qcow2, capacityGiB: ${gib}, backingVolume: gold.qcow2 } }\n      target: vdb\n`;
    await md.write({ 'storage.yaml': mapping('blk', 's1', 'virtio-blk', blk(1)) });
    expect((await cli(['apply', md.dir, '--auto-approve'])).code).toBe(0);
    expect(await c1.domainXml('s1')).toContain("dev='vdb'");
    await md.write({ 'storage.yaml': mapping('blk', 's1', 'virtio-blk', blk(2)) });
    const plan = await cli(['plan', md.dir]);
    expect(plan.out).toContain('growing vdb to 2 GiB (virtio-blk cannot grow online)');
    // The size is not part of the definition: only the volume grows, and the guest restarts.
    expect(await planIds()).toEqual([]);
    expect(await planIds(['--allow-restart'])).toEqual([
      'start:s1@h1',
      'stop:s1@h1',
      'update-disk:s1@h1:vdb',
    ]);
    expect((await cli(['apply', md.dir, '--auto-approve', '--allow-restart'])).code).toBe(0);
    expect((await c1.listVolumes('guests')).find((v) => v.name === 's1-blk.qcow2')?.capacity).toBe(
      2 * 1024 ** 3,
    );
  }, 120_000);

  it('deletes an unmapped volume virtwarden created only with --allow-data-loss', async () => {
    expect(await planIds()).toEqual([]);
    expect(await planIds(['--allow-data-loss'])).toEqual([
      'delete-volume:s1@h1:guests/s1-data.qcow2',
    ]);
    expect((await cli(['apply', md.dir, '--auto-approve', '--allow-data-loss'])).code).toBe(0);
    expect((await c1.listVolumes('guests')).map((v) => v.name)).not.toContain('s1-data.qcow2');
    expect((await c1.listVolumes('guests')).map((v) => v.name)).toContain('gold.qcow2');
  }, 120_000);

  it('verify fails when a by-path source exists on one host and not the other', async () => {
    const file = await lab.makeDiskFile('lun1', 8);
    const loop = await lab.attachLoopDevice(file);
    await lab.host('h1').addDeviceLink('by-path', 'pci-0000:00:10.0-scsi-0:0:0:1', loop);
    await md.write({
      'guests.yaml': guest('s1', ['h1', 'h2']) + '---\n' + guest('s2', ['h1', 'h2']),
      'guests/s2.xml': lab.guestXml('s2'),
      'storage.yaml': mapping(
        'lun',
        's2',
        'virtio-scsi',
        `    - source: { byPath: "pci-0000:00:10.0-scsi-0:0:0:1" }\n      target: sdc\n`,
      ),
    });
    const r = await cli(['verify', md.dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /✓ guest s2: sdc ← \/dev\/disk\/by-path\/pci-0000:00:10\.0-scsi-0:0:0:1 on h1: present/,
    );
    expect(r.out).toMatch(
      /✗ guest s2: sdc ← \/dev\/disk\/by-path\/pci-0000:00:10\.0-scsi-0:0:0:1 on h2: missing on h2/,
    );
  }, 120_000);
});
