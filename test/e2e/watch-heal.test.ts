/**
 * `virtwarden watch` (the real CLI process) on lab hosts with real TCG guests: a killed guest
 * is running again at once; a guest that keeps crashing climbs the failure ladder to a failover
 * and then FAULTED; a manifest edit to `state: stopped` stops its guest; SIGTERM lets the
 * action in flight finish and leaves nothing half done.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { startLab, type Lab } from '../lab/index.js';
import { captureIo } from '../helpers/cli-io.js';
import { fleetFiles, type FleetGuest } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
let watch: WatchProcess;
const ladder = '  onFailure: { restart: { max: 2, withinSeconds: 600 }, then: failover }\n';
const fleet: FleetGuest[] = [
  { name: 'w1', hosts: ['h1', 'h2'] },
  { name: 'loop', hosts: ['h1', 'h2'], extra: ladder },
  { name: 'w3', hosts: ['h2', 'h1'] },
];

const running = (host: string, guest: string): number | undefined => lab.host(host).qemuPid(guest);

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'e2e-heal' });
  md = await manifestDir(fleetFiles(lab, fleet));
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '300']);
  await watch.ready();
  await watch.waitFor(
    'all guests up',
    async () => (await watch.status()).every((g) => g.state === 'ONLINE'),
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await watch.stop();
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('watch heals guests on lab hosts', () => {
  it('a guest whose QEMU is killed (kill -9) runs again on its host', async () => {
    await lab.waitForUptime('w1', 1, 30_000);
    const pid = running('h1', 'w1');
    expect(pid).toBeDefined();
    const t0 = Date.now();
    process.kill(pid ?? 0, 'SIGKILL');
    await watch.waitFor('w1 restarted', () => {
      const now = running('h1', 'w1');
      return now !== undefined && now !== pid;
    });
    process.stdout.write(`kill -9 → running again: ${Date.now() - t0} ms\n`);
    await watch.waitFor('w1 booted twice', async () => (await lab.bootCount('w1')) === 2, 30_000);
  }, 60_000);

  it('a guest that keeps crashing climbs the ladder: 2 restarts, a failover, then FAULTED', async () => {
    // Its first start is judged only after its start grace: kill it only once that start is done.
    await watch.waitFor(
      'the first start of loop finished',
      async () =>
        (await readFile(path.join(state, 'journal.jsonl'), 'utf8'))
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { action: string; event: string })
          .some((j) => j.event === 'finished' && j.action === 'start:loop@h1'),
      30_000,
    );
    const kills: string[] = [];
    const flag = { stop: false };
    // Kill `loop` whenever it runs, wherever it runs.
    const killer = (async () => {
      while (!flag.stop) {
        for (const h of ['h1', 'h2']) {
          const pid = running(h, 'loop');
          if (pid !== undefined) {
            try {
              process.kill(pid, 'SIGKILL');
              kills.push(h);
            } catch {
              /* already gone */
            }
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await watch.waitFor(
        'loop FAULTED',
        async () =>
          (await watch.status()).find((g) => g.guest === 'loop')?.reason.includes('FAULTED') ===
          true,
        60_000,
      );
      const kills0 = kills.length;
      await new Promise((r) => setTimeout(r, 3000));
      expect(kills.length).toBe(kills0);
    } finally {
      flag.stop = true;
      await killer;
    }
    expect(kills.length).toBeGreaterThan(0);
    const journal = (await readFile(path.join(state, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; event: string; reason: string });
    const starts = journal.filter(
      (j) => j.event === 'finished' && j.action.startsWith('start:loop'),
    );
    // The original start on h1, two restarts there, then the failover to h2 — each attempt
    // killed (while running, or while launching, which fails the start).
    expect(starts.map((s) => s.action)).toEqual([
      'start:loop@h1',
      'start:loop@h1',
      'start:loop@h1',
      'start:loop@h2',
    ]);
    expect(starts.map((s) => s.reason).slice(-1)).toEqual(['failover']);
  }, 120_000);

  it('a manifest edit to state: stopped stops the guest', async () => {
    expect(running('h2', 'w3')).toBeDefined();
    const t0 = Date.now();
    await md.write(
      fleetFiles(
        lab,
        fleet.map((g) => (g.name === 'w3' ? { ...g, state: 'stopped' as const } : g)),
      ),
    );
    await watch.waitFor('stop of w3 acted on', () =>
      watch.logs.some((l) => l.msg === 'acting' && JSON.stringify(l.actions).includes('stop:w3')),
    );
    process.stdout.write(`manifest edit → action: ${Date.now() - t0} ms\n`);
    await watch.waitFor('w3 shut off', () => running('h2', 'w3') === undefined, 30_000);
  }, 60_000);

  it('serves Prometheus metrics and /healthz on loopback', async () => {
    const metrics = await watch.metrics();
    expect(metrics).toMatch(/virtwarden_actions_total\{kind="start",outcome="done"\} \d+/);
    expect(metrics).toContain('virtwarden_host_connected{site="lab",host="h1"} 1');
    expect(metrics).toContain('virtwarden_event_to_action_seconds_bucket');
    expect(metrics).toContain('virtwarden_guests{state="ONLINE"}');
    expect(metrics).toContain('virtwarden_queue_depth');
    const health = await fetch(`${watch.url}/healthz`);
    expect(health.status).toBe(200);
    expect(watch.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  }, 30_000);

  it('holds the controller lock: apply is refused while watch runs', async () => {
    const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: state } });
    expect(await runCli(['apply', md.dir, '--auto-approve'], io)).toBe(1);
    expect(io.err()).toContain('another virtwarden is acting: virtwarden watch');
  }, 30_000);

  it('SIGTERM lets the action in flight finish and exits cleanly', async () => {
    // w1's stop takes its 2 s stop timeout (the tiny guest ignores ACPI) before the forced stop.
    await md.write(
      fleetFiles(
        lab,
        fleet.map((g) =>
          g.name === 'w3' || g.name === 'w1' ? { ...g, state: 'stopped' as const } : g,
        ),
      ),
    );
    await watch.waitFor('stop of w1 in flight', () =>
      watch.logs.some((l) => l.msg === 'acting' && JSON.stringify(l.actions).includes('stop:w1')),
    );
    watch.signal('SIGTERM');
    expect(await watch.exited).toBe(0);
    expect(running('h1', 'w1')).toBeUndefined();
    const lines = (await readFile(path.join(state, 'journal.jsonl'), 'utf8')).trim().split('\n');
    const events = lines.map(
      (l) => JSON.parse(l) as { action: string; event: string; status?: string },
    );
    const started = events.filter((e) => e.event === 'started').map((e) => e.action);
    const finished = events.filter((e) => e.event === 'finished').map((e) => e.action);
    expect([...finished].sort()).toEqual([...started].sort());
    expect(events.find((e) => e.event === 'finished' && e.action === 'stop:w1@h1')?.status).toBe(
      'done',
    );
    expect(watch.logs.some((l) => l.msg === 'stopped')).toBe(true);
  }, 60_000);
});
