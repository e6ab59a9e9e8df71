import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { action, getXml, ids, list, startTestSim, text, waitFor, watchVm } from './helpers.js';

let sim: OvirtSim;
beforeEach(async () => {
  sim = await startTestSim({ timing: { stepMs: 40, commandMs: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

async function eventIds(query: string, headers: Record<string, string> = {}): Promise<number[]> {
  return list((await getXml(sim, `events${query}`, { headers })).events, 'event').map((e) =>
    Number(e.index),
  );
}

describe('GET /events', () => {
  it('lists newest first; index equals id; max, from and search narrow the list', async () => {
    const { vm } = ids(sim);
    await action(sim, `vms/${vm('finance-app')}/start`);
    await watchVm(sim, vm('finance-app'), 'up');
    await action(sim, `vms/${vm('finance-app')}/stop`);
    await watchVm(sim, vm('finance-app'), 'down');
    const all = await eventIds('');
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    const newest = all[0] ?? 0;
    expect(await eventIds('?max=1')).toEqual([newest]);
    const from = all[3] ?? 0;
    expect(await eventIds(`?from=${from}`)).toEqual(all.slice(0, 3));
    // from + max keeps the newest of what is new: a poller with a small max skips events.
    expect(await eventIds(`?from=${from}&max=1`)).toEqual([newest]);
    expect(await eventIds(`;from=${from}`)).toEqual(all.slice(0, 3));
    const runs = list((await getXml(sim, 'events?search=type%3D32')).events, 'event');
    expect(runs.map((e) => text(e, 'description'))).toEqual([
      'VM finance-app started on Host prim-host-2',
    ]);
  });

  it('links events to the VM, host, cluster, data center and user', async () => {
    const { vm, host } = ids(sim);
    await action(sim, `vms/${vm('finance-app')}/start`);
    const event = list((await getXml(sim, 'events?search=type%3D153')).events, 'event')[0];
    expect(text(event, 'vm.@id')).toBe(vm('finance-app'));
    expect(text(event, 'host.@id')).toBe(host('prim-host-2'));
    expect(text(event, 'cluster.@href')).toMatch(/^\/ovirt-engine\/api\/clusters\//);
    expect(text(event, 'data_center.@href')).toMatch(/^\/ovirt-engine\/api\/datacenters\//);
    expect(text(event, 'user.@href')).toMatch(/^\/ovirt-engine\/api\/users\//);
    expect(text(event, 'severity')).toBe('normal');
    expect(text(event, 'origin')).toBe('oVirt');
    expect(text(event, 'time')).toMatch(/\+00:00$/);
  });

  it('ignores from for a filtered listing without search (GetAllEventMessages)', async () => {
    const all = await eventIds('');
    expect(all.length).toBeGreaterThan(0);
    expect(await eventIds(`?from=${all[0] ?? 0}`, { filter: 'true' })).toEqual(all);
  });
});

describe('engine events for failures', () => {
  it('a killed VM goes down with error (119)', async () => {
    sim.engine.killVm('finance-web');
    const vm = (await getXml(sim, `vms/${ids(sim).vm('finance-web')}`)).vm;
    expect(text(vm, 'status')).toBe('down');
    const last = sim.state.events.find((e) => e.code === 119);
    expect(last?.vmId).toBe(ids(sim).vm('finance-web'));
    expect(last?.severity).toBe('error');
    expect(last?.description).toBe(
      'VM finance-web is down with error. Exit message: Lost connection with qemu process.',
    );
  });

  it('the engine restarts a killed highly available VM (9602, 506) and refuses a user start meanwhile', async () => {
    const ha = sim.state.vmByName('finance-web');
    if (ha === undefined) throw new Error('no finance-web');
    ha.highAvailability.enabled = true;
    sim.engine.killVm('finance-web');
    const refused = await action(sim, `vms/${ha.id}/start`);
    expect(refused.status).toBe(409);
    expect(text(refused.action, 'fault.detail')).toBe('[Cannot run VM. VM is running.]');
    await waitFor(() => (ha.status === 'up' ? true : undefined), 5000, 'the HA restart');
    const codes = sim.state.events.map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining([119, 9602, 506, 32]));
  });
});
