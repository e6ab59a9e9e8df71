/**
 * Benchmark (issue 11, durable state): the cost of the state directory's operations as the
 * fleet grows — one guest's history saved (must stay O(1): the same at 500 and 5,000 guests),
 * every history loaded (start-up, `status`), an observation that changes nothing, a fencing
 * confirmation, and the journal scan for interrupted actions at start-up.
 *
 *   npm run build && npm run bench -- bench/state-dir.bench.ts
 */
import { afterAll, it } from '@jest/globals';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStateDir } from '../src/state/state-dir.js';
import { Journal } from '../src/state/journal.js';
import { median, percentile, pool, table, timeIt } from './bench-util.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const history = (i: number, at: number) => ({
  restarts: [{ host: `kvm${i % 16}`, at }],
  failovers: [],
  lastHost: `kvm${i % 16}`,
  definedOn: [`kvm${i % 16}`, `kvm${(i + 1) % 16}`],
});

async function fleet(n: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `vw-bench-state-${n}-`));
  dirs.push(dir);
  await mkdir(path.join(dir, 'guests'), { recursive: true });
  // Set-up only: the files as saveHistory writes them, without paying n fsyncs.
  await pool(n, 16, (i) =>
    writeFile(
      path.join(dir, 'guests', `g${i}.json`),
      JSON.stringify({ guest: `g${i}`, history: history(i, Date.now()) }) + '\n',
    ),
  );
  return dir;
}

it('state directory: per-operation cost at 500 and 5,000 guests', async () => {
  const rows: string[][] = [['measure', '500 guests', '5,000 guests', 'goal']];
  const saves: number[][] = [];
  const loads: number[] = [];
  const observe: number[] = [];
  const fence: number[] = [];
  for (const n of [500, 5000]) {
    const state = openStateDir(await fleet(n));
    const times: number[] = [];
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(Math.random() * n);
      times.push(await timeIt(() => state.saveHistory(`g${i}`, history(i, Date.now()))));
    }
    saves.push(times);
    const load: number[] = [];
    for (let k = 0; k < 3; k++) load.push(await timeIt(() => state.histories()));
    loads.push(median(load));
    const seen = Array.from({ length: 16 }, (_, h) => ({ host: `kvm${h}`, up: true }));
    const obs: number[] = [];
    for (let k = 0; k < 50; k++)
      obs.push(await timeIt(() => state.observedHosts(seen, Date.now())));
    observe.push(median(obs));
    const fc: number[] = [];
    for (let k = 0; k < 50; k++) {
      fc.push(
        await timeIt(() =>
          state.recordFenced({
            host: `kvm${k % 16}`,
            by: 'operator',
            confirmedAt: new Date().toISOString(),
          }),
        ),
      );
    }
    fence.push(median(fc));
  }
  const ms = (x: number | undefined): string => `${(x ?? NaN).toFixed(2)} ms`;
  const [small = [], large = []] = saves;
  rows.push(['saveHistory, median', ms(median(small)), ms(median(large)), 'within 2× (O(1))']);
  rows.push(['saveHistory, p99', ms(percentile(small, 99)), ms(percentile(large, 99)), '']);
  rows.push(['histories() (load all)', ms(loads[0]), ms(loads[1]), 'linear, at start-up only']);
  rows.push([
    'observedHosts, 16 hosts, no change',
    ms(observe[0]),
    ms(observe[1]),
    'independent of guests',
  ]);
  rows.push(['recordFenced', ms(fence[0]), ms(fence[1]), '']);

  // The journal scan at start-up (markInterrupted) on a journal of 100,000 action lines.
  const jdir = await mkdtemp(path.join(tmpdir(), 'vw-bench-journal-'));
  dirs.push(jdir);
  const line = (i: number, event: string) =>
    JSON.stringify({
      time: new Date().toISOString(),
      run: `run-${Math.floor(i / 100)}`,
      pid: 999999999,
      event,
      action: `start:g${i}@kvm1`,
      kind: 'start',
      guest: `g${i}`,
      site: 'lab',
      host: 'kvm1',
      reason: 'crashed',
    }) + '\n';
  let chunk = '';
  for (let i = 0; i < 50_000; i++) chunk += line(i, 'started') + line(i, 'finished');
  await appendFile(path.join(jdir, 'journal.jsonl'), chunk);
  const size = Buffer.byteLength(chunk);
  const scan = await timeIt(() => new Journal(jdir, 'bench').markInterrupted());
  rows.push([
    `markInterrupted, journal of 100,000 lines (${(size / 1e6).toFixed(1)} MB)`,
    '',
    ms(scan),
    'once per start',
  ]);
  process.stdout.write(table('State directory (this machine)', rows));
}, 600_000);
