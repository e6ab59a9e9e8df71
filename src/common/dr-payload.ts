/**
 * A DR guest's network personality at a site, as the files of the payload CD-ROM the guest reads
 * at boot: cloud-init NoCloud (network-config v2), the legacy key=value file of the agents we
 * replace, or both. Pure.
 */
import type { NetworkPersonality, PayloadFormat } from '../model/desired.js';

export interface PayloadFile {
  readonly name: string;
  readonly content: string;
}

function netmaskOf(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

function cloudInit(guest: string, site: string, n: NetworkPersonality): PayloadFile[] {
  const dev = n.device ?? 'eth0';
  const lines = [
    'version: 2',
    'ethernets:',
    `  ${dev}:`,
    `    addresses: [${n.address}]`,
    ...(n.gateway !== undefined ? [`    routes: [{ to: default, via: ${n.gateway} }]`] : []),
    '    nameservers:',
    `      addresses: [${n.dnsServers.join(', ')}]`,
    `      search: [${n.dnsSearch.join(', ')}]`,
  ];
  return [
    { name: 'meta-data', content: `instance-id: ${guest}-${site}\nlocal-hostname: ${guest}\n` },
    { name: 'network-config', content: lines.join('\n') + '\n' },
    { name: 'user-data', content: '#cloud-config\n' },
  ];
}

function legacy(n: NetworkPersonality): PayloadFile {
  const [ip = '', prefix = '24'] = n.address.split('/');
  const lines = [
    `DEVICE=${n.device ?? ''}`,
    `IPADDR=${ip}`,
    `NETMASK=${netmaskOf(Number(prefix))}`,
    `GATEWAY=${n.gateway ?? ''}`,
    `DNSSERVERS="${n.dnsServers.join(' ')}"`,
    `DNSSEARCHPATH="${n.dnsSearch.join(' ')}"`,
  ];
  return { name: 'dr-network.conf', content: lines.join('\n') + '\n' };
}

export function payloadFiles(
  guest: string,
  site: string,
  n: NetworkPersonality,
  format: PayloadFormat,
): PayloadFile[] {
  switch (format) {
    case 'cloud-init':
      return cloudInit(guest, site, n);
    case 'legacy':
      return [legacy(n)];
    case 'both':
      return [...cloudInit(guest, site, n), legacy(n)];
  }
}
