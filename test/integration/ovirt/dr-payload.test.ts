/**
 * A DR guest on an oVirt site starts with its network personality for the active site on a
 * payload CD-ROM: set through `PUT /vms/{id}` first (the engine accepts payloads on update, not
 * on start), then started — and the VM boots with it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import type { Provider } from '../../../src/providers/provider.js';
import { closeProviders, openProviders } from '../../../src/providers/registry.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute } from '../../../src/reconcile/executor.js';
import { defaultPolicy } from '../../../src/reconcile/policy.js';
import { executionDeps, planOnce } from '../../../src/reconcile/session.js';
import { caFileEntry, manifestDir, type ManifestDir } from '../../helpers/manifest-dir.js';

let sim: OvirtSim;
let md: ManifestDir;
let providers: Map<string, Provider>;

beforeAll(async () => {
  sim = await startOvirtSim({
    timing: { stepMs: 20, commandMs: 5 },
    dataset: {
      dataCenters: [{ name: 'DC' }],
      clusters: [
        { name: 'PRIM', dataCenter: 'DC' },
        { name: 'SEC', dataCenter: 'DC' },
      ],
      hosts: [
        { name: 'p1', cluster: 'PRIM' },
        { name: 's1', cluster: 'SEC' },
      ],
      vms: [{ name: 'fin-app', cluster: 'PRIM', os: { boot: ['hd'] } }],
    },
  });
  const site = (name: string, cluster: string): string =>
    `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: ${name} }\nspec:\n  ovirt:\n    url: ${sim.url}\n    user: admin@internal\n    passwordFrom: { env: PW }\n    caFile: ca.pem\n    cluster: ${cluster}\n    datacenter: DC\n`;
  md = await manifestDir({
    ...caFileEntry(sim.caFile),
    'sites.yaml': site('prim', 'PRIM') + '---\n' + site('sec', 'SEC'),
    'guest.yaml':
      'apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: app }\nspec: { site: prim, name: fin-app }\n',
    'dr.yaml':
      'apiVersion: virtwarden/v1\nkind: DisasterRecovery\nmetadata: { name: fin }\nspec:\n  sites: [prim, sec]\n  activeSite: prim\n  payload: both\n  guests:\n    - guest: app\n      network:\n        prim: { device: eth0, address: 192.168.74.31/22, gateway: 192.168.74.1, dnsServers: [192.168.74.2], dnsSearch: [prim.example.com] }\n        sec: { device: eth0, address: 10.20.0.31/24, gateway: 10.20.0.1, dnsServers: [10.20.0.2], dnsSearch: [dr.example.com] }\n',
  });
  providers = await openProviders(await md.load(), { env: { PW: 'secret' }, manifestDir: md.dir });
});

afterAll(async () => {
  await closeProviders(providers);
  await sim.stop();
  await md.remove();
});

describe('DR payload on oVirt', () => {
  it('sets the network personality of the active site as a CD-ROM payload, then starts the VM with it', async () => {
    const desired = await md.load();
    const policy = defaultPolicy(Date.now());
    const { plan } = await planOnce(desired, providers, policy);
    expect(plan.actions.map((a) => a.kind)).toEqual(['start']);
    expect(plan.actions[0]?.payload?.files.map((f) => f.name)).toEqual([
      'meta-data',
      'network-config',
      'user-data',
      'dr-network.conf',
    ]);
    const seq = sim.requests.lastSeq;
    const report = await execute(
      plan.actions,
      executionDeps(desired, providers, policy),
      {},
      DEFAULT_EXECUTOR_OPTIONS,
    );
    expect(report.results[0]?.status).toBe('done');
    const calls = sim.requests
      .list({ afterSeq: seq })
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'ID')}`);
    expect(calls).toEqual(['PUT /ovirt-engine/api/vms/ID', 'POST /ovirt-engine/api/vms/ID/start']);
    const vm = [...sim.state.vms.values()].find((v) => v.name === 'fin-app');
    const booted = vm?.runningPayloads[0]?.files ?? [];
    expect(booted.find((f) => f.name === 'network-config')?.content).toContain('192.168.74.31/22');
    expect(booted.find((f) => f.name === 'dr-network.conf')?.content).toContain(
      'NETMASK=255.255.252.0',
    );
  }, 60_000);
});
