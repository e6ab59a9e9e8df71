/**
 * plan / apply / status end to end, through the CLI, against three lab hosts running real
 * QEMU/TCG guests: 20 guests converge, a second plan is empty, a killed guest is planned for a
 * restart, a placement change live-migrates, `state: stopped` stops, and a concurrent apply is
 * refused by the lock.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { acquireLock } from '../../src/state/lock.js';
import { startLab, type Lab } from '../lab/index.js';
import { captureIo } from '../helpers/cli-io.js';
import { fleetFiles, type FleetGuest } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
const hostsOf = (i: number): string[] => {
  const all = ['h1', 'h2', 'h3'];
  return [all[i % 3] ?? 'h1', all[(i + 1) % 3] ?? 'h2'];
};
const fleet: FleetGuest[] = Array.from({ length: 20 }, (_, i) => ({
  name: `g${String(i + 1).padStart(2, '0')}`,
  hosts: hostsOf(i),
}));

async function cli(
  args: string[],
): Promise<{ code: number; out: string; err: string; json: () => Record<string, unknown> }> {
  const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' } });
  const code = await runCli(args, io);
  return {
    code,
    out: io.out(),
    err: io.err(),
    json: () => JSON.parse(io.out()) as Record<string, unknown>,
  };
}

interface PlanJson {
  actions: { id: string; kind: string; reason: string }[];
  changes: boolean;
}

beforeAll(async () => {
  lab = await startLab({ hosts: 3, name: 'e2e-apply' });
  md = await manifestDir(fleetFiles(lab, fleet));
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
}, 60_000);

afterAll(async () => {
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('plan / apply / status on lab hosts (real guests)', () => {
  it('applies 20 guests over 3 hosts; every guest runs on its preferred host', async () => {
    const r = await cli(['apply', md.dir, '--auto-approve', '-o', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const status = (
      r.json().status as { guests: { guest: string; state: string; host?: string }[] }
    ).guests;
    expect(status).toHaveLength(20);
    for (const g of fleet) {
      expect(status.find((s) => s.guest === g.name)).toMatchObject({
        state: 'ONLINE',
        host: g.hosts[0],
      });
    }
    for (const g of fleet.slice(0, 3)) await lab.waitForUptime(g.name, 1, 30_000);
  }, 240_000);

  it('a second plan shows no changes (--detailed-exitcode 0)', async () => {
    const r = await cli(['plan', md.dir, '--detailed-exitcode']);
    expect(r.out).toContain('No changes.');
    expect(r.code).toBe(0);
  }, 60_000);

  it('a killed guest is planned for a restart on its host', async () => {
    const victim = lab.host('h1').qemuPid('g01');
    expect(victim).toBeDefined();
    process.kill(victim ?? 0, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const r = await cli(['plan', md.dir, '-o', 'json', '--detailed-exitcode']);
    expect(r.code).toBe(2);
    const plan = r.json() as unknown as PlanJson;
    expect(plan.actions.map((a) => `${a.id} ${a.reason}`)).toEqual(['start:g01@h1 crashed']);
    const applied = await cli(['apply', md.dir, '--auto-approve']);
    expect(applied.code).toBe(0);
    const t0 = Date.now();
    while ((await lab.bootCount('g01')) < 2 && Date.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await lab.bootCount('g01')).toBe(2);
  }, 120_000);

  it('a placement change live-migrates the running guest (its uptime continues, one boot)', async () => {
    const before = await lab.waitForUptime('g02', 2, 30_000);
    const moved = fleet.map((g) => (g.name === 'g02' ? { ...g, hosts: ['h3', 'h1'] } : g));
    await md.write(fleetFiles(lab, moved));
    const plan = (await cli(['plan', md.dir, '-o', 'json'])).json() as unknown as PlanJson;
    // h3 already holds the definition; h1 gets it; h2 leaves the placement (undefined by the move).
    expect(plan.actions.map((a) => a.id).sort()).toEqual(['define:g02@h1', 'migrate:g02@h2->h3']);
    const r = await cli(['apply', md.dir, '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('live-migrated h2 → h3');
    expect(await lab.waitForUptime('g02', before + 2, 30_000)).toBeGreaterThan(before);
    expect(await lab.bootCount('g02')).toBe(1);
    expect((await cli(['plan', md.dir, '--detailed-exitcode'])).code).toBe(0);
    fleet.splice(0, fleet.length, ...moved);
  }, 120_000);

  it('state: stopped stops the guest (forced after its stop timeout: the tiny guest ignores ACPI)', async () => {
    const stopped = fleet.map((g) => (g.name === 'g03' ? { ...g, state: 'stopped' as const } : g));
    await md.write(fleetFiles(lab, stopped));
    const r = await cli(['apply', md.dir, '--auto-approve', '-o', 'json']);
    expect(r.code).toBe(0);
    const results = r.json().results as { id: string; status: string; message: string }[];
    expect(results).toEqual([expect.objectContaining({ id: 'stop:g03@h3', status: 'done' })]);
    expect(results[0]?.message).toContain('forced off after 2 s');
    const status = await cli(['status', md.dir, '-o', 'json']);
    const g03 = (status.json().guests as { guest: string; state: string }[]).find(
      (g) => g.guest === 'g03',
    );
    expect(g03?.state).toBe('OFFLINE');
  }, 120_000);

  it('a second concurrent apply is refused and says who holds the lock', async () => {
    const held = await acquireLock(state, 'virtwarden apply (another run)');
    try {
      const r = await cli(['apply', md.dir, '--auto-approve']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('another virtwarden is acting: virtwarden apply (another run)');
    } finally {
      await held.release();
    }
  }, 60_000);
});
