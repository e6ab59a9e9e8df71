/**
 * The examples validate clean (no error, no warning), and load into the model with the
 * values their manifests and the documented defaults say.
 */
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests } from '../../../src/manifest/index.js';
import type { Desired } from '../../../src/model/desired.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

async function load(name: string): Promise<Desired> {
  const result = await loadManifests(path.join(EXAMPLES, name));
  expect(result.diagnostics).toEqual([]);
  if (result.desired === undefined) throw new Error(`${name} did not load`);
  return result.desired;
}

describe('examples', () => {
  it.each(['kvm-cluster', 'rhev-dr', 'storage-mapping', 'three-tier'])(
    '%s validates without any diagnostic',
    async (name) => {
      const result = await loadManifests(path.join(EXAMPLES, name));
      expect(result.diagnostics).toEqual([]);
      expect(result.desired).toBeDefined();
      expect(result.objects).toBeGreaterThan(3);
    },
  );

  it('kvm-cluster: hosts with fencing, guests with placement and defaults filled in', async () => {
    const desired = await load('kvm-cluster');
    const site = desired.sites.get('primary');
    if (site?.provider.kind !== 'libvirt') throw new Error('primary is not a libvirt site');
    expect(site.provider.hosts.map((h) => h.name)).toEqual(['kvm1', 'kvm2', 'kvm3']);
    const kvm1 = site.provider.hosts[0];
    expect(kvm1?.migrationUri).toBe('tcp://kvm1-mig.example.com');
    expect(kvm1?.fence?.off.argv[0]).toBe('fence_ipmilan');
    expect(kvm1?.fence?.off.timeoutSeconds).toBe(60);
    expect(kvm1?.fence?.status?.argv).toContain('--action=status');
    expect(site.provider.hosts[1]?.fence?.status).toBeUndefined();

    const db1 = desired.guests.get('db1');
    expect(db1?.domainName).toBe('db1-prod');
    expect(db1?.placement).toEqual({
      hosts: ['kvm1', 'kvm2', 'kvm3'],
      autoStart: ['kvm1', 'kvm2'],
      failback: true,
      failbackAfterSeconds: 300,
    });
    expect(db1?.definition?.uuid).toBe('3f0a5c2e-6d1b-4e8a-9b7c-1d2e3f4a5b01');
    expect(db1?.definition?.path).toBe(path.join(EXAMPLES, 'kvm-cluster/guests/db1.xml'));
    expect(db1?.definition?.xml).toContain("<domain type='kvm'>");
    expect(db1?.migration).toEqual({
      live: true,
      timeoutSeconds: 600,
      maxDowntimeMs: 500,
      bandwidthMiBps: 800,
      fallback: 'none',
    });

    const app1 = desired.guests.get('app1');
    expect(app1?.domainName).toBe('app1');
    expect(app1?.state).toBe('running');
    expect(app1?.placement.autoStart).toEqual(['kvm2', 'kvm3', 'kvm1']);
    expect(app1?.placement.failback).toBe(false);
    expect(app1?.timing).toEqual({ startGraceSeconds: 5, stopTimeoutSeconds: 30 });
    expect(app1?.onFailure).toEqual({ restart: { max: 2, withinSeconds: 600 }, then: 'failover' });
    expect(app1?.migration).toEqual({
      live: true,
      timeoutSeconds: 300,
      maxDowntimeMs: 300,
      fallback: 'none',
    });
    expect(app1?.maintenance).toBe(false);
    expect(app1?.definition?.uuid).toBeUndefined();
    expect(desired.guests.get('web1')?.dependsOn).toEqual(['app1', 'app2']);
    expect(db1?.at.file).toBe(path.join(EXAMPLES, 'kvm-cluster/guests.yaml'));
    expect(db1?.at.line).toBe(8);
  });

  it('rhev-dr: oVirt sites, DR plan with personalities, hooks and SPM hand-over', async () => {
    const desired = await load('rhev-dr');
    const primary = desired.sites.get('primary');
    if (primary?.provider.kind !== 'ovirt') throw new Error('primary is not an oVirt site');
    expect(primary.provider.passwordFrom).toEqual({ env: 'RHEVM_PASSWORD' });
    expect(primary.provider.caFile).toBe(path.join(EXAMPLES, 'rhev-dr/pki/rhevm-ca.pem'));
    expect(primary.provider.insecure).toBe(false);
    expect(primary.provider.manualFencing).toBe(true);
    const secondary = desired.sites.get('secondary');
    if (secondary?.provider.kind !== 'ovirt') throw new Error('secondary is not an oVirt site');
    expect(secondary.provider.passwordFrom).toEqual({ file: '/etc/virtwarden/rhevm.pass' });
    expect(secondary.provider.pollIntervalSeconds).toBe(2);

    const db1 = desired.guests.get('db1');
    expect(db1?.definition).toBeUndefined();
    expect(db1?.placement.hosts).toEqual([]);

    const dr = desired.disasterRecovery.get('finance');
    expect(dr?.sites).toEqual(['primary', 'secondary']);
    expect(dr?.activeSite).toBe('primary');
    expect(dr?.payload).toBe('both');
    expect(dr?.spmHandover).toEqual({ timeoutSeconds: 600 });
    expect(dr?.guests[0]?.network.secondary).toEqual({
      device: 'eth0',
      address: '10.20.0.21/24',
      gateway: '10.20.0.1',
      dnsServers: ['10.20.0.2'],
      dnsSearch: ['dr.example.com'],
    });
    expect(dr?.guests[1]?.network.primary?.dnsSearch).toEqual([]);
    expect(dr?.replication[0]?.promote).toEqual({
      argv: ['symrdf', '-g', 'finance', 'failover', '-noprompt'],
      timeoutSeconds: 300,
    });
  });

  it('storage-mapping: sources by kind, shared disks, overlays, cache defaults', async () => {
    const desired = await load('storage-mapping');
    const data = desired.storage.get('ora1-data');
    expect(data?.controller).toBe('virtio-scsi');
    expect(data?.disks.map((d) => d.source.kind)).toEqual([
      'byId',
      'byPath',
      'byPath',
      'dmp',
      'byId',
    ]);
    expect(data?.disks[4]).toMatchObject({ passthrough: true, cache: 'none', shareable: false });
    expect(data?.disks[0]).toMatchObject({ passthrough: false, cache: 'default', readOnly: false });
    const shared = desired.storage.get('rac-shared-ora2');
    expect(shared?.disks.every((d) => d.shareable && d.cache === 'none')).toBe(true);
    const boot = desired.storage.get('web1-boot');
    expect(boot?.controller).toBe('virtio-blk');
    expect(boot?.disks[0]?.source).toEqual({
      kind: 'volume',
      pool: 'guests',
      name: 'web1-boot.qcow2',
      capacityGiB: 20,
      backingVolume: 'gold-rhel9.qcow2',
    });
  });

  it('three-tier: a service with tiers, and dependsOn outside them', async () => {
    const desired = await load('three-tier');
    expect(desired.services.get('finance')?.tiers).toEqual([
      ['db1'],
      ['app1', 'app2'],
      ['web1', 'web2'],
    ]);
    expect(desired.guests.get('db1')?.dependsOn).toEqual(['nfs1']);
    expect(desired.guests.get('web1')?.onFailure.then).toBe('stop');
  });
});
