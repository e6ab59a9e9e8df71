/**
 * Benchmark (issue: libvirt binding): listing 1,000 domains with their state on a test-driver
 * lab host (a private libvirtd over its socket, kept alive by the lab's keeper connection):
 * virtwarden's bulk list, the same through getAllDomainStats or per-domain getters, versus
 * `virsh list --all` and one `virsh domstate` per domain — how the cluster agents we replace poll.
 *
 *   npm run build && npm run bench -- bench/bulk-list.bench.ts
 *
 * A jest-run TypeScript file like the other benchmarks, because the lab (test/lab) is TypeScript.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../test/lab/index.js';
import {
  libvirtCallCount,
  openConnection,
  type LibvirtConnection,
} from '../src/providers/libvirt/binding.js';
import { STATS } from '../src/providers/libvirt/binding-constants.js';
import { median, pool, run, table, timeIt } from './bench-util.js';

const N = 1000;
let lab: Lab;
let conn: LibvirtConnection;

beforeAll(async () => {
  lab = await startLab({ hosts: 1, testDriverKeeper: true, name: 'bench-list' });
  conn = await openConnection(lab.host('h1').testUri);
  await pool(N, 16, async (i) => {
    const name = `d${String(i).padStart(4, '0')}`;
    await conn.defineXml(lab.testGuestXml(name));
    if (i % 2 === 0) await conn.start(name);
  });
}, 600_000);

afterAll(async () => {
  await conn.close();
  await lab.destroy();
});

/** Median time of `runs` passes and the libvirt calls one pass makes. */
async function measure(runs: number, pass: () => Promise<unknown>): Promise<[number, number]> {
  const times: number[] = [];
  const calls0 = libvirtCallCount();
  for (let i = 0; i < runs; i++) times.push(await timeIt(pass));
  return [median(times), (libvirtCallCount() - calls0) / runs];
}

it('prints bulk-list times for 1,000 domains', async () => {
  const uri = lab.host('h1').testUri;
  const names = (await conn.listAllDomains()).map((d) => d.name);
  expect(names.length).toBeGreaterThanOrEqual(N);
  const [bulk, bulkCalls] = await measure(20, () => conn.listAllDomains());
  const [stats, statsCalls] = await measure(20, () => conn.getAllDomainStats(STATS.state));
  const [getters, getterCalls] = await measure(3, () =>
    pool(names.length, 16, (i) => conn.getDomain(names[i] ?? '')),
  );
  const [virshList] = await measure(5, () => run('virsh', ['-c', uri, 'list', '--all']));
  const [loop] = await measure(1, async () => {
    for (const n of names) await run('virsh', ['-c', uri, 'domstate', '--reason', n]);
  });
  const row = (method: string, ms: number, calls: string): string[] => [
    method,
    `${ms.toFixed(ms < 100 ? 1 : 0)} ms`,
    calls,
    `${(ms / bulk).toFixed(ms / bulk < 10 ? 1 : 0)}×`,
  ];
  process.stdout.write(
    table(
      `Listing ${String(names.length)} domains with state (test driver through libvirtd), median of runs:`,
      [
        ['method', 'time per pass', 'libvirt calls', 'vs bulk list'],
        row('binding listAllDomains (state, reason, flags)', bulk, String(bulkCalls)),
        row('binding getAllDomainStats(state) only', stats, String(statsCalls)),
        row('binding getDomain per domain, 16 in flight', getters, String(getterCalls)),
        row('virsh list --all', virshList, '-'),
        row('virsh domstate --reason per domain', loop, `${String(names.length)}+`),
      ],
    ),
  );
  expect(bulkCalls).toBe(4);
}, 600_000);
