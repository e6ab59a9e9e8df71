/**
 * Benchmark (issue: oVirt provider): observe + plan for 1,000 VMs on the engine simulator, and
 * the number of HTTP requests per pass, against the way the agents we replace monitor: one
 * request per VM.
 *
 *   npm run build && npm run bench -- bench/ovirt.bench.ts
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import type { Desired } from '../src/model/desired.js';
import type { Provider } from '../src/providers/provider.js';
import { closeProviders, openProviders } from '../src/providers/registry.js';
import type { OvirtProvider } from '../src/providers/ovirt/provider.js';
import { defaultPolicy } from '../src/reconcile/policy.js';
import { planOnce } from '../src/reconcile/session.js';
import { caFileEntry, manifestDir, type ManifestDir } from '../test/helpers/manifest-dir.js';
import { median, table, timeIt } from './bench-util.js';

const VMS = 1000;
let sim: OvirtSim;
let md: ManifestDir;
let desired: Desired;
let providers: Map<string, Provider>;

beforeAll(async () => {
  sim = await startOvirtSim({
    timing: { stepMs: 10 },
    dataset: {
      dataCenters: [{ name: 'DC' }],
      clusters: [{ name: 'C1', dataCenter: 'DC' }],
      hosts: Array.from({ length: 10 }, (_, i) => ({ name: `host${i}`, cluster: 'C1' })),
      vms: Array.from({ length: VMS }, (_, i) => ({
        name: `vm${String(i).padStart(4, '0')}`,
        cluster: 'C1',
        status: 'up' as const,
        host: `host${i % 10}`,
      })),
    },
  });
  const guests = Array.from(
    { length: VMS },
    (_, i) =>
      `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: vm${String(i).padStart(4, '0')} }\nspec: { site: rhev }\n`,
  ).join('---\n');
  md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: rhev }\nspec:\n  ovirt:\n    url: ${sim.url}\n    user: admin@internal\n    passwordFrom: { env: PW }\n    caFile: ca.pem\n    cluster: C1\n    datacenter: DC\n`,
    'guests.yaml': guests,
  });
  desired = await md.load();
  providers = await openProviders(desired, { env: { PW: 'secret' }, manifestDir: md.dir });
}, 300_000);

afterAll(async () => {
  await closeProviders(providers);
  await sim.stop();
  await md.remove();
});

it('prints observe + plan time and HTTP requests per pass for 1,000 VMs', async () => {
  const policy = defaultPolicy(Date.now());
  await planOnce(desired, providers, policy); // log in once
  const times: number[] = [];
  let requests = 0;
  for (let i = 0; i < 10; i++) {
    const seq = sim.requests.lastSeq;
    times.push(
      await timeIt(async () => {
        const { plan } = await planOnce(desired, providers, policy);
        expect(plan.actions).toEqual([]);
      }),
    );
    requests = sim.requests.count({ afterSeq: seq });
  }
  // The agents' way: one GET per VM (search by name).
  const client = (providers.get('rhev') as OvirtProvider).client;
  const seq = sim.requests.lastSeq;
  const perVm = await timeIt(async () => {
    for (const g of desired.guests.values())
      await client.get('vms', { search: `name=${g.domainName}` });
  });
  const perVmRequests = sim.requests.count({ afterSeq: seq });
  const pass = median(times);
  process.stdout.write(
    table(`Observe + plan, ${VMS} VMs on the oVirt engine simulator (HTTPS, JSON), medians:`, [
      ['method', 'time per pass', 'HTTP requests per pass'],
      ['virtwarden (bulk: VMs and hosts of the cluster)', `${pass.toFixed(0)} ms`, `${requests}`],
      ['one request per VM (the agents we replace)', `${perVm.toFixed(0)} ms`, `${perVmRequests}`],
    ]),
  );
  expect(requests).toBe(2);
});
