/** IP addresses and subnets, as network personalities write them. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** The family of a plain address (no zone index, no prefix), or undefined. */
export function ipFamily(address: string): IpFamily | undefined {
  if (isIPv4(address)) return 'ipv4';
  if (!address.includes('%') && isIPv6(address)) return 'ipv6';
  return undefined;
}

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** `192.168.74.21/22` → its parts, or a reason it is not a host address with prefix. */
export function parseCidr(text: string): Cidr | { readonly error: string } {
  const slash = text.indexOf('/');
  if (slash < 0) return { error: 'the prefix length is missing (e.g. /24)' };
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = ipFamily(address);
  if (family === undefined) return { error: `'${address}' is not an IP address` };
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) < 1 || Number(prefixText) > max) {
    return { error: `the prefix length must be a number from 1 to ${max}` };
  }
  const prefix = Number(prefixText);
  if (family === 'ipv4' && prefix <= 30) {
    const host = ipv4Number(address) % 2 ** (32 - prefix);
    if (host === 0) return { error: 'it is the network address of its subnet, not a host' };
    if (host === 2 ** (32 - prefix) - 1)
      return { error: 'it is the broadcast address of its subnet' };
  }
  return { address, prefix, family };
}

/** Is `address` inside the subnet of `cidr`? */
export function inSubnet(cidr: Cidr, address: string): boolean {
  const list = new BlockList();
  list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return list.check(address, cidr.family);
}
