/**
 * `watch` (the real CLI process, limited to 256 descriptors with prlimit) on a lab host with a
 * real TCG guest, under attack on its ops endpoint:
 * - a slowloris of 600 half-open connections (more than the process has descriptors): the
 *   endpoint caps its connections, so descriptors never run out; a killed guest is running
 *   again at once and /healthz still answers;
 * - the same with the cap raised above the descriptor limit (`--listen-max-connections`), so
 *   descriptors really run out: the guest is still healed, `watch` keeps running, the failed
 *   journal append is logged and /healthz reports the journal problem once it can answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import { fleetFiles } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';
import { fdsInUse, slowloris } from './ops-flood.js';

const FD_LIMIT = 256;
const LIMITED = ['prlimit', `--nofile=${FD_LIMIT}:${FD_LIMIT}`];

let lab: Lab;
let md: ManifestDir;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'sec-slowloris' });
  md = await manifestDir(fleetFiles(lab, [{ name: 'w1', hosts: ['h1'] }]));
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await lab.destroy();
  await md.remove();
}, 120_000);

async function startWatch(extra: readonly string[]): Promise<WatchProcess> {
  const state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  const watch = new WatchProcess(
    md.dir,
    state,
    ['--restart-backoff-ms', '200', ...extra],
    {},
    LIMITED,
  );
  cleanups.push(() => rm(state, { recursive: true, force: true }));
  cleanups.push(() => watch.stop());
  await watch.ready();
  await watch.waitFor(
    'w1 up',
    async () => (await watch.status()).every((g) => g.state === 'ONLINE'),
    60_000,
  );
  await lab.waitForUptime('w1', 1, 30_000);
  return watch;
}

/** Kill w1's QEMU and resolve with the milliseconds until it runs again. */
async function killAndWaitForHeal(watch: WatchProcess): Promise<number> {
  const pid = lab.host('h1').qemuPid('w1');
  expect(pid).toBeDefined();
  const t0 = Date.now();
  process.kill(pid ?? 0, 'SIGKILL');
  await watch.waitFor(
    'w1 restarted',
    () => {
      const now = lab.host('h1').qemuPid('w1');
      return now !== undefined && now !== pid;
    },
    30_000,
  );
  return Date.now() - t0;
}

/** /healthz as a monitor asks it: up to 5 tries, 200 ms apart. */
async function probe(url: string): Promise<{ status: number; health: string } | string> {
  let last = '';
  for (let i = 0; i < 5; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return { status: res.status, health: ((await res.json()) as { status: string }).status };
    } catch (err) {
      last = String(err);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return last;
}

const port = (w: WatchProcess): number => Number(new URL(w.url).port);

describe('the ops endpoint under a slowloris, with 256 descriptors', () => {
  it('caps its connections: a killed guest is healed and /healthz answers', async () => {
    const watch = await startWatch([]);
    const t0 = Date.now();
    const flood = slowloris('127.0.0.1', port(watch), 600);
    try {
      await watch.waitFor('the flood is on', () => flood.open() >= 500, 20_000);
      const healMs = await killAndWaitForHeal(watch);
      process.stdout.write(`slowloris 600, heal: ${healMs} ms\n`);
      expect(await fdsInUse(watch.pid)).toBeLessThan(FD_LIMIT);
      expect(await probe(`${watch.url}/healthz`)).toEqual({ status: 200, health: 'ok' });
    } finally {
      await flood.stop();
    }
    // Warned, but at most once every 10 s: a flood must not flood the log.
    const warnings = watch.logs.filter((l) => l.msg === 'ops endpoint at its connection cap');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 10_000));
    expect(await watch.stop()).toBe(0);
  }, 120_000);

  it('out of descriptors: the guest is still healed, the journal problem is logged and reported', async () => {
    const watch = await startWatch(['--listen-max-connections', '5000']);
    const flood = slowloris('127.0.0.1', port(watch), 600);
    try {
      await watch.waitFor(
        'descriptors exhausted',
        async () => (await fdsInUse(watch.pid)) >= FD_LIMIT - 1,
        20_000,
      );
      await killAndWaitForHeal(watch);
      await watch.waitFor('the lost journal line is logged', () =>
        watch.logs.some(
          (l) =>
            l.msg === 'the journal cannot be written: actions go on, their audit trail does not' &&
            /EMFILE|ENFILE/.test(String(l.err)),
        ),
      );
    } finally {
      await flood.stop();
    }
    const health = await fetch(`${watch.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; problems: string[] };
    expect(body.status).toBe('degraded');
    expect(body.problems.join('\n')).toMatch(/journal.*(EMFILE|too many open files)/i);
    // A state file unread for want of a descriptor is not read as empty (no drains, no
    // fencing, no history): what was read before stands.
    expect(watch.logs.map((l) => String(l.msg)).join('\n')).not.toMatch(/EMFILE\); treated as/);
    expect(await watch.stop()).toBe(1); // the journal lost lines: exit 1, as `apply` would
  }, 120_000);
});
