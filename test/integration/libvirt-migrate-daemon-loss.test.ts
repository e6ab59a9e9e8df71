/**
 * A libvirtd killed with SIGKILL under a running call (issue 10 item 24, libvirt part): what the
 * dying connection reports is transient, to be tried again, never a final failure that stops
 * dependent actions; and a migration it cuts short leaves the guest running on its source.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { classify, errorCode } from '../../src/common/errors.js';
import { LibvirtError, openConnection } from '../../src/providers/libvirt/binding.js';
import type { LibvirtProvider } from '../../src/providers/libvirt/provider.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { action, labGuest, labProvider, rejection, run } from './libvirt-actions.helpers.js';

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
let provider: LibvirtProvider;

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'daemon-loss' });
  [h1, h2] = [lab.host('h1'), lab.host('h2')];
  provider = labProvider(lab);
}, 60_000);

afterAll(async () => {
  await provider.close();
  await lab.destroy();
});

/** SIGKILL of the host's libvirtd (its guests live on), then a fresh daemon in its place. */
function killDaemon(host: LabHost): void {
  process.kill(host.libvirtdPid(), 'SIGKILL');
}
async function reviveDaemon(host: LabHost): Promise<void> {
  await host.stop(); // the daemon is already dead: this only records it
  await host.restart();
}

const describeError = (e: unknown): string =>
  e instanceof LibvirtError ? `${e.codeName}/${e.domainName}: ${e.message}` : String(e);

describe('a libvirtd killed under a call', () => {
  it('a call on the connection of a killed daemon fails transient (client socket is closed)', async () => {
    const conn = await openConnection(h1.qemuUri);
    try {
      await conn.listAllDomains();
      killDaemon(h1);
      // Give the connection time to see the EOF: the call then meets a closed client socket.
      await new Promise((r) => setTimeout(r, 200));
      const err = await rejection(conn.listAllDomains());
      process.stdout.write(`call after SIGKILL of libvirtd: ${describeError(err)}\n`);
      expect(err).toBeInstanceOf(LibvirtError);
      expect(classify(err)).toBe('transient');
    } finally {
      await conn.close();
      await reviveDaemon(h1);
    }
  }, 60_000);

  it('a migration whose destination daemon is killed mid-job fails transient; the guest stays on its source', async () => {
    // 16 MiB at 1 MiB/s: a job that runs about 16 s, killed under it after its first progress.
    await h1.defineXml(lab.guestXml('cut', { memoryMiB: 32, fillMiB: 16 }));
    await h1.virsh(['start', 'cut']);
    await lab.waitForUptime('cut', 1, 30_000);
    const base = labGuest(lab, 'cut');
    const g = { ...base, migration: { ...base.migration, bandwidthMiBps: 1, timeoutSeconds: 120 } };
    const r = run(provider, action('migrate', g, 'h1', 'h2'), g);
    const t0 = Date.now();
    while (!r.progress.some((p) => p.message.includes('MiB sent')) && Date.now() - t0 < 20_000)
      await new Promise((res) => setTimeout(res, 50));
    killDaemon(h2);
    const err = await rejection(r.result);
    process.stdout.write(
      `migration, destination daemon killed: ${errorCode(err)}: ${err.message} (cause ${describeError(err.cause)})\n`,
    );
    expect(classify(err)).toBe('transient');
    await reviveDaemon(h2);
    expect((await h1.virsh(['domstate', 'cut'])).trim()).toBe('running');
    // The revived destination daemon cleans up the incoming copy it lost track of.
    const deadline = Date.now() + 20_000;
    let onH2 = await h2.virsh(['list', '--all', '--name']);
    while (onH2.includes('cut') && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      onH2 = await h2.virsh(['list', '--all', '--name']);
    }
    expect(onH2).not.toContain('cut');
    const uptime = (await lab.readUptime('cut')) ?? 0;
    await lab.waitForUptime('cut', uptime + 1, 20_000);
    expect(await lab.bootCount('cut')).toBe(1);
  }, 120_000);
});
