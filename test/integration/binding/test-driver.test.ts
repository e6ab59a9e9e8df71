/**
 * The native binding against libvirt's in-process test driver (test:///default: a running
 * domain `test`, a pool `default-pool`, four node devices).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  libvirtCallCount,
  libvirtVersion,
  openConnection,
  type LibvirtConnection,
} from '../../../src/providers/libvirt/binding.js';
import { AFFECT, METADATA_TYPES } from '../../../src/providers/libvirt/binding-constants.js';
import type { LibvirtEvent } from '../../../src/providers/libvirt/binding-types.js';
import { LibvirtError } from '../../../src/providers/libvirt/libvirt-error.js';

const NS = 'https://virtwarden.dev/xmlns/owner/1';
const xml = (name: string, uuid: string): string =>
  `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory>` +
  `<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;

let conn: LibvirtConnection;
beforeAll(async () => {
  conn = await openConnection('test:///default');
});
afterAll(async () => {
  await conn.close();
});

describe('binding on the test driver', () => {
  it('opens a connection and reports the host and versions', async () => {
    expect(conn.isAlive()).toBe(true);
    expect(libvirtVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(await conn.libVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(typeof (await conn.hostname())).toBe('string');
    expect(await conn.capabilities()).toContain('<capabilities>');
    expect((await conn.nodeInfo()).cpus).toBeGreaterThan(0);
  });

  it('lists every domain in bulk with its state and reason', async () => {
    const rows = await conn.listAllDomains();
    expect(rows.find((r) => r.name === 'test')).toMatchObject({
      state: 'running',
      persistent: true,
    });
  });

  it('defines, starts, suspends, resumes, managed-saves, destroys and undefines a domain', async () => {
    await conn.defineXml(xml('vw1', '5c1f0b0e-7a57-4f6e-8d7e-000000000001'));
    expect((await conn.getState('vw1')).state).toBe('shutoff');
    await conn.start('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'running', reason: 'booted' });
    await conn.suspend('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'paused', reason: 'user' });
    await conn.resume('vw1');
    await conn.managedSave('vw1');
    const saved = (await conn.listAllDomains()).find((r) => r.name === 'vw1');
    expect(saved).toMatchObject({ state: 'shutoff', managedSave: true });
    await conn.start('vw1');
    await conn.destroy('vw1');
    expect((await conn.getState('vw1')).reason).toBe('destroyed');
    await conn.undefine('vw1');
    expect((await conn.listAllDomains()).some((r) => r.name === 'vw1')).toBe(false);
  });

  it('round-trips namespaced metadata (where virtwarden records ownership)', async () => {
    await conn.defineXml(xml('vw2', '5c1f0b0e-7a57-4f6e-8d7e-000000000002'));
    expect(await conn.getMetadata('vw2', METADATA_TYPES.element, NS, AFFECT.config)).toBeNull();
    await conn.setMetadata(
      'vw2',
      METADATA_TYPES.element,
      '<owner guest="db1"/>',
      'vw',
      NS,
      AFFECT.config,
    );
    expect(await conn.getMetadata('vw2', METADATA_TYPES.element, NS, AFFECT.config)).toBe(
      '<owner guest="db1"/>',
    );
    expect(await conn.domainXml('vw2')).toContain(
      '<vw:owner xmlns:vw="https://virtwarden.dev/xmlns/owner/1" guest="db1"/>',
    );
    await conn.undefine('vw2');
  });

  it('delivers lifecycle events with their names', async () => {
    const seen: string[] = [];
    const listener = (e: LibvirtEvent): void => {
      if (e.type === 'lifecycle' && e.domain === 'vw3') seen.push(`${e.event}/${e.detail}`);
    };
    conn.on('event', listener);
    await conn.subscribe();
    await conn.defineXml(xml('vw3', '5c1f0b0e-7a57-4f6e-8d7e-000000000003'));
    await conn.start('vw3');
    await conn.destroy('vw3');
    await conn.undefine('vw3');
    const t0 = Date.now();
    while (seen.length < 4 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    conn.off('event', listener);
    expect(seen).toEqual([
      'defined/added',
      'started/booted',
      'stopped/destroyed',
      'undefined/removed',
    ]);
  });

  it('creates a copy-on-write volume backed by a golden image, reads it, and deletes it', async () => {
    const pools = await conn.listStoragePools();
    expect(pools.map((p) => p.name)).toContain('default-pool');
    await conn.createVolume(
      'default-pool',
      "<volume><name>gold.qcow2</name><capacity unit='G'>2</capacity><target><format type='qcow2'/></target></volume>",
    );
    const path = await conn.createVolume(
      'default-pool',
      "<volume><name>db1-boot.qcow2</name><capacity unit='G'>4</capacity><target><format type='qcow2'/></target>" +
        "<backingStore><path>/default-pool/gold.qcow2</path><format type='qcow2'/></backingStore></volume>",
    );
    expect(path).toBe('/default-pool/db1-boot.qcow2');
    const vols = await conn.listVolumes('default-pool');
    expect(vols.find((v) => v.name === 'db1-boot.qcow2')?.capacity).toBe(4 * 1024 ** 3);
    expect(await conn.volumeXml('default-pool', 'db1-boot.qcow2')).toContain(
      '/default-pool/gold.qcow2',
    );
    await conn.deleteVolume('default-pool', 'db1-boot.qcow2');
    await conn.deleteVolume('default-pool', 'gold.qcow2');
    expect((await conn.listVolumes('default-pool')).length).toBe(0);
  });

  it('lists node devices and reads their XML', async () => {
    const devices = await conn.listNodeDevices();
    expect(devices).toContain('computer');
    expect(await conn.nodeDeviceXml('computer')).toContain('<device>');
  });

  it('turns libvirt errors into LibvirtError with the right code', async () => {
    const missing = await conn.getState('no-such-domain').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LibvirtError);
    expect((missing as LibvirtError).codeName).toBe('VIR_ERR_NO_DOMAIN');
    const bad = await openConnection('qemu+unix:///system?socket=/nonexistent/sock').catch(
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(LibvirtError);
    expect((bad as LibvirtError).codeName).toBe('VIR_ERR_SYSTEM_ERROR');
    expect((bad as LibvirtError).domainName).toBe('VIR_FROM_RPC');
    expect((bad as LibvirtError).errorClass).toBe('transient');
  });

  it('counts the libvirt calls it makes', async () => {
    const before = libvirtCallCount();
    await conn.listAllDomains();
    expect(libvirtCallCount() - before).toBe(4);
  });

  it('a closed connection rejects calls instead of crashing', async () => {
    const c = await openConnection('test:///default');
    await c.close();
    expect(c.isAlive()).toBe(false);
    await expect(c.listAllDomains()).rejects.toThrow('connection is closed');
  });

  it('prints nothing to stderr on libvirt errors, and 100,000 calls leave memory flat', () => {
    const script = fileURLToPath(new URL('./leak-check.cjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '100000'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as { calls: number; growthMiB: number };
    process.stdout.write(
      `binding leak check: ${result.calls} calls, RSS growth ${result.growthMiB.toFixed(1)} MiB\n`,
    );
    expect(result.calls).toBe(100_000);
    expect(result.growthMiB).toBeLessThan(8);
  });
});
