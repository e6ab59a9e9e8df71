/**
 * A libvirt provider on lab hosts, loaded from real manifests, for the provider-level lab tests
 * (libvirt-*.test.ts): write the guests and mappings, load, and run actions through the provider
 * exactly as the executor does.
 */
import type { Lab } from '../lab/index.js';
import type { Desired } from '../../src/model/desired.js';
import type { Action, ActionKind, DiskChange } from '../../src/model/plan.js';
import type { ActionOutcome } from '../../src/providers/provider.js';
import { LibvirtProvider } from '../../src/providers/libvirt/provider.js';
import type { Connector } from '../../src/providers/libvirt/host-link.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

export interface SiteOptions {
  readonly keepalive?: { readonly intervalSeconds: number; readonly count: number };
  readonly hostLossGraceSeconds?: number;
  /** The lab hosts in the site (default: all). */
  readonly hosts?: readonly string[];
}

export function siteYaml(lab: Lab, o: SiteOptions = {}): string {
  const k = o.keepalive ?? { intervalSeconds: 1, count: 2 };
  const hosts = lab.hosts
    .filter((h) => o.hosts === undefined || o.hosts.includes(h.name))
    .map((h) => `      - { name: ${h.name}, uri: "${h.qemuUri}" }`)
    .join('\n');
  return `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    keepalive: { intervalSeconds: ${k.intervalSeconds}, count: ${k.count} }
    hostLossGraceSeconds: ${o.hostLossGraceSeconds ?? 15}
    hosts:
${hosts}
`;
}

export function guestYaml(name: string, hosts: readonly string[]): string {
  return `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: ${name} }
spec:
  site: lab
  definition: { file: guests/${name}.xml }
  placement: { hosts: [${hosts.join(', ')}] }
  timing: { stopTimeoutSeconds: 1 }
`;
}

export interface LabSite {
  readonly md: ManifestDir;
  desired: Desired;
  provider: LibvirtProvider;
  /** Re-load the manifests (after md.write) and open a new provider on them. */
  reload(connector?: Connector): Promise<void>;
  /** Run one action through the provider, as the executor would. */
  act(
    kind: ActionKind,
    guest: string,
    host: string,
    extra?: { disk?: DiskChange; force?: boolean; restart?: boolean },
  ): Promise<ActionOutcome>;
  close(): Promise<void>;
}

export async function labSite(
  lab: Lab,
  files: Record<string, string>,
  o: SiteOptions & { connector?: Connector; observeDeadlineMs?: number } = {},
): Promise<LabSite> {
  const md = await manifestDir({ 'site.yaml': siteYaml(lab, o), ...files });
  const open = async (connector?: Connector): Promise<[Desired, LibvirtProvider]> => {
    const desired = await md.load();
    const site = desired.sites.get('lab');
    if (site?.provider.kind !== 'libvirt') throw new Error('no libvirt site');
    const options = { env: {}, manifestDir: md.dir };
    const provider = new LibvirtProvider('lab', site.provider, options, {
      ...(connector ? { connector } : {}),
      ...(o.observeDeadlineMs !== undefined ? { observeDeadlineMs: o.observeDeadlineMs } : {}),
    });
    return [desired, provider];
  };
  const [desired, provider] = await open(o.connector);
  const s: LabSite = {
    md,
    desired,
    provider,
    async reload(connector) {
      await s.provider.close();
      [s.desired, s.provider] = await open(connector ?? o.connector);
    },
    act(kind, guest, host, extra = {}) {
      const g = s.desired.guests.get(guest);
      if (!g) throw new Error(`no guest ${guest}`);
      const action: Action = {
        id: `${kind}:${guest}@${host}`,
        kind,
        guest,
        address: `guest/${guest}@${host}`,
        site: 'lab',
        host,
        reason: 'not-defined',
        why: 'test',
        dependsOn: [],
        ...extra,
      };
      return s.provider.apply(action, {
        desired: s.desired,
        guest: g,
        signal: new AbortController().signal,
        progress: () => undefined,
      });
    },
    async close() {
      await s.provider.close();
      await md.remove();
    },
  };
  return s;
}

/** Calls the provider made per host and method, and the most in flight at once per host. */
export interface CallLog {
  readonly calls: Map<string, number>;
  readonly inFlight: Map<string, number>;
  readonly maxInFlight: Map<string, number>;
  count(host: string, method?: string): number;
  reset(): void;
}

/** The binding's connector, wrapped to count every HostApi call (by host URI → host name). */
export function countingConnector(hostOfUri: (uri: string) => string): {
  connector: Connector;
  log: CallLog;
} {
  const calls = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, d: number): number => {
    const v = (m.get(k) ?? 0) + d;
    m.set(k, v);
    return v;
  };
  const track = <T>(host: string, method: string, p: Promise<T>): Promise<T> => {
    bump(calls, `${host}.${method}`, 1);
    const now = bump(inFlight, host, 1);
    if (now > (maxInFlight.get(host) ?? 0)) maxInFlight.set(host, now);
    return p.finally(() => bump(inFlight, host, -1));
  };
  const connector: Connector = async (uri, keepalive) => {
    const host = hostOfUri(uri);
    const { connectHost } = await import('../../src/providers/libvirt/binding-host-api.js');
    const api = await track(host, 'connect', connectHost(uri, keepalive));
    return new Proxy(api, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || prop === 'isAlive' || typeof prop !== 'string') return v;
        return (...args: unknown[]): unknown => {
          const r: unknown = (v as (...a: unknown[]) => unknown).apply(target, args);
          return r instanceof Promise ? track(host, prop, r) : r;
        };
      },
    });
  };
  return {
    connector,
    log: {
      calls,
      inFlight,
      maxInFlight,
      count: (host, method) =>
        [...calls]
          .filter(([k]) =>
            method === undefined ? k.startsWith(`${host}.`) : k === `${host}.${method}`,
          )
          .reduce((n, [, v]) => n + v, 0),
      reset: () => {
        calls.clear();
        maxInFlight.clear();
        for (const [k, v] of inFlight) maxInFlight.set(k, v);
      },
    },
  };
}
