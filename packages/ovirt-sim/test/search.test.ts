import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { call, getXml, list, startTestSim, text, xml } from './helpers.js';

let sim: OvirtSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.stop();
});

async function names(path: string, root: string, item: string): Promise<string[]> {
  return list((await getXml(sim, path))[root], item).map((e) => String(e.name));
}

const vms = (query: string) => names(`vms?${query}`, 'vms', 'vm');

describe('collection search (SearchQuery)', () => {
  it('lists by name ascending by default', async () => {
    expect(await vms('')).toEqual([
      'finance-app',
      'finance-db',
      'finance-web',
      'license-server',
      'reports',
    ]);
  });

  it('matches name=x exactly and name=x* as a wildcard', async () => {
    expect(await vms('search=name%3Dfinance-db')).toEqual(['finance-db']);
    expect(await vms(`search=${encodeURIComponent('name=finance-*')}`)).toEqual([
      'finance-app',
      'finance-db',
      'finance-web',
    ]);
    expect(await vms(`search=${encodeURIComponent('name=*server')}`)).toEqual(['license-server']);
  });

  it('is case-insensitive unless case_sensitive=true', async () => {
    expect(await vms(`search=${encodeURIComponent('name=FINANCE-DB')}`)).toEqual(['finance-db']);
    expect(
      await vms(`search=${encodeURIComponent('name=FINANCE-DB')}&case_sensitive=true`),
    ).toEqual([]);
  });

  it('filters by status, cluster and host, joined with and', async () => {
    expect(await vms('search=status%3Dup')).toEqual([
      'finance-db',
      'finance-web',
      'license-server',
    ]);
    expect(await vms(`search=${encodeURIComponent('cluster=RHEV-SEC-CLUS')}`)).toEqual(['reports']);
    expect(await vms(`search=${encodeURIComponent('status=up and host=prim-host-1')}`)).toEqual([
      'finance-db',
      'license-server',
    ]);
    expect(await vms(`search=${encodeURIComponent('status=down or name=finance-db')}`)).toEqual([
      'finance-app',
      'finance-db',
      'reports',
    ]);
  });

  it('sorts, pages and limits', async () => {
    expect(await vms(`search=${encodeURIComponent('sortby name desc')}`)).toEqual([
      'reports',
      'license-server',
      'finance-web',
      'finance-db',
      'finance-app',
    ]);
    expect(await vms(`search=${encodeURIComponent('sortby name asc page 2')}&max=2`)).toEqual([
      'finance-web',
      'license-server',
    ]);
    expect(await vms('max=1')).toEqual(['finance-app']);
  });

  it('searches hosts, clusters, data centers and storage domains', async () => {
    expect(
      await names(`hosts?search=${encodeURIComponent('cluster=RHEV-PRIM-CLUS')}`, 'hosts', 'host'),
    ).toEqual(['prim-host-1', 'prim-host-2']);
    expect(
      await names(`clusters?search=${encodeURIComponent('name=*SEC*')}`, 'clusters', 'cluster'),
    ).toEqual(['RHEV-SEC-CLUS']);
    expect(await names('datacenters?search=status%3Dup', 'data_centers', 'data_center')).toEqual([
      'RHEV-DC',
    ]);
    expect(
      await names('storagedomains?search=type%3Diso', 'storage_domains', 'storage_domain'),
    ).toEqual(['iso']);
  });

  it('rejects a malformed query with a 400 fault', async () => {
    const res = await call(sim, 'GET', `vms?search=${encodeURIComponent('name=')}`);
    expect(res.status).toBe(400);
    expect(text(xml(res.body), 'fault.reason')).toBe('Operation Failed');
    expect(text(xml(res.body), 'fault.detail')).toBe('INVALID_CONDITION_VALUE');
    const unknown = await call(sim, 'GET', `vms?search=${encodeURIComponent('colour=blue')}`);
    expect(unknown.status).toBe(400);
  });
});
