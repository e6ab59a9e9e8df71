/**
 * The oVirt provider against the engine simulator: observe in bulk, verify, converge with
 * apply's pipeline, idempotence, and faults injected at every step (5xx, dropped connections,
 * a lost response after the engine acted, a VM hung in wait_for_launch) without duplicates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import type { Desired } from '../../../src/model/desired.js';
import type { Provider } from '../../../src/providers/provider.js';
import { closeProviders, openProviders } from '../../../src/providers/registry.js';
import { execute, DEFAULT_EXECUTOR_OPTIONS } from '../../../src/reconcile/executor.js';
import { defaultPolicy } from '../../../src/reconcile/policy.js';
import { executionDeps, planOnce } from '../../../src/reconcile/session.js';
import { caFileEntry, manifestDir, type ManifestDir } from '../../helpers/manifest-dir.js';

let sim: OvirtSim;
let md: ManifestDir;
let desired: Desired;
let providers: Map<string, Provider>;
const env = { RHEVM_PASSWORD: 'secret' };

function manifests(url: string, caFile: string, appState = 'running'): Record<string, string> {
  return {
    'site.yaml': `apiVersion: virtwarden/v1
kind: Site
metadata: { name: prim }
spec:
  ovirt:
    url: ${url}
    user: admin@internal
    passwordFrom: { env: RHEVM_PASSWORD }
    caFile: ${caFile}
    cluster: RHEV-PRIM-CLUS
    datacenter: RHEV-DC
`,
    'guests.yaml': `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: db }
spec: { site: prim, name: finance-db, timing: { stopTimeoutSeconds: 2 } }
---
apiVersion: virtwarden/v1
kind: Guest
metadata: { name: app }
spec: { site: prim, name: finance-app, state: ${appState}, dependsOn: [db], timing: { stopTimeoutSeconds: 2 } }
`,
  };
}

async function converge(d: Desired): Promise<{ actions: string[]; statuses: string[] }> {
  const policy = defaultPolicy(Date.now());
  const { plan } = await planOnce(d, providers, policy);
  const report = await execute(
    plan.actions,
    executionDeps(d, providers, policy),
    {},
    {
      ...DEFAULT_EXECUTOR_OPTIONS,
      backoff: { baseMs: 50, capMs: 200 },
    },
  );
  return {
    actions: plan.actions.map((a) => a.id),
    statuses: report.results.map((r) => `${r.id}=${r.status}`),
  };
}

beforeAll(async () => {
  sim = await startOvirtSim({ timing: { stepMs: 40, commandMs: 10 } });
  md = await manifestDir({ ...caFileEntry(sim.caFile), ...manifests(sim.url, 'ca.pem') });
  desired = await md.load();
  providers = await openProviders(desired, { env, manifestDir: md.dir });
});
afterAll(async () => {
  await closeProviders(providers);
  await sim.stop();
  await md.remove();
});
beforeEach(() => {
  sim.faults.clear();
});

describe('oVirt provider against the simulated engine', () => {
  it('observes the cluster in a constant number of requests and maps VM statuses', async () => {
    const before = sim.requests.lastSeq;
    const site = await providers.get('prim')?.observe();
    const after = sim.requests.count({ afterSeq: before });
    expect(site?.reachable).toBe(true);
    expect(site?.guests.find((g) => g.domainName === 'finance-db')).toMatchObject({
      state: 'ONLINE',
      confidence: 100,
      host: 'prim-host-1',
    });
    expect(site?.guests.find((g) => g.domainName === 'finance-app')).toMatchObject({
      state: 'OFFLINE',
      active: false,
    });
    expect(after).toBeLessThanOrEqual(3);
  });

  it('verify reports each check on its own line, including the engine HA check', async () => {
    const checks = await providers.get('prim')?.verify(desired);
    const names = (checks ?? []).map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}`);
    expect(names).toContain('ok VM finance-db exists');
    expect(names.some((n) => n.includes('finance-app: engine HA disabled'))).toBe(true);
    expect(
      names.some((n) => n.startsWith('ok cluster RHEV-PRIM-CLUS in data center RHEV-DC')),
    ).toBe(true);
  });

  it('apply converges (app started after db), and a second plan has no changes', async () => {
    const first = await converge(desired);
    expect(first.actions).toEqual(['start:app']);
    expect(first.statuses).toEqual(['start:app=done']);
    const { plan } = await planOnce(desired, providers, defaultPolicy(Date.now()));
    expect(plan.actions).toEqual([]);
  });

  it('a VM killed in the engine is planned for a restart', async () => {
    sim.engine.killVm('finance-app');
    const { plan } = await planOnce(desired, providers, defaultPolicy(Date.now()));
    expect(plan.actions.map((a) => a.id)).toEqual(['start:app']);
    await converge(desired);
  });

  it('a 5xx and a dropped connection on start are retried; the VM starts once', async () => {
    sim.engine.killVm('finance-app');
    sim.faults.error('vms/*/start', 503, { times: 1 });
    sim.faults.drop('vms/*/start', { times: 1 });
    const seq = sim.requests.lastSeq;
    const r = await converge(desired);
    expect(r.statuses).toEqual(['start:app=done']);
    const starts = sim.requests.list({ method: 'POST', path: 'vms/*/start', afterSeq: seq });
    expect(starts).toHaveLength(3);
    const { plan } = await planOnce(desired, providers, defaultPolicy(Date.now()));
    expect(plan.actions).toEqual([]);
  });

  it('a lost response after the engine started the VM is not repeated', async () => {
    sim.engine.killVm('finance-app');
    sim.faults.loseResponse('vms/*/start', { times: 1 });
    const seq = sim.requests.lastSeq;
    const r = await converge(desired);
    expect(r.statuses[0]).toMatch(/start:app=(done|skipped)/);
    expect(sim.requests.list({ method: 'POST', path: 'vms/*/start', afterSeq: seq })).toHaveLength(
      1,
    );
  });

  it('state: stopped shuts the VM down and observation agrees', async () => {
    const stopped = await manifestDir({
      ...caFileEntry(sim.caFile),
      ...manifests(sim.url, 'ca.pem', 'stopped'),
    });
    try {
      const d = await stopped.load();
      const r = await converge(d);
      expect(r.statuses).toEqual([expect.stringMatching(/^stop:app@prim-host-\d=done$/)]);
      const vm = (await providers.get('prim')?.observe())?.guests.find(
        (g) => g.domainName === 'finance-app',
      );
      expect(vm?.state).toBe('OFFLINE');
    } finally {
      await stopped.remove();
    }
  });

  it('an engine that does not answer makes the site unreachable, not empty', async () => {
    sim.faults.error('vms', 503);
    sim.faults.error('hosts', 503);
    const site = await providers.get('prim')?.observe();
    expect(site?.reachable).toBe(false);
    const { plan } = await planOnce(desired, providers, defaultPolicy(Date.now()));
    expect(plan.actions).toEqual([]);
    expect(plan.holds.map((h) => h.reason)).toContain('site-unreachable');
  });
});
