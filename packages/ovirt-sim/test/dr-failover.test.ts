import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { action, call, getXml, ids, startTestSim, text, waitFor, watchVm, xml } from './helpers.js';

let sim: OvirtSim;
beforeEach(async () => {
  sim = await startTestSim({ timing: { stepMs: 40, commandMs: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

describe('site failover through the API (seed-facts.md §4)', () => {
  it('fences the lost SPM, waits for the role to move, moves the VM to the other cluster and starts it with a payload', async () => {
    const { vm, host } = ids(sim);
    // The primary site dies: hosts and their fence agents are unreachable.
    for (const h of ['prim-host-1', 'prim-host-2']) {
      sim.engine.makeHostNonResponsive(h, { rebootFixes: false, powerManagementReachable: false });
    }
    expect(text(await getXml(sim, 'datacenters'), 'data_centers.data_center.status')).toBe(
      'problematic',
    );

    const restart = await action(
      sim,
      `hosts/${host('prim-host-1')}/fence`,
      '<action><fence_type>restart</fence_type></action>',
    );
    expect(restart.status).toBe(409);
    const manual = await action(
      sim,
      `hosts/${host('prim-host-1')}/fence`,
      '<action><fence_type>manual</fence_type></action>',
    );
    expect(manual.status).toBe(200);
    const spm = await waitFor(
      async () => {
        const h = (await getXml(sim, `hosts/${host('sec-host-1')}`)).host;
        return text(h, 'spm.status') === 'spm' ? 'sec-host-1' : undefined;
      },
      3000,
      'the SPM to move to the secondary site',
    );
    expect(spm).toBe('sec-host-1');

    const dbId = vm('finance-db');
    expect(text((await getXml(sim, `vms/${dbId}`)).vm, 'status')).toBe('down');
    const moved = await call(sim, 'PUT', `vms/${dbId}`, {
      body:
        '<vm><cluster><name>RHEV-SEC-CLUS</name></cluster><payloads><payload><type>cdrom</type><files>' +
        '<file><name>net.json</name><content>{"ip":"10.2.0.5"}</content></file></files></payload></payloads></vm>',
    });
    expect(moved.status).toBe(200);
    expect(text(xml(moved.body), 'vm.cluster.@id')).toBe(
      sim.state.clusterByName('RHEV-SEC-CLUS')?.id,
    );
    expect((await action(sim, `vms/${dbId}/start`)).status).toBe(200);
    await watchVm(sim, dbId, 'up');
    const running = sim.state.vms.get(dbId);
    expect(['sec-host-1', 'sec-host-2']).toContain(
      sim.state.hosts.get(running?.hostId ?? '')?.name,
    );
    expect(running?.runningPayloads[0]?.files[0]?.content).toBe('{"ip":"10.2.0.5"}');
    expect(sim.state.events.map((e) => e.code)).toEqual(
      expect.arrayContaining([12, 980, 9019, 494, 143, 204, 35, 153, 32]),
    );
  });

  it('refuses to move a running VM to another cluster', async () => {
    const res = await call(sim, 'PUT', `vms/${ids(sim).vm('finance-db')}`, {
      body: '<vm><cluster><name>RHEV-SEC-CLUS</name></cluster></vm>',
    });
    expect(res.status).toBe(409);
    expect(text(xml(res.body), 'fault.detail')).toBe(
      '[Cannot update a VM in this status. Try stopping the VM first.]',
    );
  });
});
