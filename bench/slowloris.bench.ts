/**
 * Benchmark (issue 13): `watch` keeps healing guests during a slowloris of 5,000 connections on
 * its ops endpoint. `watch` runs with the 1,024-descriptor default that systemd gives a unit
 * without LimitNOFILE (the shipped unit sets 65,536), on one lab host with 4 real TCG guests.
 * Side by side: heal latency of a killed guest (kill -9 of its QEMU → running again) without and
 * during the flood, descriptors `watch` has open, and whether /healthz answered while flooded.
 *
 *   npm run build && npm run bench -- bench/slowloris.bench.ts
 */
import { afterAll, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab } from '../test/lab/index.js';
import { fleetFiles } from '../test/helpers/lab-fleet.js';
import { manifestDir } from '../test/helpers/manifest-dir.js';
import { WatchProcess } from '../test/helpers/watch-process.js';
import { fdsInUse, slowloris } from '../test/security/ops-flood.js';
import { median, percentile, table } from './bench-util.js';

const FLOOD = 5000;
const FD_LIMIT = 1024;
const KILLS = 12;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 120_000);

it('prints heal latency, descriptors and /healthz during a slowloris of 5,000', async () => {
  const lab = await startLab({ hosts: 1, name: 'bench-slowloris' });
  cleanups.push(() => lab.destroy());
  const names = ['s0', 's1', 's2', 's3'];
  const extra = '  onFailure: { restart: { max: 100, withinSeconds: 60 } }\n';
  const md = await manifestDir(
    fleetFiles(
      lab,
      names.map((name) => ({ name, hosts: ['h1'], extra })),
    ),
  );
  cleanups.push(() => md.remove());
  const state = await mkdtemp(path.join(tmpdir(), 'vw-bench-state-'));
  cleanups.push(() => rm(state, { recursive: true, force: true }));
  const watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '100'], {}, [
    'prlimit',
    `--nofile=${FD_LIMIT}:${FD_LIMIT}`,
  ]);
  cleanups.push(() => watch.stop());
  await watch.ready();
  await watch.waitFor(
    'all up',
    async () => (await watch.status()).every((g) => g.state === 'ONLINE'),
    120_000,
  );
  for (const n of names) await lab.waitForUptime(n, 1, 60_000);
  const h1 = lab.host('h1');

  let fdsMax = 0;
  const sampler = setInterval(() => {
    fdsInUse(watch.pid)
      .then((n) => (fdsMax = Math.max(fdsMax, n)))
      .catch(() => undefined);
  }, 100);
  cleanups.push(() => {
    clearInterval(sampler);
    return Promise.resolve();
  });

  const heal = async (): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const g = names[i % names.length] ?? 's0';
      const pid = h1.qemuPid(g);
      if (pid === undefined) throw new Error(`${g} not running`);
      const t0 = Date.now();
      process.kill(pid, 'SIGKILL');
      await watch.waitFor(
        `${g} running again`,
        () => h1.qemuPid(g) !== undefined && h1.qemuPid(g) !== pid,
        60_000,
      );
      out.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 300));
    }
    return out;
  };

  // /healthz as a monitor asks it: every 500 ms, 2 s timeout, no retry.
  const probes: { ok: boolean; ms: number }[] = [];
  let probing = false;
  const prober = async (): Promise<void> => {
    while (probing) {
      const t0 = Date.now();
      try {
        const res = await fetch(`${watch.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        probes.push({ ok: res.status === 200, ms: Date.now() - t0 });
      } catch {
        probes.push({ ok: false, ms: Date.now() - t0 });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  const quiet = await heal();
  const fdsQuiet = fdsMax;

  fdsMax = 0;
  const port = Number(new URL(watch.url).port);
  const flood = slowloris('127.0.0.1', port, FLOOD);
  cleanups.push(() => flood.stop());
  let floodPeak = 0;
  const floodSampler = setInterval(() => (floodPeak = Math.max(floodPeak, flood.open())), 50);
  cleanups.push(() => {
    clearInterval(floodSampler);
    return Promise.resolve();
  });
  // The whole flood is open within seconds unless the server stops accepting (out of
  // descriptors, as before the connection cap): then go on after 20 s with what got in.
  for (let t0 = Date.now(); flood.open() < FLOOD * 0.9 && Date.now() - t0 < 20_000;)
    await new Promise((r) => setTimeout(r, 100));
  probing = true;
  const probing$ = prober();
  const flooded = await heal();
  probing = false;
  await probing$;
  const closed = flood.closedByServer();
  await flood.stop();
  clearInterval(floodSampler);
  clearInterval(sampler);

  const alive = (await fetch(`${watch.url}/healthz`)).status === 200;
  const journal = await readFile(path.join(state, 'journal.jsonl'), 'utf8');
  const failures = watch.logs.filter((l) => String(l.msg).startsWith('the journal cannot')).length;
  const answered = probes.filter((p) => p.ok);
  const rows = [
    ['measure', 'result'],
    [
      `heal: kill -9 → running again, no flood (median / p99 of ${KILLS})`,
      `${median(quiet)} ms / ${percentile(quiet, 99)} ms`,
    ],
    [
      `heal during a slowloris of ${FLOOD} (median / p99 of ${KILLS})`,
      `${median(flooded)} ms / ${percentile(flooded, 99)} ms`,
    ],
    [
      `descriptors of watch (limit ${FD_LIMIT}): max without / during the flood`,
      `${fdsQuiet} / ${fdsMax}`,
    ],
    ['flood connections open at once (client side, peak)', String(floodPeak)],
    ['flood connections closed by the server (evicted, timed out)', String(closed)],
    [
      '/healthz during the flood (answered / asked, median latency)',
      `${answered.length} / ${probes.length}, ${median(answered.map((p) => p.ms))} ms`,
    ],
    [
      'journal lines written / append failures',
      `${journal.trim().split('\n').length} / ${failures}`,
    ],
    ['watch alive after the flood (/healthz 200)', alive ? 'yes' : 'no'],
  ];
  process.stdout.write(table('watch under a slowloris on its ops endpoint', rows));
}, 900_000);
