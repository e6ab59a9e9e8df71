/** Fleets for the simulation tests: the planner test builders, with fence commands and DR. */
import type { Desired, Site } from '../../../src/model/desired.js';
import type { Fleet } from '../../../src/simulate/run.js';
import type { SimStep } from '../../../src/simulate/run.js';
import {
  at,
  desiredOf,
  guest,
  libvirtSite,
  observedOf,
  policy,
  running,
  shutoff,
} from '../reconcile/builders.js';

export { desiredOf, guest, libvirtSite, observedOf, policy, running, shutoff };

/** A libvirt site whose hosts have fence commands. */
export function fencedSite(name: string, hosts: readonly string[]): Site {
  const site = libvirtSite(name, hosts);
  if (site.provider.kind !== 'libvirt') return site;
  return {
    ...site,
    provider: {
      ...site.provider,
      hosts: site.provider.hosts.map((h) => ({
        ...h,
        fence: {
          off: { argv: ['fence_ipmilan', `--ip=${h.name}`, '--action=off'], timeoutSeconds: 30 },
        },
      })),
    },
  };
}

export function drPlan(
  active: string,
  guests: readonly string[],
  replication = false,
): Desired['disasterRecovery'] {
  return new Map([
    [
      'finance',
      {
        name: 'finance',
        sites: ['primary', 'secondary'] as const,
        activeSite: active,
        guests: guests.map((g) => ({
          guest: g,
          at,
          network: {
            primary: { address: '192.168.1.10/24', dnsServers: [], dnsSearch: [] },
            secondary: { address: '10.0.0.10/24', dnsServers: [], dnsSearch: [] },
          },
        })),
        replication: replication
          ? [
              {
                name: 'lun-group',
                status: { argv: ['status'], timeoutSeconds: 5 },
                promote: { argv: ['promote'], timeoutSeconds: 5 },
                demote: { argv: ['demote'], timeoutSeconds: 5 },
              },
            ]
          : [],
        payload: 'cloud-init' as const,
        at,
      },
    ],
  ]);
}

export function fleetOf(desired: Desired, observed: Fleet['observed']): Fleet {
  return { desired, observed, policy: policy() };
}

/** A step as one short line: `15 start guest/db1@kvm2 host-lost`, `0 hold db1 waiting-for-fencing`. */
export function compact(s: SimStep): string {
  if (s.action) {
    const to = s.action.toHost !== undefined ? ` → ${s.action.toHost}` : '';
    return `${String(s.at)} ${s.action.kind} ${s.action.address}${to} ${s.action.reason}`;
  }
  if (s.kind === 'hold') return `${String(s.at)} hold ${s.guest ?? ''} ${s.hold ?? ''}`;
  if (s.kind === 'crash') return `${String(s.at)} crash ${s.guest ?? ''}@${s.host ?? ''}`;
  if (s.kind === 'event') return `${String(s.at)} event ${s.text}`;
  return `${String(s.at)} ${s.kind} ${s.host ?? s.guest ?? ''}`;
}
