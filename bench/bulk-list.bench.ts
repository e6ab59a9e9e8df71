/**
 * Benchmark (issue: libvirt binding): the bulk domain list through virtwarden's binding versus
 * `virsh list --all` versus one `virsh domstate` per domain — how the cluster agents we replace
 * poll — for 1,000 domains on a test-driver lab host (a private libvirtd over its socket).
 *
 *   npm run build && npm run bench -- bench/bulk-list.bench.ts
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../test/lab/index.js';
import {
  libvirtCallCount,
  openConnection,
  type LibvirtConnection,
} from '../src/providers/libvirt/binding.js';
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

it('prints bulk-list times for 1,000 domains', async () => {
  const uri = lab.host('h1').testUri;
  expect((await conn.listAllDomains()).length).toBeGreaterThanOrEqual(N);
  const binding: number[] = [];
  const calls0 = libvirtCallCount();
  for (let i = 0; i < 20; i++) binding.push(await timeIt(() => conn.listAllDomains()));
  const callsPerList = (libvirtCallCount() - calls0) / 20;
  const virshList: number[] = [];
  for (let i = 0; i < 5; i++)
    virshList.push(await timeIt(() => run('virsh', ['-c', uri, 'list', '--all'])));
  const names = (await conn.listAllDomains()).map((d) => d.name);
  const loop = await timeIt(async () => {
    for (const n of names) await run('virsh', ['-c', uri, 'domstate', '--reason', n]);
  });
  const b = median(binding);
  process.stdout.write(
    table(
      `Listing ${names.length} domains with state (test driver through libvirtd), median of runs:`,
      [
        ['method', 'time per pass', 'libvirt calls', 'vs binding'],
        ['virtwarden binding (listAllDomains)', `${b.toFixed(1)} ms`, `${callsPerList}`, '1×'],
        [
          'virsh list --all',
          `${median(virshList).toFixed(1)} ms`,
          '-',
          `${(median(virshList) / b).toFixed(0)}×`,
        ],
        [
          'virsh domstate per domain',
          `${loop.toFixed(0)} ms`,
          `${names.length}+`,
          `${(loop / b).toFixed(0)}×`,
        ],
      ],
    ),
  );
});
