/**
 * The libvirt provider's live migration on real lab hosts with real QEMU/TCG guests (issue 10,
 * items 2 and 3): a migration that outlasts `migration.timeoutSeconds` is aborted on the source
 * and the guest keeps running there, untouched; the operator's stop does the same; a migration
 * libvirt refuses surfaces as `migration-failed` once the guest is confirmed on its source.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { classify, errorCode } from '../../src/common/errors.js';
import type { Guest } from '../../src/model/desired.js';
import type { LibvirtProvider } from '../../src/providers/libvirt/provider.js';
import { startLab, type Lab, type LabHost } from '../lab/index.js';
import { action, labGuest, labProvider, rejection, run } from './libvirt-actions.helpers.js';

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
let provider: LibvirtProvider;

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'migrate' });
  [h1, h2] = [lab.host('h1'), lab.host('h2')];
  provider = labProvider(lab);
}, 60_000);

afterAll(async () => {
  await provider.close();
  await lab.destroy();
});

async function domstate(host: LabHost, name: string): Promise<string> {
  return (await host.virsh(['domstate', '--reason', name])).trim();
}

async function namesOn(host: LabHost): Promise<string[]> {
  return (await host.virsh(['list', '--all', '--name'])).split('\n').filter((n) => n !== '');
}

/**
 * A guest running on h1 whose placement is h2 only: the move off h1. With `fillMiB` its RAM
 * holds that much data to carry (about that many seconds at 1 MiB/s).
 */
async function runningOnH1(
  name: string,
  migration: Partial<Guest['migration']>,
  opts: { fillMiB?: number; extraDevices?: string } = {},
): Promise<Guest> {
  const xml = lab.guestXml(name, {
    ...(opts.fillMiB !== undefined ? { memoryMiB: opts.fillMiB + 16, fillMiB: opts.fillMiB } : {}),
    ...(opts.extraDevices !== undefined ? { extraDevices: opts.extraDevices } : {}),
  });
  const g = labGuest(lab, name, {
    placement: { hosts: ['h2'], autoStart: ['h2'], failback: false, failbackAfterSeconds: 300 },
  });
  await h1.defineXml(xml);
  await h1.virsh(['start', name]);
  await lab.waitForUptime(name, 1, 30_000);
  return {
    ...g,
    migration: {
      live: true,
      timeoutSeconds: 300,
      maxDowntimeMs: 300,
      fallback: 'none',
      ...migration,
    },
  };
}

/** The guest kept running on h1 without a reboot and nothing of it is left on h2. */
async function stillOnSource(name: string): Promise<void> {
  expect(await domstate(h1, name)).toMatch(/^running/);
  expect(await namesOn(h2)).not.toContain(name);
  const uptime = (await lab.readUptime(name)) ?? 0;
  await lab.waitForUptime(name, uptime + 1, 20_000);
  expect(await lab.bootCount(name)).toBe(1);
  // The source definition survives (undefineSource takes effect only on success).
  expect(await h1.virsh(['dominfo', name])).toMatch(/Persistent:\s+yes/);
  expect(await h1.virsh(['domjobinfo', name])).toMatch(/Job type:\s+None/);
}

describe('live migration on lab hosts', () => {
  it('completes: the guest runs on the destination, the outcome says so, one boot', async () => {
    const g = await runningOnH1('quick', {});
    const r = run(provider, action('migrate', g, 'h1', 'h2'), g);
    const outcome = await r.result;
    expect(outcome.message).toMatch(/^live-migrated h1 → h2 in \d+\.\d s$/);
    expect(await domstate(h2, 'quick')).toMatch(/^running/);
    expect(await namesOn(h1)).not.toContain('quick'); // left its placement: source undefined
    expect(await lab.bootCount('quick')).toBe(1);
    await h2.virsh(['destroy', 'quick']);
  }, 60_000);

  it('is aborted at migration.timeoutSeconds: still on the source, same boot, nothing on the destination', async () => {
    // 48 MiB at 1 MiB/s: about 48 s of work, cut at 5 s.
    const g = await runningOnH1('slow', { timeoutSeconds: 5, bandwidthMiBps: 1 }, { fillMiB: 48 });
    const r = run(provider, action('migrate', g, 'h1', 'h2'), g);
    const err = await rejection(r.result);
    const failedAt = Date.now();
    expect(errorCode(err)).toBe('migration-failed');
    expect(classify(err)).toBe('terminal');
    expect(err.message).toBe(
      'live migration to h2 timed out after 5 s, aborted, still running on h1',
    );
    // Progress came from the job's own statistics while it ran.
    expect(r.progress.some((p) => /MiB sent, [\d.]+ MiB left/.test(p.message))).toBe(true);
    const startedAt = r.progress[0]?.at ?? 0;
    const confirmMs = failedAt - (startedAt + 5_000);
    process.stdout.write(
      `migration timeout → guest confirmed on the source: ${String(confirmMs)} ms\n`,
    );
    expect(confirmMs).toBeGreaterThanOrEqual(0);
    await stillOnSource('slow');
  }, 90_000);

  it("the operator's stop aborts the job the same way", async () => {
    const g = await runningOnH1('stopped', { bandwidthMiBps: 1 }, { fillMiB: 48 });
    const r = run(provider, action('migrate', g, 'h1', 'h2'), g);
    const t0 = Date.now();
    while (!r.progress.some((p) => p.message.includes('MiB sent')) && Date.now() - t0 < 20_000)
      await new Promise((res) => setTimeout(res, 50));
    r.abort();
    const err = await rejection(r.result);
    expect(errorCode(err)).toBe('aborted');
    expect(err.message).toMatch(
      /^live migration to h2 was stopped by the operator after [\d.]+ s, aborted, still running on h1$/,
    );
    await stillOnSource('stopped');
  }, 90_000);

  it('refused by libvirt (a local disk the hosts do not share): migration-failed, still on the source', async () => {
    const disk = await lab.makeDiskFile('unsafe-disk', 8);
    const g = await runningOnH1(
      'unsafe',
      {},
      {
        extraDevices: `<disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback'/><source file='${disk}'/><target dev='sda' bus='scsi'/></disk>`,
      },
    );
    const err = await rejection(run(provider, action('migrate', g, 'h1', 'h2'), g).result);
    expect(errorCode(err)).toBe('migration-failed');
    expect(classify(err)).toBe('terminal');
    expect(err.message).toMatch(
      /^live migration to h2 failed: .*Unsafe migration.*; still running on h1$/,
    );
    await stillOnSource('unsafe');
  }, 60_000);
});
