import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import {
  action,
  call,
  getXml,
  ids,
  list,
  startTestSim,
  text,
  waitFor,
  watchVm,
  xml,
} from './helpers.js';

let sim: OvirtSim;
beforeEach(async () => {
  // Steps long enough for a poller to see every intermediate status.
  sim = await startTestSim({ timing: { stepMs: 200, commandMs: 0 } });
});
afterEach(async () => {
  await sim.stop();
});

const LIBGOVIRT_BODY = '<action><async>false</async></action>';

function codes(): number[] {
  return sim.state.events.map((e) => e.code);
}

describe('start (RunVm)', () => {
  it('answers complete at once, then moves down → wait_for_launch → powering_up → up', async () => {
    const vmId = ids(sim).vm('finance-app');
    const res = await action(sim, `vms/${vmId}/start`, LIBGOVIRT_BODY);
    expect(res.status).toBe(200);
    expect(text(res.action, 'status')).toBe('complete');
    expect(text(res.action, 'async')).toBe('false');
    expect(text(res.action, 'vm.@id')).toBe(vmId);
    const jobHref = text(res.action, 'job.@href') ?? '';
    expect(jobHref).toMatch(/^\/ovirt-engine\/api\/jobs\/[0-9a-f-]{36}$/);
    const seen = await watchVm(sim, vmId, 'up');
    expect(seen).toEqual(['wait_for_launch', 'powering_up', 'up']);
    const vm = (await getXml(sim, `vms/${vmId}`)).vm;
    expect(text(vm, 'host.@id')).toBeDefined();
    expect(text(vm, 'start_time')).toBeDefined();
    const job = await getXml(sim, jobHref);
    expect(text(job, 'job.status')).toBe('finished');
    expect(text(job, 'job.description')).toBe('Launching VM finance-app');
    expect(codes()).toEqual(expect.arrayContaining([153, 32]));
  });

  it('refuses to start an up VM with the engine text, wrapped in <action>', async () => {
    const res = await action(sim, `vms/${ids(sim).vm('finance-db')}/start`, LIBGOVIRT_BODY);
    expect(res.status).toBe(409);
    expect(text(res.action, 'status')).toBe('failed');
    expect(text(res.action, 'fault.reason')).toBe('Operation Failed');
    expect(text(res.action, 'fault.detail')).toBe(
      '[Cannot run VM because the VM is in Up status.]',
    );
  });

  it('refuses two initialization types with a bare 409 fault', async () => {
    const res = await call(sim, 'POST', `vms/${ids(sim).vm('finance-app')}/start`, {
      body: '<action><use_cloud_init>true</use_cloud_init><use_sysprep>true</use_sysprep></action>',
    });
    expect(res.status).toBe(409);
    expect(text(xml(res.body), 'fault.reason')).toBe(
      'Cannot use multiple initialization tags simultaneously when running VM.',
    );
  });

  it('reports an unknown VM as a 400 validation failure', async () => {
    const res = await action(sim, 'vms/123e4567-e89b-12d3-a456-426614174000/start');
    expect(res.status).toBe(400);
    expect(text(res.action, 'fault.detail')).toBe('[Cannot run VM. VM is not found.]');
  });

  it('locks the VM while the command runs: a concurrent start is refused', async () => {
    await sim.stop();
    sim = await startTestSim({ timing: { stepMs: 200, commandMs: 150 } });
    const vmId = ids(sim).vm('finance-app');
    const [a, b] = await Promise.all([
      action(sim, `vms/${vmId}/start`),
      action(sim, `vms/${vmId}/start`),
    ]);
    const details = [a, b]
      .map((r) => `${r.status} ${text(r.action, 'fault.detail') ?? 'ok'}`)
      .sort();
    expect(details).toEqual([
      '200 ok',
      '409 [Cannot run VM. Related operation is currently in progress. Please try again later.]',
    ]);
  });

  it('accepts JSON bodies and answers JSON', async () => {
    const res = await call(sim, 'POST', `vms/${ids(sim).vm('finance-app')}/start`, {
      json: true,
      body: '{"async": false}',
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body.status).toBe('complete');
    expect(body.async).toBe('false');
  });
});

describe('stop and shutdown', () => {
  it('stop: up → powering_down → down, host cleared, events 33 and 61', async () => {
    const vmId = ids(sim).vm('finance-web');
    const res = await action(
      sim,
      `vms/${vmId}/stop`,
      '<action><reason>maintenance window</reason></action>',
    );
    expect(res.status).toBe(200);
    expect(await watchVm(sim, vmId, 'down')).toEqual(['powering_down', 'down']);
    const vm = (await getXml(sim, `vms/${vmId}`)).vm;
    expect(vm).not.toHaveProperty('host');
    expect(text(vm, 'stop_reason')).toBe('maintenance window');
    const texts = sim.state.events.map((e) => `${e.code} ${e.description}`);
    expect(texts).toContain(
      '33 VM finance-web powered off by admin@internal-authz (Host: prim-host-2) (Reason: maintenance window).',
    );
    expect(texts).toContain(
      '61 VM finance-web is down. Exit message: Admin shut down from the engine',
    );
  });

  it('stopping a down VM succeeds and logs that it was skipped', async () => {
    const res = await action(sim, `vms/${ids(sim).vm('finance-app')}/stop`);
    expect(res.status).toBe(200);
    expect(text(res.action, 'status')).toBe('complete');
    expect(sim.state.events.at(-1)?.description).toBe(
      'VM finance-app is already Down, Stop VM was skipped. User: admin@internal-authz.',
    );
  });

  it('shutdown logs 73 and ends down with the guest exit message', async () => {
    const vmId = ids(sim).vm('finance-db');
    expect((await action(sim, `vms/${vmId}/shutdown`)).status).toBe(200);
    await watchVm(sim, vmId, 'down');
    expect(codes()).toContain(73);
    expect(sim.state.events.at(-1)?.description).toBe(
      'VM finance-db is down. Exit message: User shut down from within the guest',
    );
  });
});

describe('suspend (HibernateVm)', () => {
  it('answers 202 pending, goes saving_state → suspended, and resumes through restoring_state', async () => {
    const vmId = ids(sim).vm('finance-web');
    const res = await action(sim, `vms/${vmId}/suspend`);
    expect(res.status).toBe(202);
    expect(text(res.action, 'status')).toBe('pending');
    expect(text(res.action, 'async')).toBe('true');
    expect(list(res.action, 'link').map((l) => String(l['@rel']))).toEqual(['parent', 'replay']);
    expect(await watchVm(sim, vmId, 'suspended')).toEqual(['saving_state', 'suspended']);
    expect(codes()).toEqual(expect.arrayContaining([501, 503]));
    expect((await action(sim, `vms/${vmId}/start`)).status).toBe(200);
    expect(await watchVm(sim, vmId, 'up')).toEqual(['restoring_state', 'up']);
  });

  it('blocks with <async>false</async> and answers complete', async () => {
    const res = await action(sim, `vms/${ids(sim).vm('finance-web')}/suspend`, LIBGOVIRT_BODY);
    expect(res.status).toBe(200);
    expect(text(res.action, 'status')).toBe('complete');
  });

  it('refuses a down VM', async () => {
    const res = await action(sim, `vms/${ids(sim).vm('finance-app')}/suspend`);
    expect(res.status).toBe(409);
    expect(text(res.action, 'fault.detail')).toBe('[Cannot hibernate VM. VM is not up.]');
  });
});

describe('migrate', () => {
  it('moves the VM to the host given by id: up → migrating → up, events 62 and 63', async () => {
    const { vm, host } = ids(sim);
    const res = await action(
      sim,
      `vms/${vm('finance-db')}/migrate`,
      `<action><host id="${host('prim-host-2')}"/></action>`,
    );
    expect(res.status).toBe(200);
    expect(await watchVm(sim, vm('finance-db'), 'up')).toEqual(['migrating', 'up']);
    await waitFor(() =>
      sim.state.vmByName('finance-db')?.hostId === host('prim-host-2') ? true : undefined,
    );
    expect(text((await getXml(sim, `vms/${vm('finance-db')}`)).vm, 'host.@id')).toBe(
      host('prim-host-2'),
    );
    expect(codes()).toEqual(expect.arrayContaining([62, 63]));
  });

  it('takes a host by name, or lets the scheduler pick another host of the cluster', async () => {
    const { vm, host } = ids(sim);
    expect(
      (
        await action(
          sim,
          `vms/${vm('finance-db')}/migrate`,
          '<action><host><name>prim-host-2</name></host></action>',
        )
      ).status,
    ).toBe(200);
    await watchVm(sim, vm('finance-db'), 'up');
    expect(sim.state.vmByName('finance-db')?.hostId).toBe(host('prim-host-2'));
    expect((await action(sim, `vms/${vm('finance-web')}/migrate`)).status).toBe(200);
    await watchVm(sim, vm('finance-web'), 'up');
    expect(sim.state.vmByName('finance-web')?.hostId).toBe(host('prim-host-1'));
  });

  it('fails with the engine texts', async () => {
    const { vm } = ids(sim);
    const pinned = await action(sim, `vms/${vm('license-server')}/migrate`);
    expect(pinned.status).toBe(409);
    expect(text(pinned.action, 'fault.detail')).toBe('[Cannot migrate VM. VM is pinned to Host.]');
    const down = await action(sim, `vms/${vm('finance-app')}/migrate`);
    expect(text(down.action, 'fault.detail')).toBe('[Cannot migrate VM. VM is not running.]');
    const unknown = await call(sim, 'POST', `vms/${vm('finance-db')}/migrate`, {
      body: '<action><host><name>nope</name></host></action>',
    });
    expect(unknown.status).toBe(404);
    expect(text(xml(unknown.body), 'fault.detail')).toBe('Entity not found: nope');
  });

  it('needs another up host: the scheduler reports none', async () => {
    const { vm, host } = ids(sim);
    const other = sim.state.hosts.get(host('prim-host-2'));
    if (other !== undefined) other.status = 'maintenance';
    const res = await action(sim, `vms/${vm('finance-db')}/migrate`);
    expect(res.status).toBe(400);
    expect(text(res.action, 'fault.detail')).toBe(
      '[There are no hosts to use. Check that the cluster contains at least one host in Up state.]',
    );
    const toDown = await action(
      sim,
      `vms/${vm('finance-db')}/migrate`,
      `<action><host id="${host('prim-host-2')}"/></action>`,
    );
    expect(text(toDown.action, 'fault.detail')).toBe(
      '[Cannot migrate VM. Operation can be performed only when Host status is Up.]',
    );
  });
});

describe('updates: PUT /vms/{id} and /cdroms/{id}', () => {
  it('stores payloads and high availability; start boots with the stored payload', async () => {
    const vmId = ids(sim).vm('finance-app');
    const put = await call(sim, 'PUT', `vms/${vmId}`, {
      body:
        '<vm><high_availability><enabled>true</enabled><priority>50</priority></high_availability>' +
        '<payloads><payload><type>cdrom</type><files><file><name>meta.json</name><content>{"role":"web"}</content></file></files></payload></payloads></vm>',
    });
    expect(put.status).toBe(200);
    const vm = xml(put.body).vm;
    expect(text(vm, 'high_availability.enabled')).toBe('true');
    expect(text(vm, 'payloads.payload.files.file.content')).toBe('{"role":"web"}');
    expect(codes()).toContain(35);
    await action(sim, `vms/${vmId}/start`);
    expect(sim.state.vms.get(vmId)?.runningPayloads[0]?.files[0]?.name).toBe('meta.json');
  });

  it('refuses a duplicate name', async () => {
    const res = await call(sim, 'PUT', `vms/${ids(sim).vm('finance-app')}`, {
      body: '<vm><name>finance-db</name></vm>',
    });
    expect(res.status).toBe(409);
    expect(text(xml(res.body), 'fault.detail')).toBe(
      '[Cannot edit VM. The VM name is already in use, please choose a unique name and try again.]',
    );
  });

  it('changes the CD-ROM persistently, or in the running VM with current=true', async () => {
    const { vm } = ids(sim);
    const cd = '00000000-0000-0000-0000-000000000000';
    const persistent = await call(sim, 'PUT', `vms/${vm('finance-app')}/cdroms/${cd}`, {
      body: '<cdrom><file id="rhel.iso"/></cdrom>',
    });
    expect(persistent.status).toBe(200);
    expect(text(xml(persistent.body), 'cdrom.file.@id')).toBe('rhel.iso');
    const notRunning = await call(
      sim,
      'PUT',
      `vms/${vm('finance-app')}/cdroms/${cd}?current=true`,
      {
        body: '<cdrom><file id="x.iso"/></cdrom>',
      },
    );
    expect(notRunning.status).toBe(409);
    expect(text(xml(notRunning.body), 'fault.detail')).toBe(
      '[Cannot Change CD VM because the VM is in Down status.]',
    );
    const live = await call(sim, 'PUT', `vms/${vm('finance-db')}/cdroms/${cd}?current=true`, {
      body: '<cdrom><file id="tools.iso"/></cdrom>',
    });
    expect(live.status).toBe(200);
    expect(
      text(
        await getXml(sim, `vms/${vm('finance-db')}/cdroms/${cd}?current=true`),
        'cdrom.file.@id',
      ),
    ).toBe('tools.iso');
    expect(
      text(await getXml(sim, `vms/${vm('finance-db')}/cdroms/${cd}`), 'cdrom.file.@id'),
    ).toBeUndefined();
  });
});
