import { describe, expect, it } from '@jest/globals';
import { payloadFiles } from '../../src/common/dr-payload.js';

const n = {
  device: 'eth0',
  address: '10.20.0.21/22',
  gateway: '10.20.0.1',
  dnsServers: ['10.20.0.2', '10.20.0.3'],
  dnsSearch: ['dr.example.com'],
};

describe('DR network payload', () => {
  it('cloud-init NoCloud network-config v2 carries the address, route and DNS', () => {
    const files = payloadFiles('db1', 'secondary', n, 'cloud-init');
    expect(files.map((f) => f.name)).toEqual(['meta-data', 'network-config', 'user-data']);
    const net = files.find((f) => f.name === 'network-config')?.content ?? '';
    expect(net).toContain('version: 2');
    expect(net).toContain('addresses: [10.20.0.21/22]');
    expect(net).toContain('via: 10.20.0.1');
    expect(net).toContain('addresses: [10.20.0.2, 10.20.0.3]');
    expect(net).toContain('search: [dr.example.com]');
    expect(files[0]?.content).toContain('instance-id: db1-secondary');
  });

  it('the legacy file has the agents’ keys with a dotted netmask', () => {
    const [f] = payloadFiles('db1', 'secondary', n, 'legacy');
    expect(f?.content).toContain('IPADDR=10.20.0.21\nNETMASK=255.255.252.0\nGATEWAY=10.20.0.1');
    expect(f?.content).toContain('DNSSERVERS="10.20.0.2 10.20.0.3"');
  });

  it('both formats together', () => {
    expect(payloadFiles('db1', 's', n, 'both').map((f) => f.name)).toEqual([
      'meta-data',
      'network-config',
      'user-data',
      'dr-network.conf',
    ]);
  });
});
