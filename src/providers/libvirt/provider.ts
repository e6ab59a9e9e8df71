/**
 * The libvirt provider: one connection per host, virtwarden chooses every host. Observation is
 * one bulk list per host; per-domain definitions only for the details the planner asks for.
 */
import type { Desired, LibvirtSite } from '../../model/desired.js';
import type { GuestDetail, ObservedSite } from '../../model/observed.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, errorMessage } from '../../common/errors.js';
import {
  detailKey,
  type ActionContext,
  type ActionOutcome,
  type Check,
  type DetailRequest,
  type ObserveHints,
  type Provider,
  type ProviderOptions,
  type ProviderEvent,
} from '../provider.js';
import * as actions from './actions.js';
import { define } from './actions-define.js';
import * as storage from './actions-storage.js';
import { readGuestDetail } from './guest-details.js';
import { HostLink, type Connector } from './host-link.js';
import { HostMonitor } from './host-monitor.js';
import { markMigrationsInFlight } from './migration-pairs.js';
import { observeHost, observeHostDomain, type HostObservation } from './observe-host.js';
import { verifyStorage } from './verify-storage.js';

const bindingConnector: Connector = async (uri, keepalive) =>
  (await import('./binding-host-api.js')).connectHost(uri, keepalive);

const DEFAULT_OBSERVE_DEADLINE_MS = 1_500;

/** `VIRTWARDEN_OBSERVE_DEADLINE_MS`: how long an observation waits for one host. */
function observeDeadlineFrom(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.VIRTWARDEN_OBSERVE_DEADLINE_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000)
    throw new TerminalError(
      'bad-config',
      `VIRTWARDEN_OBSERVE_DEADLINE_MS must be a whole number of milliseconds from 100 to 600000, got '${raw}'`,
    );
  return ms;
}

/** What tests (and embedders) may change; the defaults are what the manifests get. */
export interface LibvirtTuning {
  /** Opens host connections (default: the native binding). */
  readonly connector?: Connector;
  /** An observation waits this long for a host at most, then reports it unreachable. */
  readonly observeDeadlineMs?: number;
}

export class LibvirtProvider implements Provider {
  readonly kind = 'libvirt' as const;
  readonly site: string;
  private readonly links: ReadonlyMap<string, HostLink>;
  private readonly graceSeconds: number;
  private readonly observeDeadlineMs: number;

  constructor(
    site: string,
    spec: LibvirtSite,
    options: ProviderOptions,
    tuning: LibvirtTuning = {},
  ) {
    this.site = site;
    this.graceSeconds = spec.hostLossGraceSeconds;
    this.observeDeadlineMs =
      tuning.observeDeadlineMs ?? observeDeadlineFrom(options.env) ?? DEFAULT_OBSERVE_DEADLINE_MS;
    const connector = tuning.connector ?? bindingConnector;
    this.links = new Map(
      spec.hosts.map((h) => [h.name, new HostLink(h, spec.keepalive, connector)]),
    );
  }

  /** The site's other hosts (pool refresh after a volume is created on shared storage). */
  others(host: string): string[] {
    return [...this.links.keys()].filter((h) => h !== host);
  }

  link(host: string | undefined): HostLink {
    const l = host === undefined ? undefined : this.links.get(host);
    if (!l)
      throw new TerminalError(
        'unknown-host',
        `host '${host ?? '(none)'}' is not in site '${this.site}'`,
      );
    return l;
  }

  /** Every host at once, each within the observation deadline: one frozen host delays none. */
  observe(hints?: ObserveHints): Promise<ObservedSite> {
    return this.observeEach((l) => observeHost(l, this.site, hints, this.observeDeadlineMs));
  }

  /** The hosts, and only `domainName`'s copies on them: one lookup per host. */
  observeGuest(domainName: string): Promise<ObservedSite> {
    return this.observeEach((l) =>
      observeHostDomain(l, this.site, domainName, this.observeDeadlineMs),
    );
  }

  /** One observation per host, in parallel, with migrations in flight marked: the site. */
  private async observeEach(
    one: (link: HostLink) => Promise<HostObservation>,
  ): Promise<ObservedSite> {
    const results = await markMigrationsInFlight(
      this.links,
      await Promise.all([...this.links.values()].map(one)),
    );
    return {
      name: this.site,
      kind: 'libvirt',
      reachable: results.some((r) => r.host.status === 'up'),
      hosts: new Map(results.map((r) => [r.host.name, r.host])),
      guests: results.flatMap((r) => r.guests),
    };
  }

  /** One read of each persistent definition (and of the running instance where needed). */
  async details(requests: readonly DetailRequest[]): Promise<ReadonlyMap<string, GuestDetail>> {
    const out = new Map<string, GuestDetail>();
    await Promise.all(
      requests.map(async (r) => {
        const detail = await readGuestDetail(this.link(r.host), r);
        if (detail) out.set(detailKey(r), detail);
      }),
    );
    return out;
  }

  async apply(action: Action, ctx: ActionContext): Promise<ActionOutcome> {
    const g = ctx.guest;
    switch (action.kind) {
      case 'define':
        return define(this, action, g, ctx.desired);
      case 'undefine':
        return actions.undefine(this, action, g);
      case 'start':
        return actions.start(this, action, g, ctx);
      case 'stop':
        return actions.stop(this, action, g, ctx);
      case 'disable-autostart':
        return actions.disableAutostart(this, action, g);
      case 'reboot':
      case 'reset':
        return actions.resetOrReboot(this, action, g);
      case 'migrate':
        return actions.migrate(this, action, g, ctx);
      case 'create-volume':
        return storage.createVolume(this, action);
      case 'attach-disk':
        return storage.attachDisk(this, action, g);
      case 'detach-disk':
        return storage.detachDisk(this, action, g, ctx);
      case 'update-disk':
        return storage.updateDisk(this, action, g);
      case 'delete-volume':
        return storage.deleteVolume(this, action);
      case 'relocate':
        throw new TerminalError('unsupported', 'relocations are planned as a stop and a start');
    }
  }

  async verify(desired: Desired): Promise<readonly Check[]> {
    const reachable = await Promise.all(
      [...this.links.values()].map(async (l): Promise<Check> => {
        const name = `host ${l.host.name} reachable`;
        try {
          const rows = await l.call('list domains', (api) => api.listDomains());
          return {
            name,
            ok: true,
            severity: 'error',
            message: `${l.host.uri}: ${rows.length} domains`,
          };
        } catch (err) {
          return {
            name,
            ok: false,
            severity: 'error',
            message: `${l.host.uri}: ${errorMessage(err)}`,
          };
        }
      }),
    );
    const up = new Map(
      [...this.links].filter(
        ([name]) => reachable.find((c) => c.name === `host ${name} reachable`)?.ok === true,
      ),
    );
    return [...reachable, ...(await verifyStorage(up, desired))];
  }

  /** Events of every host, host loss and return included (see HostMonitor). */
  async subscribe(listener: (event: ProviderEvent) => void): Promise<() => void> {
    const monitors = [...this.links.values()].map(
      (l) => new HostMonitor(l, this.site, this.graceSeconds, listener),
    );
    await Promise.all(monitors.map((m) => m.start()));
    return () => {
      for (const m of monitors) m.stop();
    };
  }

  /** A fresh connection answers within the observation deadline (see HostLink.probe). */
  async probeHost(host: string): Promise<boolean> {
    const l = this.links.get(host);
    return l ? l.probe(this.observeDeadlineMs) : false;
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}
