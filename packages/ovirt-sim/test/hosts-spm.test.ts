import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { action, call, getXml, ids, startTestSim, text, waitFor, watchVm, xml } from './helpers.js';

let sim: OvirtSim;
beforeEach(async () => {
  sim = await startTestSim({ timing: { stepMs: 100, commandMs: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

async function hostStatus(name: string): Promise<{ status: string; spm: string }> {
  const host = (await getXml(sim, `hosts/${ids(sim).host(name)}`)).host;
  return { status: text(host, 'status') ?? '', spm: text(host, 'spm.status') ?? '' };
}

/** Polls a host through the API until `status`; returns the statuses seen. */
async function watchHost(name: string, status: string, timeoutMs = 5000): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      const s = (await hostStatus(name)).status;
      if (seen.at(-1) !== s) seen.push(s);
      return s === status ? s : undefined;
    },
    timeoutMs,
    `${name} to be ${status}`,
  );
  return seen;
}

async function spmHost(): Promise<string | undefined> {
  const hosts = await getXml(sim, 'hosts?search=status%3Dup');
  const spm = (hosts.hosts as { host: Record<string, unknown>[] }).host.filter(
    (h) => text(h, 'spm.status') === 'spm',
  );
  return spm.length === 1 ? text(spm[0], 'name') : undefined;
}

async function dcStatus(): Promise<string> {
  return text((await getXml(sim, 'datacenters')).data_centers, 'data_center.status') ?? '';
}

describe('maintenance and activation', () => {
  it('refuses maintenance while a pinned VM runs on the host, with the engine text', async () => {
    const res = await action(sim, `hosts/${ids(sim).host('prim-host-1')}/deactivate`);
    expect(res.status).toBe(409);
    expect(text(res.action, 'fault.detail')).toBe(
      '[Cannot switch the following Hosts to Maintenance mode: prim-host-1.\nOne or more running VMs are indicated as non-migratable. The non-migratable VMs are: license-server.]',
    );
  });

  it('moves the SPM host to maintenance: VMs migrate away, the SPM role moves by priority', async () => {
    const { vm, host } = ids(sim);
    expect(await spmHost()).toBe('prim-host-1');
    await action(sim, `vms/${vm('license-server')}/stop`);
    await watchVm(sim, vm('license-server'), 'down');
    const res = await action(
      sim,
      `hosts/${host('prim-host-1')}/deactivate`,
      '<action><reason>patching</reason></action>',
    );
    expect(res.status).toBe(200);
    expect(text(res.action, 'host.@id')).toBe(host('prim-host-1'));
    expect(await watchHost('prim-host-1', 'maintenance')).toEqual([
      'preparing_for_maintenance',
      'maintenance',
    ]);
    expect(sim.state.vmByName('finance-db')?.hostId).toBe(host('prim-host-2'));
    // prim-host-2 and sec-host-1 both have priority 5: the engine's choice is stable (by name here).
    expect(await waitFor(() => spmHost(), 3000, 'a new SPM')).toBe('prim-host-2');
    expect(await dcStatus()).toBe('up');
    const texts = sim.state.events.map((e) => `${e.code} ${e.description}`);
    expect(texts).toContain(
      '600 Host prim-host-1 was switched to Maintenance mode by admin@internal-authz (Reason: patching).',
    );
    expect(texts).toContain('15 Host prim-host-1 was switched to Maintenance Mode.');
    expect(
      texts.some((t) =>
        t.startsWith(
          '67 Migration initiated by system (VM: finance-db, Source: prim-host-1, Destination: prim-host-2',
        ),
      ),
    ).toBe(true);
    expect(
      texts.some((t) => t.startsWith('204 Storage Pool Manager runs on Host prim-host-2')),
    ).toBe(true);
  });

  it('activates a host: maintenance → unassigned → initializing → up', async () => {
    const host = sim.state.hostByName('sec-host-2');
    if (host === undefined) throw new Error('no sec-host-2');
    expect((await action(sim, `hosts/${host.id}/deactivate`)).status).toBe(200);
    await watchHost('sec-host-2', 'maintenance');
    expect((await action(sim, `hosts/${host.id}/activate`)).status).toBe(200);
    expect(await watchHost('sec-host-2', 'up')).toEqual(['unassigned', 'initializing', 'up']);
    expect(sim.state.events.map((e) => e.code)).toEqual(expect.arrayContaining([620, 15, 16, 13]));
    const again = await action(sim, `hosts/${host.id}/activate`);
    expect(again.status).toBe(409);
    expect(text(again.action, 'fault.detail')).toBe('[Cannot activate Host. Host in Up status.]');
  });
});

describe('forceselectspm', () => {
  it('checks the engine preconditions with their texts', async () => {
    const { host } = ids(sim);
    const already = await action(sim, `hosts/${host('prim-host-1')}/forceselectspm`);
    expect(already.status).toBe(409);
    expect(text(already.action, 'fault.detail')).toBe(
      '[Cannot force select SPM. The Host prim-host-1 is already SPM or contending.]',
    );
    const never = sim.state.hostByName('sec-host-2');
    if (never === undefined) throw new Error('no sec-host-2');
    never.spm.priority = -1;
    const marked = await action(sim, `hosts/${never.id}/forceselectspm`);
    expect(marked.status).toBe(400);
    expect(text(marked.action, 'fault.detail')).toBe(
      "[Cannot force select SPM. The SPM priority of Host sec-host-2 is set to 'never'. This Host cannot be elected as SPM.]",
    );
    never.status = 'maintenance';
    const notUp = await action(sim, `hosts/${never.id}/forceselectspm`);
    expect(text(notUp.action, 'fault.detail')).toBe(
      '[Cannot force select SPM. The Host sec-host-2 is not active.]',
    );
  });

  it('hands the role over: contending, then spm; the old SPM drops to none', async () => {
    const target = ids(sim).host('sec-host-1');
    const res = await action(sim, `hosts/${target}/forceselectspm`);
    expect(res.status).toBe(200);
    expect((await hostStatus('sec-host-1')).spm).toBe('contending');
    expect((await hostStatus('prim-host-1')).spm).toBe('none');
    await waitFor(async () => ((await hostStatus('sec-host-1')).spm === 'spm' ? true : undefined));
    expect(await dcStatus()).toBe('up');
    expect(sim.state.events.map((e) => e.code)).toEqual(expect.arrayContaining([159, 204]));
  });
});

describe('a non-responsive SPM and fencing', () => {
  it('keeps the role until fenced; the data center is problematic and VMs cannot start', async () => {
    const { vm, host } = ids(sim);
    await action(sim, `vms/${vm('license-server')}/stop`);
    await watchVm(sim, vm('license-server'), 'down');
    sim.engine.makeHostNonResponsive('prim-host-1');
    expect((await hostStatus('prim-host-1')).status).toBe('non_responsive');
    expect(await dcStatus()).toBe('problematic');
    expect(text((await getXml(sim, `vms/${vm('finance-db')}`)).vm, 'status')).toBe('unknown');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await hostStatus('prim-host-1')).spm).toBe('spm');

    const start = await action(sim, `vms/${vm('finance-app')}/start`);
    expect(text(start.action, 'fault.detail')).toBe('[Cannot run VM. Unknown Data Center status.]');
    const force = await action(sim, `hosts/${host('sec-host-1')}/forceselectspm`);
    expect(text(force.action, 'fault.detail')).toBe(
      '[Cannot force select SPM. Unknown Data Center status.]',
    );
    const maintenance = await action(sim, `hosts/${host('prim-host-1')}/deactivate`);
    expect(text(maintenance.action, 'fault.detail')).toBe(
      '[Cannot switch Host to Maintenance mode.\nHost still has running VMs on it and is in Non Responsive state.]',
    );

    const fence = await action(
      sim,
      `hosts/${host('prim-host-1')}/fence`,
      '<action><fence_type>manual</fence_type></action>',
    );
    expect(fence.status).toBe(200);
    expect(text((await getXml(sim, `vms/${vm('finance-db')}`)).vm, 'status')).toBe('down');
    expect((await hostStatus('prim-host-1')).spm).toBe('none');
    expect(await waitFor(() => spmHost(), 3000, 'a new SPM')).toBe('prim-host-2');
    expect(await dcStatus()).toBe('up');
    expect((await action(sim, `vms/${vm('finance-app')}/start`)).status).toBe(200);
    const texts = sim.state.events.map((e) => `${e.code} ${e.description}`);
    expect(texts).toContain('12 Host prim-host-1 is non responsive.');
    expect(texts).toContain('494 Manual fence for host prim-host-1 was started.');
    expect(texts).toContain(
      '143 Vm finance-db was shut down due to prim-host-1 host reboot or manual fence',
    );
  });

  it('fence restart power-cycles a hung host back to up and frees its VMs', async () => {
    const { vm, host } = ids(sim);
    sim.engine.makeHostNonResponsive('prim-host-2');
    const res = await action(
      sim,
      `hosts/${host('prim-host-2')}/fence`,
      '<action><fence_type>restart</fence_type></action>',
    );
    expect(res.status).toBe(200);
    expect(text((await getXml(sim, `vms/${vm('finance-web')}`)).vm, 'status')).toBe('down');
    expect(await watchHost('prim-host-2', 'up')).toEqual(
      expect.arrayContaining(['initializing', 'up']),
    );
    expect(sim.state.events.map((e) => e.code)).toEqual(
      expect.arrayContaining([9017, 9018, 41, 143]),
    );
  });

  it('fails a restart when the fence agent is unreachable', async () => {
    const { host } = ids(sim);
    sim.engine.makeHostNonResponsive('prim-host-2', {
      rebootFixes: false,
      powerManagementReachable: false,
    });
    const res = await action(
      sim,
      `hosts/${host('prim-host-2')}/fence`,
      '<action><fence_type>restart</fence_type></action>',
    );
    expect(res.status).toBe(409);
    expect(text(res.action, 'fault.detail')).toBe('[Cannot restart Host. Fence operation failed.]');
    expect(sim.state.events.at(-1)?.code).toBe(9019);
  });

  it('reports power status, and the fence validation errors', async () => {
    const { host } = ids(sim);
    const status = await action(
      sim,
      `hosts/${host('prim-host-1')}/fence`,
      '<action><fence_type>status</fence_type></action>',
    );
    expect(status.status).toBe(200);
    expect(text(status.action, 'power_management.status')).toBe('on');
    expect(text(status.action, 'status')).toBe('complete');
    const noPm = await action(
      sim,
      `hosts/${host('sec-host-2')}/fence`,
      '<action><fence_type>status</fence_type></action>',
    );
    expect(noPm.status).toBe(200);
    expect(text(noPm.action, 'status')).toBe('failed');
    const disabled = await action(
      sim,
      `hosts/${host('sec-host-2')}/fence`,
      '<action><fence_type>restart</fence_type></action>',
    );
    expect(text(disabled.action, 'fault.detail')).toBe(
      '[Cannot fence Host, Host fence is disabled.]',
    );
    const stop = await action(
      sim,
      `hosts/${host('sec-host-1')}/fence`,
      '<action><fence_type>stop</fence_type></action>',
    );
    expect(stop.status).toBe(409);
    expect(text(stop.action, 'fault.detail')).toBe(
      '[Cannot perform Stop operation, Host has to be in Maintenance mode in order to be stopped.]',
    );
    const bad = await call(sim, 'POST', `hosts/${host('sec-host-1')}/fence`, {
      body: '<action><fence_type>reboot</fence_type></action>',
    });
    expect(bad.status).toBe(400);
    expect(xml(bad.body).fault).toEqual({
      reason: 'Invalid value',
      detail:
        'REBOOT is not a member of FenceType. Possible values for FenceType are: manual, restart, start, stop, status',
    });
    const missing = await call(sim, 'POST', `hosts/${host('sec-host-1')}/fence`, {
      body: '<action/>',
    });
    expect(missing.status).toBe(400);
    expect(xml(missing.body).fault).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Action [fenceType] required for fence',
    });
  });

  it('a restored host comes back up with its VMs', async () => {
    sim.engine.makeHostNonResponsive('prim-host-2');
    sim.engine.restoreHost('prim-host-2');
    expect(await watchHost('prim-host-2', 'up')).toEqual(['non_responsive', 'up']);
    expect(sim.state.vmByName('finance-web')?.status).toBe('up');
  });
});
