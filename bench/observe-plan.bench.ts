/**
 * Benchmark (issue: reconcile core): one observe + plan pass for 1,000 guests over 10 lab
 * hosts (test driver), side by side with the per-guest `virsh domstate` loop the cluster agents
 * we replace run; prints the ratio and the libvirt calls per pass. The cold pass reads each
 * managed domain's ownership record (as `plan` does); the warm pass is what `watch` does with
 * its event-invalidated cache.
 *
 *   npm run build && npm run bench -- bench/observe-plan.bench.ts
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../test/lab/index.js';
import { manifestDir, type ManifestDir } from '../test/helpers/manifest-dir.js';
import type { Desired } from '../src/model/desired.js';
import type { Provider } from '../src/providers/provider.js';
import { closeProviders, openProviders } from '../src/providers/registry.js';
import { libvirtCallCount } from '../src/providers/libvirt/binding.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute } from '../src/reconcile/executor.js';
import { DetailCache } from '../src/reconcile/observe.js';
import { defaultPolicy } from '../src/reconcile/policy.js';
import { executionDeps, planOnce } from '../src/reconcile/session.js';
import { median, run, table, timeIt } from './bench-util.js';

const GUESTS = 1000;
const HOSTS = 10;
let lab: Lab;
let md: ManifestDir;
let desired: Desired;
let providers: Map<string, Provider>;

beforeAll(async () => {
  lab = await startLab({ hosts: HOSTS, testDriverKeeper: true, name: 'bench-plan' });
  const hosts = lab.hosts.map((h) => `      - { name: ${h.name}, uri: "${h.testUri}" }`).join('\n');
  const files: Record<string, string> = {
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    hosts:\n${hosts}\n`,
  };
  const docs: string[] = [];
  for (let i = 0; i < GUESTS; i++) {
    const name = `g${String(i).padStart(4, '0')}`;
    const a = lab.hosts[i % HOSTS]?.name ?? 'h1';
    const b = lab.hosts[(i + 1) % HOSTS]?.name ?? 'h2';
    docs.push(
      `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${name} }\nspec:\n  site: lab\n  definition: { file: guests/${name}.xml }\n  placement: { hosts: [${a}, ${b}] }\n`,
    );
    files[`guests/${name}.xml`] = lab.testGuestXml(name);
  }
  files['guests.yaml'] = docs.join('---\n');
  md = await manifestDir(files);
  desired = await md.load();
  providers = await openProviders(desired, { env: {}, manifestDir: md.dir });
  // Converge once (2,000 defines, 1,000 starts), so the measured passes are steady state.
  const policy = defaultPolicy(Date.now());
  const { plan } = await planOnce(desired, providers, policy);
  await execute(
    plan.actions,
    executionDeps(desired, providers, policy),
    {},
    { ...DEFAULT_EXECUTOR_OPTIONS, globalLimit: 32, perHostLimit: 8 },
  );
}, 1_200_000);

afterAll(async () => {
  await closeProviders(providers);
  await lab.destroy();
  await md.remove();
});

it('prints observe + plan time and calls per pass against the per-guest virsh loop', async () => {
  const policy = defaultPolicy(Date.now());
  const check = await planOnce(desired, providers, policy);
  expect(check.plan.actions).toEqual([]);

  const cold: number[] = [];
  let coldCalls = 0;
  for (let i = 0; i < 5; i++) {
    const c0 = libvirtCallCount();
    cold.push(await timeIt(() => planOnce(desired, providers, policy)));
    coldCalls = libvirtCallCount() - c0;
  }
  const cache = new DetailCache();
  await planOnce(desired, providers, policy, cache);
  const warm: number[] = [];
  let warmCalls = 0;
  for (let i = 0; i < 10; i++) {
    const c0 = libvirtCallCount();
    warm.push(await timeIt(() => planOnce(desired, providers, policy, cache)));
    warmCalls = libvirtCallCount() - c0;
  }
  // The agents' way: one `virsh domstate` per guest, on the host holding it.
  const where = new Map<string, string>();
  for (const s of check.observed.sites.values())
    for (const g of s.guests) if (g.active && g.host) where.set(g.domainName, g.host);
  const loop = await timeIt(async () => {
    for (const [name, host] of where)
      await run('virsh', ['-c', lab.host(host).testUri, 'domstate', name]);
  });
  const c = median(cold);
  const w = median(warm);
  process.stdout.write(
    table(
      `Observe + plan, ${GUESTS} guests over ${HOSTS} hosts (test driver via libvirtd), medians:`,
      [
        ['method', 'time per pass', 'libvirt calls per pass', 'speed-up vs virsh loop'],
        [
          'virtwarden plan (cold: reads ownership)',
          `${c.toFixed(0)} ms`,
          `${coldCalls}`,
          `${(loop / c).toFixed(0)}×`,
        ],
        [
          'virtwarden watch pass (warm cache)',
          `${w.toFixed(0)} ms`,
          `${warmCalls}`,
          `${(loop / w).toFixed(0)}×`,
        ],
        ['virsh domstate per guest', `${loop.toFixed(0)} ms`, `${where.size}`, '1×'],
      ],
    ),
  );
  expect(warmCalls).toBe(HOSTS * 4);
});
