import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { call, getXml, ids, list, pick, startTestSim, text, xml } from './helpers.js';

let sim: OvirtSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.stop();
});

/** Every attribute name used anywhere in an XML document. */
function attributeNames(body: string): Set<string> {
  const withoutDeclaration = body.replace(/^<\?xml[^>]*\?>/, '');
  return new Set([...withoutDeclaration.matchAll(/\s([a-z_]+)="/g)].map((m) => m[1] ?? ''));
}

describe('the API root', () => {
  it('lists collections with search links, product info, special objects, summary and time', async () => {
    const res = await call(sim, 'GET', '');
    const api = xml(res.body).api;
    const links = list(api, 'link').map((l) => `${String(l['@rel'])} ${String(l['@href'])}`);
    expect(links).toContain('vms /ovirt-engine/api/vms');
    expect(links).toContain('vms/search /ovirt-engine/api/vms?search={query}');
    expect(links).toContain('datacenters/search /ovirt-engine/api/datacenters?search={query}');
    expect(links).toContain(
      'events/search /ovirt-engine/api/events;from={event_id}?search={query}',
    );
    expect(text(api, 'product_info.name')).toBe('oVirt Engine');
    expect(text(api, 'product_info.version.major')).toBe('4');
    expect(text(api, 'special_objects.blank_template.@id')).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
    expect(text(api, 'summary.vms.total')).toBe(String(sim.state.vms.size));
    expect(text(api, 'time')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    expect(String(res.headers.link)).toContain(`<${sim.origin}/ovirt-engine/api/vms>; rel=vms`);
  });
});

describe('XML representations', () => {
  it('uses only id and href as attributes (rel on links), everything else as elements', async () => {
    for (const path of [
      'vms',
      'hosts',
      'clusters',
      'datacenters',
      'storagedomains',
      'events',
      'jobs',
    ]) {
      const res = await call(sim, 'GET', `${path}?follow=cluster`);
      expect(res.status).toBe(200);
      if (path !== 'jobs') expect(attributeNames(res.body).has('id')).toBe(true);
      expect(
        [...attributeNames(res.body)].filter((a) => !['href', 'id', 'rel'].includes(a)),
      ).toEqual([]);
    }
  });

  it('names collection roots like the engine', async () => {
    const roots = await Promise.all(
      ['vms', 'hosts', 'clusters', 'datacenters', 'storagedomains', 'events'].map(
        async (p) => Object.keys(xml((await call(sim, 'GET', p)).body))[0],
      ),
    );
    expect(roots).toEqual([
      'vms',
      'hosts',
      'clusters',
      'data_centers',
      'storage_domains',
      'events',
    ]);
  });

  it('renders a running VM with actions, display, host, cluster, template, HA and placement', async () => {
    const { vm: vmId, host: hostId } = ids(sim);
    const vm = (await getXml(sim, `vms/${vmId('finance-db')}`)).vm;
    expect(text(vm, '@href')).toBe(`/ovirt-engine/api/vms/${vmId('finance-db')}`);
    const actions = list(vm, 'actions.link').map((l) => String(l['@rel']));
    expect(actions).toEqual(
      expect.arrayContaining(['start', 'stop', 'shutdown', 'migrate', 'suspend']),
    );
    expect(list(vm, 'link').map((l) => String(l['@rel']))).toEqual([
      'cdroms',
      'diskattachments',
      'nics',
    ]);
    expect(text(vm, 'display.type')).toBe('spice');
    expect(text(vm, 'display.address')).toBe('prim-host-1.example.com');
    expect(text(vm, 'status')).toBe('up');
    expect(text(vm, 'host.@id')).toBe(hostId('prim-host-1'));
    expect(text(vm, 'cluster.@href')).toMatch(/^\/ovirt-engine\/api\/clusters\//);
    expect(text(vm, 'template.@id')).toBe('00000000-0000-0000-0000-000000000000');
    expect(text(vm, 'memory')).toBe(String(8 * 1024 ** 3));
    expect(text(vm, 'high_availability.enabled')).toBe('false');
    expect(text(vm, 'placement_policy.affinity')).toBe('migratable');
    expect(list(vm, 'os.boot.devices.device')).toEqual(['hd']);
  });

  it('shows <host> only while the VM runs', async () => {
    const vm = (await getXml(sim, `vms/${ids(sim).vm('finance-app')}`)).vm;
    expect(text(vm, 'status')).toBe('down');
    expect(pick(vm, 'host')).toBeUndefined();
    expect(text(vm, 'display.type')).toBe('spice');
  });

  it('404 with an empty body for an unknown id, 400 fault for a malformed one', async () => {
    const missing = await call(sim, 'GET', 'vms/123e4567-e89b-12d3-a456-426614174000');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('');
    const malformed = await call(sim, 'GET', 'vms/not-a-guid');
    expect(malformed.status).toBe(400);
    expect(text(xml(malformed.body), 'fault.reason')).toBe('Operation failed');
    expect(text(xml(malformed.body), 'fault.detail')).toBe('Invalid UUID string: not-a-guid');
    const badEvent = await call(sim, 'GET', 'events/abc');
    expect(text(xml(badEvent.body), 'fault.detail')).toBe('For input string: "abc"');
  });

  it('follows links inline (follow=nics,disk_attachments.disk,cdroms)', async () => {
    const vm = (
      await getXml(sim, `vms/${ids(sim).vm('finance-db')}?follow=nics,disk_attachments.disk,cdroms`)
    ).vm;
    expect(text(vm, 'nics.nic.name')).toBe('nic1');
    expect(text(vm, 'nics.nic.mac.address')).toMatch(/^56:6f:/);
    expect(text(vm, 'disk_attachments.disk_attachment.disk.name')).toBe('finance-db_boot');
    expect(text(vm, 'disk_attachments.disk_attachment.disk.provisioned_size')).toBe(
      String(40 * 1024 ** 3),
    );
    expect(text(vm, 'cdroms.cdrom.@id')).toBe('00000000-0000-0000-0000-000000000000');
    expect(list(vm, 'link')).toEqual([]);
  });

  it('serves the VM sub-collections', async () => {
    const vmId = ids(sim).vm('finance-db');
    expect(list((await getXml(sim, `vms/${vmId}/nics`)).nics, 'nic')).toHaveLength(1);
    expect(
      list((await getXml(sim, `vms/${vmId}/diskattachments`)).disk_attachments, 'disk_attachment'),
    ).toHaveLength(1);
    const cdrom = await getXml(sim, `vms/${vmId}/cdroms/00000000-0000-0000-0000-000000000000`);
    expect(text(cdrom, 'cdrom.vm.@id')).toBe(vmId);
  });

  it('includes payloads on a single VM always, on lists only with all_content', async () => {
    const vm = sim.state.vmByName('finance-web');
    if (vm === undefined) throw new Error('no finance-web');
    vm.payloads = [
      { type: 'cdrom', volumeId: undefined, files: [{ name: 'a.json', content: '{}' }] },
    ];
    expect(text(await getXml(sim, `vms/${vm.id}`), 'vm.payloads.payload.files.file.name')).toBe(
      'a.json',
    );
    const plain = list((await getXml(sim, 'vms?search=name%3Dfinance-web')).vms, 'vm')[0];
    expect(pick(plain, 'payloads')).toBeUndefined();
    const full = list(
      (await getXml(sim, 'vms?search=name%3Dfinance-web&all_content=true')).vms,
      'vm',
    )[0];
    expect(text(full, 'payloads.payload.type')).toBe('cdrom');
    vm.payloads = [];
  });
});

describe('JSON representations', () => {
  it('keys collections by the singular name, with numbers and booleans as strings and dates as numbers', async () => {
    const res = await call(sim, 'GET', 'vms', { json: true });
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body) as { vm: Record<string, unknown>[] };
    const db = body.vm.find((v) => v.name === 'finance-db');
    expect(db).toBeDefined();
    expect(db?.memory).toBe(String(8 * 1024 ** 3));
    expect(db?.stateless).toBe('false');
    expect(typeof db?.creation_time).toBe('number');
    expect(db?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pick(db, 'os.boot.devices.device')).toEqual(['hd']);
    expect(Array.isArray(pick(db, 'actions.link'))).toBe(true);
    expect(pick(db, 'cluster.href')).toMatch(/^\/ovirt-engine\/api\/clusters\//);
  });

  it('renders an empty collection as {} and data centers under data_center', async () => {
    expect(
      JSON.parse((await call(sim, 'GET', 'vms?search=name%3Dnobody', { json: true })).body),
    ).toEqual({});
    const dcs = JSON.parse((await call(sim, 'GET', 'datacenters', { json: true })).body) as Record<
      string,
      unknown
    >;
    expect(Object.keys(dcs)).toEqual(['data_center']);
  });
});
