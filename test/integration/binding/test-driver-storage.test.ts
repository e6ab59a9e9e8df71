/**
 * The native binding's storage and node-device calls against libvirt's in-process test driver
 * (test:///default has a running dir pool `default-pool` at /default-pool; volumes are metadata
 * only, no files are written).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LibvirtError,
  openConnection,
  type LibvirtConnection,
} from '../../../src/providers/libvirt/binding.js';

const volumeXml = (name: string, gib: number, backing?: string): string =>
  `<volume><name>${name}</name><capacity unit='G'>${String(gib)}</capacity>` +
  `<target><format type='qcow2'/></target>` +
  (backing === undefined
    ? ''
    : `<backingStore><path>${backing}</path><format type='qcow2'/></backingStore>`) +
  `</volume>`;

let conn: LibvirtConnection;
beforeAll(async () => {
  conn = await openConnection('test:///default');
});
afterAll(async () => {
  await conn.close();
});

describe('binding storage on the test driver', () => {
  it('lists pools with their flags and reports a pool’s info and XML', async () => {
    const pool = (await conn.listStoragePools()).find((p) => p.name === 'default-pool');
    expect(pool).toMatchObject({ active: true, persistent: true });
    expect(pool?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const info = await conn.poolInfo('default-pool');
    expect(info.state).toBe('running');
    expect(info.capacity).toBeGreaterThan(0);
    expect(await conn.poolXml('default-pool')).toContain('<path>/default-pool</path>');
  });

  it('defines, starts and removes a pool of its own', async () => {
    const name = await conn.definePool(
      "<pool type='dir'><name>vw-pool</name><target><path>/vw-pool</path></target></pool>",
    );
    expect(name).toBe('vw-pool');
    expect((await conn.listStoragePools()).find((p) => p.name === 'vw-pool')).toMatchObject({
      active: true,
      persistent: true,
    });
    await conn.refreshPool('vw-pool');
    await conn.destroyPool('vw-pool');
    expect((await conn.listStoragePools()).some((p) => p.name === 'vw-pool')).toBe(false);
  });

  it('creates a copy-on-write volume backed by a golden image, reads it, and deletes it', async () => {
    await conn.createVolume('default-pool', volumeXml('gold.qcow2', 2));
    const path = await conn.createVolume(
      'default-pool',
      volumeXml('db1-boot.qcow2', 4, '/default-pool/gold.qcow2'),
    );
    expect(path).toBe('/default-pool/db1-boot.qcow2');
    const listed = (await conn.listVolumes('default-pool')).find(
      (v) => v.name === 'db1-boot.qcow2',
    );
    expect(listed).toMatchObject({ path, type: 'file', capacity: 4 * 1024 ** 3 });
    expect(await conn.volumeInfo('default-pool', 'db1-boot.qcow2')).toEqual(listed);
    expect(await conn.volumeByPath(path)).toEqual({ ...listed, pool: 'default-pool' });
    expect(await conn.volumeXml('default-pool', 'db1-boot.qcow2')).toContain(
      '/default-pool/gold.qcow2',
    );
    await conn.deleteVolume('default-pool', 'db1-boot.qcow2');
    await conn.deleteVolume('default-pool', 'gold.qcow2');
    const names = (await conn.listVolumes('default-pool')).map((v) => v.name);
    expect(names).not.toContain('db1-boot.qcow2');
    expect(names).not.toContain('gold.qcow2');
  });

  it('names what is missing: pool, volume, volume path', async () => {
    const codes = await Promise.all(
      [
        conn.poolInfo('no-such-pool'),
        conn.volumeInfo('default-pool', 'no-such.qcow2'),
        conn.volumeByPath('/default-pool/no-such.qcow2'),
      ].map((p) =>
        p.then(
          () => 'resolved',
          (e: unknown) => (e instanceof LibvirtError ? e.codeName : String(e)),
        ),
      ),
    );
    expect(codes).toEqual([
      'VIR_ERR_NO_STORAGE_POOL',
      'VIR_ERR_NO_STORAGE_VOL',
      'VIR_ERR_NO_STORAGE_VOL',
    ]);
  });

  it('lists node devices and reads their XML', async () => {
    const devices = await conn.listNodeDevices();
    expect(devices).toEqual(expect.arrayContaining(['computer', 'scsi_host1', 'scsi_host2']));
    expect(await conn.nodeDeviceXml('computer')).toContain('<name>computer</name>');
    const missing = await conn.nodeDeviceXml('no-such-device').catch((e: unknown) => e);
    expect((missing as LibvirtError).codeName).toBe('VIR_ERR_NO_NODE_DEVICE');
  });
});
