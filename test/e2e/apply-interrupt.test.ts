/**
 * An operator's Ctrl-C during `apply`: the first stops new actions and lets the one in flight
 * finish; the second aborts it safely — a live migration's job is aborted and the guest keeps
 * running on its source (one boot, nothing left on the destination), and the journal says how
 * the action ended. Real lab hosts, a real slow migration (48 MiB of guest RAM at 1 MiB/s).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from '../lab/index.js';
import { guestYaml, siteYaml } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

const BIN = fileURLToPath(new URL('../../bin/virtwarden.js', import.meta.url));
let lab: Lab;
let md: ManifestDir;
let state: string;

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'e2e-interrupt' });
  const xml = lab.guestXml('big', { memoryMiB: 64, fillMiB: 48 });
  md = await manifestDir({
    'site.yaml': siteYaml(lab),
    'guests.yaml': guestYaml({
      name: 'big',
      hosts: ['h1'],
      extra: '  migration: { bandwidthMiBps: 1, timeoutSeconds: 600 }\n',
    }),
    'guests/big.xml': xml,
  });
  state = await mkdtemp(path.join(tmpdir(), 'vw-interrupt-'));
  // It runs on h2, outside its placement: apply will live-migrate it to h1, slowly.
  await lab.host('h2').defineXml(xml);
  await lab.host('h2').virsh(['start', 'big']);
  await lab.waitForUptime('big', 2, 30_000);
}, 90_000);

afterAll(async () => {
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('Ctrl-C during apply', () => {
  it('twice: the migration in flight is aborted and the guest stays where it ran', async () => {
    const child = spawn(process.execPath, [BIN, 'apply', md.dir, '--auto-approve'], {
      env: { ...process.env, VIRTWARDEN_STATE_DIR: state, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const t0 = Date.now();
    while (!out.includes('migrate')) {
      if (Date.now() - t0 > 60_000) throw new Error(`no migration started:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3000)); // the job is running
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull(); // the first only stops new actions
    child.kill('SIGINT');
    const code = await exited;
    expect(err).toContain('aborting the actions in flight');
    expect(code).toBe(1);
    expect(lab.host('h2').qemuPid('big')).toBeDefined();
    expect(lab.host('h1').qemuPid('big')).toBeUndefined();
    expect(await lab.bootCount('big')).toBe(1);
    const journal = (await readFile(path.join(state, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; action?: string; status?: string });
    const migrate = journal.filter((j) => j.action === 'migrate:big@h2->h1');
    expect(migrate.map((j) => j.event)).toEqual(['started', 'finished']);
    expect(migrate[1]?.status).toBe('failed');
    // The guest is still running: its uptime counter keeps going.
    const up = (await lab.readUptime('big')) ?? 0;
    await lab.waitForUptime('big', up + 1, 20_000);
  }, 150_000);
});
