/** Small builders for desired and observed state in planner tests. */
import type { SourceSpan } from '../../../src/model/diagnostic.js';
import type { Desired, Guest, Service, Site, StorageMapping } from '../../../src/model/desired.js';
import type { GuestState } from '../../../src/model/guest-state.js';
import type {
  HostStatus,
  Observed,
  ObservedGuest,
  ObservedHost,
} from '../../../src/model/observed.js';
import { guestDefinition } from '../../../src/common/guest-definition.js';
import { guestUuid } from '../../../src/common/guest-identity.js';
import { defaultPolicy, type PlanPolicy } from '../../../src/reconcile/policy.js';

export const at: SourceSpan = { file: 'manifests/test.yaml', line: 1, col: 1 };

export function libvirtSite(name: string, hosts: readonly string[]): Site {
  return {
    name,
    at,
    provider: {
      kind: 'libvirt',
      hosts: hosts.map((h) => ({ name: h, uri: `test:///${h}`, maintenance: false, at })),
      keepalive: { intervalSeconds: 1, count: 3 },
      hostLossGraceSeconds: 15,
    },
  };
}

export function ovirtSite(name: string): Site {
  return {
    name,
    at,
    provider: {
      kind: 'ovirt',
      url: 'https://engine.example.com/ovirt-engine/api',
      user: 'admin@internal',
      passwordFrom: { env: 'PW' },
      insecure: false,
      cluster: 'C1',
      datacenter: 'DC1',
      manualFencing: true,
      pollIntervalSeconds: 2,
    },
  };
}

type GuestOverrides = Partial<Omit<Guest, 'placement'>> & {
  hosts?: readonly string[];
  autoStart?: readonly string[];
  failback?: boolean;
  xml?: string;
};

export function guest(name: string, o: GuestOverrides = {}): Guest {
  const hosts = o.hosts ?? ['kvm1', 'kvm2'];
  const { hosts: _h, autoStart, failback, xml, ...rest } = o;
  return {
    name,
    domainName: name,
    site: 'primary',
    state: 'running',
    definition: {
      path: `/m/guests/${name}.xml`,
      xml: xml ?? `<domain type='test'><name>${name}</name></domain>`,
    },
    placement: {
      hosts,
      autoStart: autoStart ?? hosts,
      failback: failback ?? false,
      failbackAfterSeconds: 300,
    },
    timing: { startGraceSeconds: 5, stopTimeoutSeconds: 30 },
    onFailure: { restart: { max: 2, withinSeconds: 600 }, then: 'failover' },
    migration: { live: true, timeoutSeconds: 300, maxDowntimeMs: 300, fallback: 'none' },
    dependsOn: [],
    maintenance: false,
    at,
    ...rest,
  };
}

export function desiredOf(p: {
  sites?: readonly Site[];
  guests: readonly Guest[];
  services?: readonly Service[];
  dr?: Desired['disasterRecovery'];
  storage?: readonly StorageMapping[];
}): Desired {
  const sites = p.sites ?? [libvirtSite('primary', ['kvm1', 'kvm2', 'kvm3'])];
  return {
    sites: new Map(sites.map((s) => [s.name, s])),
    guests: new Map(p.guests.map((g) => [g.name, g])),
    storage: new Map((p.storage ?? []).map((m) => [m.name, m])),
    disasterRecovery: p.dr ?? new Map(),
    services: new Map((p.services ?? []).map((s) => [s.name, s])),
  };
}

type InstanceOverrides = Partial<ObservedGuest> & { owned?: Guest | false; live?: string };

function instance(
  g: Guest,
  host: string,
  state: GuestState,
  detail: string,
  active: boolean,
  o: InstanceOverrides,
): ObservedGuest {
  const owner = o.owned ?? g;
  const base = owner === false ? g : owner;
  const def = guestDefinition(desiredOf({ guests: [base] }), base);
  const { owned: _o, live, ...rest } = o;
  return {
    domainName: g.domainName,
    uuid: guestUuid(g),
    host,
    state,
    confidence: 100,
    detail,
    active,
    persistent: true,
    autostart: false,
    managedSave: false,
    ...(owner === false
      ? { details: {} }
      : {
          details: {
            owner: {
              guest: owner.name,
              ...(def !== undefined ? { definitionHash: def.hash, baseHash: def.baseHash } : {}),
            },
            ...(active ? { liveBaseHash: live ?? def?.baseHash ?? '' } : {}),
          },
        }),
    ...rest,
  };
}

export const running = (g: Guest, host: string, o: InstanceOverrides = {}): ObservedGuest =>
  instance(g, host, 'ONLINE', 'running (booted)', true, o);
export const shutoff = (g: Guest, host: string, o: InstanceOverrides = {}): ObservedGuest =>
  instance(g, host, 'OFFLINE', 'shut off (destroyed)', false, o);
export const crashed = (g: Guest, host: string, o: InstanceOverrides = {}): ObservedGuest =>
  instance(g, host, 'FAULTED', 'shut off (crashed)', false, o);
export const pausedIoError = (g: Guest, host: string): ObservedGuest =>
  instance(g, host, 'FAULTED', 'paused (ioerror)', true, {});
export const pausedByUser = (g: Guest, host: string): ObservedGuest =>
  instance(g, host, 'INTENTIONAL_OFFLINE', 'paused (user)', true, {});

/** A guest defined (shut off) on every one of its placement hosts, and optionally running on one. */
export function definedEverywhere(g: Guest, runningOn?: string): ObservedGuest[] {
  return g.placement.hosts.map((h) => (h === runningOn ? running(g, h) : shutoff(g, h)));
}

export function observedOf(
  sites: Record<
    string,
    {
      hosts: Record<string, HostStatus>;
      guests?: readonly ObservedGuest[];
      kind?: 'libvirt' | 'ovirt';
      reachable?: boolean;
    }
  >,
): Observed {
  return {
    sites: new Map(
      Object.entries(sites).map(([name, s]) => [
        name,
        {
          name,
          kind: s.kind ?? 'libvirt',
          reachable: s.reachable ?? true,
          hosts: new Map<string, ObservedHost>(
            Object.entries(s.hosts).map(([h, status]) => [h, { name: h, site: name, status }]),
          ),
          guests: (s.guests ?? []).filter((g) => s.hosts[g.host ?? ''] !== 'unreachable'),
        },
      ]),
    ),
  };
}

export const UP3 = { kvm1: 'up', kvm2: 'up', kvm3: 'up' } as const;

export function policy(o: Partial<PlanPolicy> = {}): PlanPolicy {
  return { ...defaultPolicy(1_000_000_000), ...o };
}
