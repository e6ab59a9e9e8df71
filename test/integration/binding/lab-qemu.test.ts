/**
 * The native binding against real lab hosts (private libvirtd daemons) with real QEMU/TCG
 * guests: lifecycle, devices with their events, live migration that keeps the guest running,
 * crash and host-loss detection.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab, type LabHost } from '../../lab/index.js';
import {
  LibvirtError,
  openConnection,
  type LibvirtConnection,
} from '../../../src/providers/libvirt/binding.js';
import {
  DEVICE_FLAGS,
  JOB_OPERATIONS,
  MIGRATE_FLAGS,
} from '../../../src/providers/libvirt/binding-constants.js';
import type { LibvirtEvent, RebootEvent } from '../../../src/providers/libvirt/binding-types.js';

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
let c1: LibvirtConnection;
let c2: LibvirtConnection;
const events: { at: number; e: LibvirtEvent; host: string }[] = [];

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'binding' });
  [h1, h2] = [lab.host('h1'), lab.host('h2')];
  c1 = await openConnection(h1.qemuUri);
  c2 = await openConnection(h2.qemuUri);
  for (const [c, host] of [
    [c1, 'h1'],
    [c2, 'h2'],
  ] as const) {
    c.on('event', (e) => events.push({ at: Date.now(), e, host }));
    await c.subscribe();
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([c1.close(), c2.close()]);
  await lab.destroy();
});

describe('binding on lab hosts with real TCG guests', () => {
  it('reports each host its own UUID', async () => {
    expect(await c1.hostUuid()).toBe(h1.hostUuid);
    expect(await c2.hostUuid()).toBe(h2.hostUuid);
  });

  it('starts a tiny guest; graceful shutdown is ignored by it, destroy works', async () => {
    await c1.defineXml(lab.guestXml('life'));
    await c1.start('life');
    await lab.waitForUptime('life', 1, 20_000);
    expect(await c1.getState('life')).toMatchObject({ state: 'running', reason: 'booted' });
    await c1.shutdown('life');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await c1.getState('life')).state).toBe('running');
    await c1.destroy('life');
    expect(await c1.getState('life')).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    await c1.undefine('life');
  }, 60_000);

  it('attaches and detaches a SCSI disk live and persistently, with device events', async () => {
    await c1.defineXml(lab.guestXml('disks'));
    await c1.start('disks');
    const file = await lab.makeDiskFile('disks-sdb', 16);
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='sdb' bus='scsi'/><alias name='ua-vw-sdb'/></disk>`;
    const mark = events.length;
    await c1.attachDevice('disks', disk, DEVICE_FLAGS.live | DEVICE_FLAGS.config);
    await waitFor('device-added', () =>
      events.slice(mark).find((x) => x.e.type === 'device-added' && x.e.domain === 'disks'),
    );
    expect(await c1.domainXml('disks')).toContain("dev='sdb'");
    expect(await c1.domainXml('disks', 2)).toContain("dev='sdb'");
    await c1.detachDevice('disks', disk, DEVICE_FLAGS.live | DEVICE_FLAGS.config);
    await waitFor('device-removed', () =>
      events.slice(mark).find((x) => x.e.type === 'device-removed' && x.e.domain === 'disks'),
    );
    expect(await c1.domainXml('disks')).not.toContain("dev='sdb'");
    expect(await c1.domainXml('disks', 2)).not.toContain("dev='sdb'");
    await c1.destroy('disks');
    await c1.undefine('disks');
  }, 60_000);

  it('live-migrates a running guest and back; its uptime counter keeps increasing, one boot', async () => {
    await c1.defineXml(lab.guestXml('mig'));
    await c1.start('mig');
    const uuid = (await c1.getDomain('mig')).uuid;
    const before = await lab.waitForUptime('mig', 2, 20_000);
    const mark = events.length;
    const t0 = Date.now();
    // Managed by this client through both connections, data over loopback in h2's port range.
    await c1.migrate3({ uuid }, c2, {
      flags:
        MIGRATE_FLAGS.live |
        MIGRATE_FLAGS.persistDest |
        MIGRATE_FLAGS.undefineSource |
        MIGRATE_FLAGS.abortOnError,
      migrateUri: `tcp://127.0.0.1:${String(h2.migrationPorts.min)}`,
      listenAddress: '127.0.0.1',
      bandwidth: 1000,
      maxDowntimeMs: 300,
    });
    const direct = Date.now() - t0;
    expect(await c2.getDomain({ uuid })).toMatchObject({
      name: 'mig',
      state: 'running',
      reason: 'migrated',
      persistent: true,
    });
    expect((await c1.listAllDomains()).some((d) => d.name === 'mig')).toBe(false);
    // The source reports the finished job with QEMU's statistics.
    const done = await waitFor('job-completed on h1', () =>
      events
        .slice(mark)
        .find((x) => x.host === 'h1' && x.e.type === 'job-completed' && x.e.domain === 'mig'),
    );
    const stats = done.e.type === 'job-completed' ? done.e.stats : {};
    expect(stats.operation).toBe(JOB_OPERATIONS.indexOf('migration-out'));
    expect(typeof stats.downtime).toBe('number');
    const named = (host: string, ev: string): string[] =>
      events
        .slice(mark)
        .filter(
          (x) => x.host === host && x.e.type === ev && 'domain' in x.e && x.e.domain === 'mig',
        )
        .map((x) => (x.e.type === 'lifecycle' ? `${x.e.event}/${x.e.detail}` : x.e.type));
    await waitFor('resumed/migrated on h2', () =>
      named('h2', 'lifecycle').includes('resumed/migrated') ? true : undefined,
    );
    expect(named('h1', 'lifecycle')).toContain('stopped/migrated');
    expect(named('h2', 'lifecycle')).toContain('started/migrated');
    await lab.waitForUptime('mig', before + 2, 20_000);
    // Back again peer-to-peer and tunnelled: h2's daemon talks to h1's, no data port at all.
    const t1 = Date.now();
    await c2.migrateToUri3('mig', h1.qemuUri, {
      flags:
        MIGRATE_FLAGS.live |
        MIGRATE_FLAGS.peerToPeer |
        MIGRATE_FLAGS.tunnelled |
        MIGRATE_FLAGS.persistDest |
        MIGRATE_FLAGS.undefineSource,
      maxDowntimeMs: 300,
    });
    const p2p = Date.now() - t1;
    expect((await c1.getState('mig')).state).toBe('running');
    const after = await lab.waitForUptime('mig', before + 4, 20_000);
    expect(after).toBeGreaterThan(before);
    expect(await lab.bootCount('mig')).toBe(1);
    process.stdout.write(
      `live migration: direct ${String(direct)} ms, p2p tunnelled ${String(p2p)} ms\n`,
    );
    await c1.destroy('mig');
    await c1.undefine('mig');
  }, 90_000);

  it('watches and aborts a slow migration; the guest keeps running on the source', async () => {
    await c1.defineXml(lab.guestXml('slow', { memoryMiB: 64, fillMiB: 48 }));
    await c1.start('slow');
    await lab.waitForUptime('slow', 1, 20_000);
    const migration = c1
      .migrateToUri3('slow', h2.qemuUri, {
        flags: MIGRATE_FLAGS.live | MIGRATE_FLAGS.peerToPeer | MIGRATE_FLAGS.tunnelled,
        bandwidth: 1, // MiB/s: about 48 s for the 48 MiB the guest filled
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // Other calls go on while a worker thread waits in the migration.
    const job = await waitFor('an active migration job', async () => {
      const s = await c1.jobStats('slow');
      return s.type === 'unbounded' ? s : undefined;
    });
    expect(job.stats).toMatchObject({ operation: JOB_OPERATIONS.indexOf('migration-out') });
    await c1.abortJob('slow');
    const err = await migration;
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_OPERATION_ABORTED');
    expect(await c1.getState('slow')).toMatchObject({ state: 'running' });
    expect((await c2.listAllDomains()).some((d) => d.name === 'slow')).toBe(false);
    const uptime = (await lab.readUptime('slow')) ?? 0;
    await lab.waitForUptime('slow', uptime + 1, 20_000);
    expect(await lab.bootCount('slow')).toBe(1);
    await c1.destroy('slow');
    await c1.undefine('slow');
  }, 90_000);

  it('sees a hard reset as a reboot event and a second boot', async () => {
    await c1.defineXml(lab.guestXml('reset'));
    await c1.start('reset');
    await lab.waitForUptime('reset', 1, 20_000);
    const reboots: string[] = [];
    const onReboot = (e: RebootEvent): void => {
      reboots.push(e.domain);
    };
    c1.on('reboot', onReboot);
    try {
      await c1.reset('reset');
      await waitFor('reboot event', () => (reboots.includes('reset') ? true : undefined));
      await waitFor(
        'second boot',
        async () => ((await lab.bootCount('reset')) === 2 ? true : undefined),
        20_000,
      );
    } finally {
      c1.off('reboot', onReboot);
    }
    await c1.destroy('reset');
    await c1.undefine('reset');
  }, 60_000);

  it('sees a QEMU killed with SIGKILL as stopped/failed: within 100 ms, or one libvirt reap poll later', async () => {
    await c1.defineXml(lab.guestXml('crash'));
    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      await c1.start('crash');
      await lab.waitForUptime('crash', 1, 20_000);
      const pid = h1.qemuPid('crash');
      expect(pid).toBeDefined();
      const mark = events.length;
      const killedAt = Date.now();
      process.kill(pid ?? 0, 'SIGKILL');
      const ev = await waitFor('stopped/failed', () =>
        events
          .slice(mark)
          .find(
            (x) => x.e.type === 'lifecycle' && x.e.domain === 'crash' && x.e.event === 'stopped',
          ),
      );
      latencies.push(ev.at - killedAt);
      expect(ev.e.type === 'lifecycle' && ev.e.detail).toBe('failed');
      expect(await c1.getState('crash')).toMatchObject({ state: 'shutoff', reason: 'crashed' });
    }
    // libvirt sees the monitor close, then polls every 200 ms until the dead QEMU is reaped
    // (virProcessKillPainfully), racing the lab's subreaper; the binding itself adds a few ms.
    process.stdout.write(`crash → lifecycle event: ${latencies.join(', ')} ms\n`);
    expect(Math.min(...latencies)).toBeLessThan(100);
    expect(Math.max(...latencies)).toBeLessThan(450);
    await c1.undefine('crash');
  }, 90_000);

  it('reports a killed libvirtd through the close callback (eof)', async () => {
    const lab2 = await startLab({ hosts: 1, name: 'binding-eof' });
    try {
      const c = await openConnection(lab2.host('h1').qemuUri);
      const closed = new Promise<string>((resolve) => c.on('close', resolve));
      await c.subscribe();
      process.kill(lab2.host('h1').libvirtdPid(), 'SIGKILL');
      expect(await closed).toBe('eof');
      expect(c.isAlive()).toBe(false);
      await c.close();
    } finally {
      await lab2.destroy();
    }
  }, 60_000);

  it('reports a frozen libvirtd through keepalive', async () => {
    const lab3 = await startLab({ hosts: 1, name: 'binding-ka' });
    const host = lab3.host('h1');
    try {
      const c = await openConnection(host.qemuUri);
      await c.setKeepAlive(1, 2);
      const closed = new Promise<string>((resolve) => c.on('close', resolve));
      await c.subscribe();
      const t0 = Date.now();
      host.freeze();
      expect(await closed).toBe('keepalive');
      const took = Date.now() - t0;
      process.stdout.write(`frozen daemon → keepalive close: ${took} ms\n`);
      expect(took).toBeLessThan(10_000);
      host.thaw();
      await c.close();
    } finally {
      host.thaw();
      await lab3.destroy();
    }
  }, 60_000);
});
