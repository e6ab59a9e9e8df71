/**
 * Benchmark (issue 17): `simulate` of "each host dies in turn" on 1,000 guests over 20 hosts —
 * 20 scenarios, each host dying with a fence command that succeeds, its guests failing over.
 * Goal: all 20 scenarios in < 2 s. Pure (no hosts): the fleet is the test-driver fleet's
 * manifests, converged by the simulator's own first reconcile from empty hosts. Prints the
 * times of that baseline and of each scenario.
 *
 *   npm run bench -- bench/simulate.bench.ts
 */
import { expect, it } from '@jest/globals';
import { rm, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadManifests } from '../src/manifest/index.js';
import type { Observed, ObservedHost } from '../src/model/observed.js';
import { defaultPolicy } from '../src/reconcile/policy.js';
import { runScenario, settle } from '../src/simulate/run.js';
import { parseScenario } from '../src/simulate/scenario.js';
import { testDriverFleet } from '../test/helpers/test-driver-fleet.js';
import { median, table } from './bench-util.js';

const GUESTS = 1000;
const HOSTS = 20;

it(`simulate: each of ${String(HOSTS)} hosts dies in turn, ${String(GUESTS)} guests`, async () => {
  const dir = testDriverFleet(GUESTS, HOSTS);
  try {
    // Every host gets a fence command, so each loss ends in failovers (the expensive case).
    const site = path.join(dir, 'site.yaml');
    const text = await readFile(site, 'utf8');
    await writeFile(site, text.replace(/\.xml' \}/g, ".xml', fence: { command: [/bin/true] } }"));
    const loaded = await loadManifests(dir);
    const desired = loaded.desired;
    if (!desired) throw new Error(JSON.stringify(loaded.diagnostics.slice(0, 3)));
    const hosts = new Map<string, ObservedHost>();
    for (let i = 1; i <= HOSTS; i++) {
      const name = `kvm${String(i)}`;
      hosts.set(name, { name, site: 'lab', status: 'up', liveMigration: false });
    }
    const empty: Observed = {
      sites: new Map([
        ['lab', { name: 'lab', kind: 'libvirt', reachable: true, hosts, guests: [] }],
      ]),
    };

    const t0 = performance.now();
    const baseline = settle({ desired, observed: empty, policy: defaultPolicy(Date.now()) });
    const settleMs = performance.now() - t0;
    const scenarios = parseScenario(desired, 'each-host-dies');
    expect(scenarios).toHaveLength(HOSTS);

    const times: number[] = [];
    const rows: string[][] = [];
    const t1 = performance.now();
    for (const s of scenarios) {
      const ts = performance.now();
      const r = runScenario(baseline, s);
      times.push(performance.now() - ts);
      expect(r.summary.unplaced).toBe(0);
      expect(r.summary.running).toBe(GUESTS);
      rows.push([
        s.name,
        String(r.summary.failovers),
        String(r.steps.length),
        `${(times.at(-1) ?? 0).toFixed(0)} ms`,
      ]);
    }
    const allMs = performance.now() - t1;
    process.stdout.write(
      table(`simulate, ${String(GUESTS)} guests / ${String(HOSTS)} hosts`, [
        ['scenario', 'failovers', 'steps', 'time'],
        ...rows,
      ]) +
        `\nbaseline (converge from empty hosts, once): ${settleMs.toFixed(0)} ms\n` +
        `all ${String(HOSTS)} scenarios: ${allMs.toFixed(0)} ms (median ${median(times).toFixed(0)} ms each; goal < 2000 ms)\n`,
    );
    expect(allMs).toBeLessThan(2000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
