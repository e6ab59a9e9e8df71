/**
 * The lab's QEMU side: two private libvirtd hosts with their own identity, a tiny TCG guest that
 * really runs, live migration between the hosts, and the failure injections tests rely on.
 * Everything is checked with virsh, independent of virtwarden's own libvirt binding.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabCommandError, startLab, type Lab, type LabHost } from '../../lab/index.js';
import { isAlive } from '../../lab/proc.js';

let lab: Lab;
let h1: LabHost;
let h2: LabHost;

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'qemu-hosts' });
  h1 = lab.host('h1');
  h2 = lab.host('h2');
}, 60_000);

afterAll(async () => {
  await lab.destroy();
});

async function startGuest(host: LabHost, name: string): Promise<number> {
  await host.defineXml(lab.guestXml(name));
  await host.virsh(['start', name]);
  const pid = host.qemuPid(name);
  if (pid === undefined) throw new Error(`no QEMU pid for ${name} on ${host.name}`);
  return pid;
}

async function domstate(host: LabHost, name: string): Promise<string> {
  return (await host.virsh(['domstate', '--reason', name])).trim();
}

async function waitForState(host: LabHost, name: string, expected: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  let state = await domstate(host, name);
  while (state !== expected && Date.now() < deadline) {
    await sleep(50);
    state = await domstate(host, name);
  }
  return state;
}

async function waitForBoots(name: string, expected: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let boots = await lab.bootCount(name);
  while (boots < expected && Date.now() < deadline) {
    await sleep(100);
    boots = await lab.bootCount(name);
  }
  return boots;
}

function hostUuidOf(capabilities: string): string | undefined {
  return /<host>\s*<uuid>([^<]+)<\/uuid>/.exec(capabilities)?.[1];
}

describe('a two-host lab', () => {
  test('each host reports its own host UUID in virsh capabilities', async () => {
    const uuid1 = hostUuidOf(await h1.virsh(['capabilities']));
    const uuid2 = hostUuidOf(await h2.virsh(['capabilities']));
    expect(uuid1).toBe(h1.hostUuid);
    expect(uuid2).toBe(h2.hostUuid);
    expect(uuid1).not.toBe(uuid2);
  });

  test('a tiny guest boots on h1 and its uptime counter advances', async () => {
    const pid = await startGuest(h1, 'g1');
    expect(isAlive(pid)).toBe(true);
    const first = await lab.waitForUptime('g1', 1);
    const later = await lab.waitForUptime('g1', first + 1);
    expect(later).toBeGreaterThan(first);
    expect(await lab.bootCount('g1')).toBe(1);
    expect(await domstate(h1, 'g1')).toBe('running (booted)');
  });

  test('live migration to h2 keeps the guest running without a reboot', async () => {
    const before = await lab.waitForUptime('g1', 2);
    await h1.virsh([
      'migrate',
      '--live',
      '--p2p',
      '--tunnelled',
      '--persistent',
      '--undefinesource',
      'g1',
      h2.qemuUri,
    ]);
    expect(await domstate(h2, 'g1')).toBe('running (migrated)');
    expect((await h1.virsh(['list', '--all', '--name'])).split('\n')).not.toContain('g1');
    expect(h1.qemuPid('g1')).toBeUndefined();
    expect(h2.qemuPid('g1')).toBeDefined();
    expect(await lab.waitForUptime('g1', before + 2)).toBeGreaterThanOrEqual(before + 2);
    expect(await lab.bootCount('g1')).toBe(1);
  });

  test('kill -9 of the guest QEMU leaves the domain shut off (crashed)', async () => {
    const pid = h2.qemuPid('g1');
    if (pid === undefined) throw new Error('g1 has no QEMU on h2');
    process.kill(pid, 'SIGKILL');
    expect(await waitForState(h2, 'g1', 'shut off (crashed)')).toBe('shut off (crashed)');
    expect(h2.qemuPid('g1')).toBeUndefined();
  });

  test('stop() keeps guests running and restart() re-attaches them', async () => {
    const pid = await startGuest(h1, 'g2');
    const libvirtd = h1.libvirtdPid();
    await h1.stop();
    expect(isAlive(libvirtd)).toBe(false);
    await expect(h1.virsh(['list'])).rejects.toBeInstanceOf(LabCommandError);
    const uptime = await lab.waitForUptime('g2', 1);
    expect(await lab.waitForUptime('g2', uptime + 1)).toBeGreaterThan(uptime);
    expect(h1.qemuPid('g2')).toBe(pid);
    await h1.restart();
    expect(h1.libvirtdPid()).not.toBe(libvirtd);
    expect(await domstate(h1, 'g2')).toMatch(/^running/);
    expect(hostUuidOf(await h1.virsh(['capabilities']))).toBe(h1.hostUuid);
  });

  test('freeze() stalls the daemon while its guests keep running; thaw() resumes it', async () => {
    h1.freeze();
    try {
      const uptime = (await lab.readUptime('g2')) ?? 0;
      await expect(h1.virsh(['list'], { timeoutMs: 1_000 })).rejects.toBeInstanceOf(
        LabCommandError,
      );
      expect(await lab.waitForUptime('g2', uptime + 1)).toBeGreaterThan(uptime);
    } finally {
      h1.thaw();
    }
    expect(await h1.virsh(['list', '--name'])).toContain('g2');
  });

  test('crash() kills the daemon and its guests; restart() brings the host back', async () => {
    const qemu = h1.qemuPid('g2');
    const libvirtd = h1.libvirtdPid();
    expect(qemu).toBeDefined();
    await h1.crash();
    expect(isAlive(libvirtd)).toBe(false);
    expect(isAlive(qemu ?? 0)).toBe(false);
    expect(h1.isRunning()).toBe(false);
    await expect(h1.virsh(['list'])).rejects.toBeInstanceOf(LabCommandError);
    await h1.restart();
    // The persistent definition survives; the guest died with its host.
    expect(await domstate(h1, 'g2')).toMatch(/^shut off/);
    await h1.virsh(['start', 'g2']);
    // A fresh boot, not a survivor: the (appended) serial log gains a second banner.
    expect(await waitForBoots('g2', 2)).toBe(2);
    await h1.crash();
    await h1.restart({ wipeRun: true });
    expect(await domstate(h1, 'g2')).toMatch(/^shut off/);
  });
});
