/**
 * The simulated infrastructure: an observation that the planner's actions change as a provider
 * would make them happen (a define leaves a stamped definition, a start a running guest, a live
 * migration moves it and undefines the source), and that scenario events break (a host that
 * dies stops answering and its guests with it; a guest crashes). Pure and in memory; `observed()`
 * is what the next reconcile sees.
 */
import type { Desired, Guest } from '../model/desired.js';
import type {
  Observed,
  ObservedGuest,
  ObservedHost,
  ObservedSite,
  Ownership,
} from '../model/observed.js';
import type { Action } from '../model/plan.js';
import { guestDefinition } from '../common/guest-definition.js';
import { guestUuid } from '../common/guest-identity.js';
import { effectivePlacement } from '../common/effective-placement.js';

interface SiteState {
  readonly base: ObservedSite;
  readonly hosts: Map<string, ObservedHost>;
  /** Every guest instance there, keyed `host/domain` (oVirt: `/domain`). */
  readonly guests: Map<string, ObservedGuest>;
  reachable: boolean;
  reason?: string;
}

const key = (host: string | undefined, domain: string): string => `${host ?? ''}/${domain}`;

export class World {
  private readonly sites = new Map<string, SiteState>();
  /** Domain ids of the starts made here (libvirt gives each run a new one). */
  private nextRunId = 100_000;

  constructor(observed: Observed) {
    for (const s of observed.sites.values()) {
      this.sites.set(s.name, {
        base: s,
        hosts: new Map(s.hosts),
        guests: new Map(s.guests.map((g) => [key(g.host, g.domainName), g])),
        reachable: s.reachable,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
      });
    }
  }

  clone(): World {
    const w = new World({ sites: new Map() });
    for (const [name, s] of this.sites) {
      w.sites.set(name, {
        base: s.base,
        hosts: new Map(s.hosts),
        guests: new Map(s.guests),
        reachable: s.reachable,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
      });
    }
    w.nextRunId = this.nextRunId;
    return w;
  }

  observed(): Observed {
    const sites = new Map<string, ObservedSite>();
    for (const [name, s] of this.sites) {
      const { reason: _r, ...base } = s.base;
      sites.set(name, {
        ...base,
        reachable: s.reachable,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        hosts: new Map(s.hosts),
        guests: [...s.guests.values()],
      });
    }
    return { sites };
  }

  siteOf(host: string): string | undefined {
    for (const [name, s] of this.sites) if (s.hosts.has(host)) return name;
    return undefined;
  }

  hostStatus(host: string): ObservedHost['status'] | undefined {
    for (const s of this.sites.values()) {
      const h = s.hosts.get(host);
      if (h) return h.status;
    }
    return undefined;
  }

  /** Where each domain runs, per site (one pass over the world, for the outcomes). */
  runningIndex(): ReadonlyMap<string, ReadonlyMap<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const [name, s] of this.sites) {
      const m = new Map<string, string>();
      for (const g of s.guests.values())
        if (g.active && g.state === 'ONLINE') m.set(g.domainName, g.host ?? name);
      out.set(name, m);
    }
    return out;
  }

  /** The guest's running instance, if any (at the sites it may be found at). */
  runningOn(
    desired: Desired,
    guest: Guest,
    index: ReadonlyMap<string, ReadonlyMap<string, string>> = this.runningIndex(),
  ): string | undefined {
    for (const site of effectivePlacement(desired, guest).sites) {
      const host = index.get(site)?.get(guest.domainName);
      if (host !== undefined) return host;
    }
    return undefined;
  }

  /** The host stops answering: unreachable, and what ran there is gone with it. */
  hostDies(host: string, reason: string): void {
    const site = this.sites.get(this.siteOf(host) ?? '');
    const h = site?.hosts.get(host);
    if (!site || !h) return;
    site.hosts.set(host, { name: h.name, site: h.site, status: 'unreachable', reason });
    for (const [k, g] of site.guests) if (g.host === host) site.guests.delete(k);
    if ([...site.hosts.values()].every((x) => x.status !== 'up')) {
      site.reachable = false;
      site.reason = reason;
    }
  }

  /** An engine site's engine stops answering (its guests cannot be seen). */
  engineLost(siteName: string, reason: string): void {
    const site = this.sites.get(siteName);
    if (!site) return;
    site.reachable = false;
    site.reason = reason;
    for (const [h, x] of site.hosts)
      site.hosts.set(h, { name: x.name, site: x.site, status: 'unreachable', reason });
    site.guests.clear();
  }

  /** The running guest crashes (libvirt: `shut off (crashed)`); false when it did not run. */
  crash(desired: Desired, guest: Guest): string | undefined {
    for (const site of effectivePlacement(desired, guest).sites) {
      const s = this.sites.get(site);
      for (const [k, g] of s?.guests ?? []) {
        if (g.domainName !== guest.domainName || !g.active || g.state !== 'ONLINE') continue;
        const { runId: _r, ...rest } = g;
        s?.guests.set(k, {
          ...rest,
          state: 'FAULTED',
          active: false,
          detail: s.base.kind === 'ovirt' ? 'down (crashed)' : 'shut off (crashed)',
          details: withoutLive(g.details),
          ...(s.base.kind === 'ovirt' ? {} : { host: g.host }),
        });
        return g.host ?? site;
      }
    }
    return undefined;
  }

  /** Carry out one planned action as the provider would; a note for what is not modelled. */
  apply(desired: Desired, a: Action): string | undefined {
    const guest = desired.guests.get(a.guest);
    const site = this.sites.get(a.site);
    if (!guest || !site) return `${a.id}: nothing to act on`;
    const domain = guest.domainName;
    const engine = site.base.kind === 'ovirt';
    const find = (host: string | undefined): [string, ObservedGuest] | undefined => {
      if (engine) {
        for (const [k, g] of site.guests) if (g.domainName === domain) return [k, g];
        return undefined;
      }
      const k = key(host, domain);
      const g = site.guests.get(k);
      return g ? [k, g] : undefined;
    };
    const fresh = (host: string | undefined): ObservedGuest => ({
      domainName: domain,
      uuid: guestUuid(guest),
      ...(host !== undefined && !engine ? { host } : {}),
      state: 'OFFLINE',
      confidence: 100,
      detail: engine ? 'down' : 'shut off (defined)',
      active: false,
      persistent: true,
      autostart: false,
      managedSave: false,
      details: { owner: owner(desired, guest) },
    });
    const put = (k: string, g: ObservedGuest): void => {
      site.guests.set(k, g);
    };
    switch (a.kind) {
      case 'define': {
        const found = find(a.host);
        const g = found?.[1] ?? fresh(a.host);
        const { drift: _d, ...details } = g.details ?? {};
        put(found?.[0] ?? key(a.host, domain), {
          ...g,
          persistent: true,
          details: { ...details, owner: owner(desired, guest) },
        });
        return undefined;
      }
      case 'undefine': {
        const found = find(a.host);
        if (!found) return undefined;
        if (found[1].active) put(found[0], { ...found[1], persistent: false });
        else site.guests.delete(found[0]);
        return undefined;
      }
      case 'start': {
        const found = find(a.host);
        const g = found?.[1] ?? fresh(a.host);
        const k = found?.[0] ?? key(engine ? undefined : a.host, domain);
        put(k, started(g, engine ? a.host : g.host, this.nextRunId++));
        return undefined;
      }
      case 'stop': {
        const found = find(a.host);
        if (!found) return undefined;
        const { runId: _r, host, ...rest } = found[1];
        put(found[0], {
          ...rest,
          ...(engine || host === undefined ? {} : { host }),
          state: 'OFFLINE',
          active: false,
          detail: engine
            ? 'down'
            : a.force === true
              ? 'shut off (destroyed)'
              : 'shut off (shutdown)',
          details: withoutLive(found[1].details),
        });
        return undefined;
      }
      case 'migrate':
      case 'relocate': {
        const found = find(a.host);
        if (!found || a.toHost === undefined) return `${a.id}: nothing to move`;
        const [k, g] = found;
        // libvirt's PERSIST_DEST | UNDEFINE_SOURCE: the guest and its definition move.
        site.guests.delete(k);
        const moved: ObservedGuest = { ...g, host: a.toHost, persistent: true };
        put(
          key(engine ? undefined : a.toHost, domain),
          a.kind === 'relocate' && g.active ? started(moved, a.toHost, this.nextRunId++) : moved,
        );
        return undefined;
      }
      case 'disable-autostart': {
        const found = find(a.host);
        if (found) put(found[0], { ...found[1], autostart: false });
        return undefined;
      }
      case 'create-volume':
      case 'attach-disk':
      case 'detach-disk':
      case 'update-disk':
      case 'delete-volume':
        return `${a.id}: storage actions are listed, not simulated`;
      case 'reboot':
      case 'reset':
        // The guest keeps running where it is (health ladder rungs); its health is not modelled.
        return `${a.id}: a ${a.kind} of a running guest, its health not simulated`;
    }
  }
}

function owner(desired: Desired, guest: Guest): Ownership {
  const def = guestDefinition(desired, guest);
  return {
    guest: guest.name,
    ...(def !== undefined ? { definitionHash: def.hash, baseHash: def.baseHash } : {}),
  };
}

function withoutLive(d: ObservedGuest['details']): NonNullable<ObservedGuest['details']> {
  const { liveBaseHash: _l, liveDisks: _d, ...rest } = d ?? {};
  return rest;
}

function started(g: ObservedGuest, host: string | undefined, runId: number): ObservedGuest {
  const base = g.details?.owner?.baseHash;
  return {
    ...g,
    ...(host !== undefined ? { host } : {}),
    state: 'ONLINE',
    confidence: 100,
    active: true,
    detail:
      g.host === undefined && host !== undefined && g.detail.startsWith('down')
        ? 'up'
        : 'running (booted)',
    runId,
    details: { ...(g.details ?? {}), ...(base !== undefined ? { liveBaseHash: base } : {}) },
  };
}
