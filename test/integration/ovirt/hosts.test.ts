/**
 * Host operations and manual fencing through the engine (simulator): maintenance and back,
 * force-select SPM, and a lost host whose VMs wait (UNKNOWN) until `virtwarden fence confirm`
 * fences it manually in the engine — then they are started again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/main.js';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import type { Desired } from '../../../src/model/desired.js';
import type { OvirtProvider } from '../../../src/providers/ovirt/provider.js';
import type { Provider } from '../../../src/providers/provider.js';
import { closeProviders, openProviders } from '../../../src/providers/registry.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute } from '../../../src/reconcile/executor.js';
import { defaultPolicy } from '../../../src/reconcile/policy.js';
import { executionDeps, planOnce } from '../../../src/reconcile/session.js';
import { captureIo } from '../../helpers/cli-io.js';
import { caFileEntry, manifestDir, type ManifestDir } from '../../helpers/manifest-dir.js';

let sim: OvirtSim;
let md: ManifestDir;
let desired: Desired;
let providers: Map<string, Provider>;
let state: string;
const env = { RHEVM_PASSWORD: 'secret' };

beforeAll(async () => {
  sim = await startOvirtSim({ timing: { stepMs: 30, commandMs: 10 } });
  md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: prim }\nspec:\n  ovirt:\n    url: ${sim.url}\n    user: admin@internal\n    passwordFrom: { env: RHEVM_PASSWORD }\n    caFile: ca.pem\n    cluster: RHEV-PRIM-CLUS\n    datacenter: RHEV-DC\n    manualFencing: true\n`,
    'guests.yaml': `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: db }\nspec: { site: prim, name: finance-db }\n`,
  });
  desired = await md.load();
  providers = await openProviders(desired, { env, manifestDir: md.dir });
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
});

afterAll(async () => {
  await closeProviders(providers);
  await sim.stop();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

const engine = (): OvirtProvider => providers.get('prim') as OvirtProvider;

describe('oVirt hosts through the engine', () => {
  it('deactivates a host into maintenance and activates it again', async () => {
    expect(
      await engine().hostOperation('prim-host-2', { kind: 'deactivate', reason: 'patching' }),
    ).toBe('maintenance');
    expect((await engine().observe()).hosts.get('prim-host-2')?.status).toBe('maintenance');
    expect(await engine().hostOperation('prim-host-2', { kind: 'activate' })).toBe('up');
    expect((await engine().observe()).hosts.get('prim-host-2')?.status).toBe('up');
  }, 60_000);

  it('reads a host power state through its fence agent', async () => {
    expect(await engine().hostOperation('prim-host-2', { kind: 'fence', type: 'status' })).toBe(
      'on',
    );
  }, 60_000);

  it('a lost host: its VM waits for fencing, fence confirm fences it in the engine, then the VM starts', async () => {
    sim.engine.makeHostNonResponsive('prim-host-1', {
      rebootFixes: false,
      powerManagementReachable: false,
    });
    const policy = defaultPolicy(Date.now());
    const held = await planOnce(desired, providers, policy);
    expect(held.plan.actions).toEqual([]);
    expect(held.plan.holds.map((h) => h.reason)).toEqual(['waiting-for-fencing']);

    const io = captureIo({ env: { ...env, VIRTWARDEN_STATE_DIR: state } });
    expect(await runCli(['fence', 'confirm', 'prim-host-1', '--dir', md.dir], io)).toBe(0);
    expect(io.out()).toContain('The engine confirmed prim-host-1 fenced');

    const after = await planOnce(desired, providers, defaultPolicy(Date.now()));
    expect(after.plan.actions.map((a) => a.kind)).toEqual(['start']);
    const report = await execute(
      after.plan.actions,
      executionDeps(desired, providers, policy),
      {},
      DEFAULT_EXECUTOR_OPTIONS,
    );
    expect(report.results[0]).toMatchObject({ status: 'done' });
    const vm = (await engine().observe()).guests.find((g) => g.domainName === 'finance-db');
    expect(vm).toMatchObject({ state: 'ONLINE', host: 'prim-host-2' });
  }, 60_000);

  it('fence confirm is refused for an engine host that is up', async () => {
    const io = captureIo({ env: { ...env, VIRTWARDEN_STATE_DIR: state } });
    expect(await runCli(['fence', 'confirm', 'prim-host-2', '--dir', md.dir], io)).toBe(1);
    expect(io.err()).toContain('prim-host-2 answers');
  }, 60_000);

  it('force-selects the SPM', async () => {
    sim.engine.restoreHost('prim-host-1');
    const t0 = Date.now();
    while (
      (await engine().observe()).hosts.get('prim-host-1')?.status !== 'up' &&
      Date.now() - t0 < 20_000
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const spmNow = async (h: string): Promise<string | undefined> => {
      const host = (await engine().client.get('hosts', { search: `name=${h}` })).host as
        { spm?: { status?: string } }[] | undefined;
      return host?.[0]?.spm?.status;
    };
    const target = (await spmNow('prim-host-2')) === 'spm' ? 'prim-host-1' : 'prim-host-2';
    if ((await spmNow(target)) !== 'spm') {
      expect(await engine().hostOperation(target, { kind: 'force-select-spm' })).toBe('spm');
      expect(await spmNow(target)).toBe('spm');
    }
  }, 60_000);
});
