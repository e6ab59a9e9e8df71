import type { SimDataset } from './types.js';

/**
 * The default demo engine: the two-site layout of seed-facts.md §4 — one data center, one RHEV
 * cluster per site with two hosts each, a replicated data domain, and a few VMs.
 */
export function demoDataset(): SimDataset {
  return {
    dataCenters: [{ name: 'RHEV-DC', description: 'Two-site data center', version: '4.7' }],
    clusters: [
      { name: 'RHEV-PRIM-CLUS', dataCenter: 'RHEV-DC', description: 'Primary site' },
      { name: 'RHEV-SEC-CLUS', dataCenter: 'RHEV-DC', description: 'Secondary site' },
    ],
    hosts: [
      {
        name: 'prim-host-1',
        cluster: 'RHEV-PRIM-CLUS',
        address: 'prim-host-1.example.com',
        spm: { priority: 7 },
        powerManagement: {
          enabled: true,
          type: 'ipmilan',
          address: 'prim-host-1-ipmi.example.com',
        },
      },
      {
        name: 'prim-host-2',
        cluster: 'RHEV-PRIM-CLUS',
        address: 'prim-host-2.example.com',
        spm: { priority: 5 },
        powerManagement: {
          enabled: true,
          type: 'ipmilan',
          address: 'prim-host-2-ipmi.example.com',
        },
      },
      {
        name: 'sec-host-1',
        cluster: 'RHEV-SEC-CLUS',
        address: 'sec-host-1.example.com',
        spm: { priority: 5 },
        powerManagement: { enabled: true, type: 'ilo4', address: 'sec-host-1-ilo.example.com' },
      },
      {
        name: 'sec-host-2',
        cluster: 'RHEV-SEC-CLUS',
        address: 'sec-host-2.example.com',
        spm: { priority: 3 },
        powerManagement: { enabled: false },
      },
    ],
    storageDomains: [
      {
        name: 'rhev-data',
        type: 'data',
        master: true,
        dataCenters: ['RHEV-DC'],
        storage: {
          type: 'iscsi',
          address: 'array-prim.example.com',
          path: 'iqn.2001-05.com.example:rhev-data',
        },
        available: '1.5 TiB',
        used: '500 GiB',
        committed: '300 GiB',
      },
      {
        name: 'iso',
        type: 'iso',
        dataCenters: ['RHEV-DC'],
        storage: { type: 'nfs', address: 'nfs.example.com', path: '/exports/iso' },
        available: '200 GiB',
        used: '20 GiB',
        committed: '0',
      },
    ],
    vms: [
      {
        name: 'finance-db',
        cluster: 'RHEV-PRIM-CLUS',
        description: 'Finance database tier',
        memory: '8 GiB',
        cpu: { sockets: 2, cores: 2 },
        os: { type: 'rhel_8x64', boot: ['hd'] },
        status: 'up',
        host: 'prim-host-1',
        disks: [{ name: 'finance-db_boot', size: '40 GiB', storageDomain: 'rhev-data' }],
        nics: [{ name: 'nic1' }],
      },
      {
        name: 'finance-web',
        cluster: 'RHEV-PRIM-CLUS',
        description: 'Finance web tier',
        memory: '4 GiB',
        os: { type: 'rhel_8x64', boot: ['hd'] },
        status: 'up',
        host: 'prim-host-2',
        disks: [{ name: 'finance-web_boot', size: '20 GiB', storageDomain: 'rhev-data' }],
        nics: [{ name: 'nic1' }],
      },
      {
        name: 'finance-app',
        cluster: 'RHEV-PRIM-CLUS',
        description: 'Finance middleware tier',
        memory: '4 GiB',
        os: { type: 'rhel_8x64', boot: ['hd'] },
        highAvailability: { enabled: false, priority: 50 },
        disks: [{ name: 'finance-app_boot', size: '20 GiB', storageDomain: 'rhev-data' }],
        nics: [{ name: 'nic1' }],
      },
      {
        name: 'license-server',
        cluster: 'RHEV-PRIM-CLUS',
        description: 'Pinned to its host (node-locked licence)',
        memory: '2 GiB',
        os: { type: 'rhel_7x64', boot: ['hd'] },
        placement: { affinity: 'pinned', hosts: ['prim-host-1'] },
        status: 'up',
        host: 'prim-host-1',
        display: 'vnc',
        disks: [{ name: 'license-server_boot', size: '10 GiB', storageDomain: 'rhev-data' }],
      },
      {
        name: 'reports',
        cluster: 'RHEV-SEC-CLUS',
        description: 'Reporting VM at the secondary site',
        memory: '2 GiB',
        os: { type: 'rhel_8x64', boot: ['hd', 'network'] },
        disks: [{ name: 'reports_boot', size: '20 GiB', storageDomain: 'rhev-data' }],
        nics: [{ name: 'nic1' }],
      },
    ],
  };
}
