/**
 * Observation fan-out: every site's provider observes in parallel (bulk: one list per host or
 * engine), then the per-guest details the planner needs (ownership, definition hashes) are
 * read only for the domains of managed guests — and not at all when a cache (kept by `watch`,
 * invalidated by events) already holds them for the same domain run.
 */
import type { Desired } from '../model/desired.js';
import type { GuestDetail, Observed, ObservedGuest, ObservedSite } from '../model/observed.js';
import { errorMessage } from '../common/errors.js';
import { detailKey, type DetailRequest, type Provider } from '../providers/provider.js';

/** Remembers details per domain run (uuid + libvirt domain id); `watch` drops entries on events. */
export class DetailCache {
  private readonly entries = new Map<string, { stamp: string; detail: GuestDetail }>();

  private static stamp(g: ObservedGuest): string {
    return `${g.uuid ?? ''}#${g.active ? String(g.runId ?? '') : 'off'}`;
  }

  get(site: string, g: ObservedGuest): GuestDetail | undefined {
    const e = this.entries.get(`${site}/${detailKey(request(g))}`);
    return e?.stamp === DetailCache.stamp(g) ? e.detail : undefined;
  }

  set(site: string, g: ObservedGuest, detail: GuestDetail): void {
    this.entries.set(`${site}/${detailKey(request(g))}`, { stamp: DetailCache.stamp(g), detail });
  }

  /** Forget a domain (it was redefined or undefined), or a whole host. */
  invalidate(site: string, host: string | undefined, domainName?: string): void {
    const prefix = `${site}/${host ?? ''}/`;
    for (const key of this.entries.keys()) {
      if (domainName === undefined ? key.startsWith(prefix) : key === prefix + domainName) {
        this.entries.delete(key);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function request(g: ObservedGuest): DetailRequest {
  return {
    domainName: g.domainName,
    active: g.active,
    ...(g.host !== undefined ? { host: g.host } : {}),
  };
}

function unreachableSite(p: Provider, desired: Desired, reason: string): ObservedSite {
  const site = desired.sites.get(p.site);
  const hosts = site?.provider.kind === 'libvirt' ? site.provider.hosts.map((h) => h.name) : [];
  return {
    name: p.site,
    kind: p.kind,
    reachable: false,
    reason,
    hosts: new Map(hosts.map((h) => [h, { name: h, site: p.site, status: 'unreachable', reason }])),
    guests: [],
  };
}

/** Observe every site at once. A provider that throws is reported as unreachable, never as empty. */
export async function observeSites(
  desired: Desired,
  providers: Iterable<Provider>,
): Promise<Observed> {
  const list = [...providers];
  const sites = await Promise.all(
    list.map((p) =>
      p.observe().catch((err: unknown) => unreachableSite(p, desired, errorMessage(err))),
    ),
  );
  return { sites: new Map(sites.map((s) => [s.name, s])) };
}

/** The domains whose details the planner needs: those of managed guests, on every host. */
export function detailRequests(desired: Desired, site: ObservedSite): ObservedGuest[] {
  if (site.kind !== 'libvirt') return [];
  const managed = new Set([...desired.guests.values()].map((g) => g.domainName));
  return site.guests.filter((g) => managed.has(g.domainName));
}

/** Observation with details filled in for every managed domain (from the cache where valid). */
export async function observeWithDetails(
  desired: Desired,
  providers: ReadonlyMap<string, Provider>,
  cache?: DetailCache,
): Promise<Observed> {
  const observed = await observeSites(desired, providers.values());
  const sites = await Promise.all(
    [...observed.sites.values()].map(async (site): Promise<ObservedSite> => {
      const wanted = detailRequests(desired, site);
      const missing = wanted.filter((g) => cache?.get(site.name, g) === undefined);
      const provider = providers.get(site.name);
      let fetched: ReadonlyMap<string, GuestDetail> = new Map();
      if (missing.length > 0 && provider) {
        fetched = await provider.details(missing.map(request)).catch(() => new Map());
      }
      const guests = site.guests.map((g) => {
        const detail = cache?.get(site.name, g) ?? fetched.get(detailKey(request(g)));
        if (detail === undefined) return g;
        cache?.set(site.name, g, detail);
        return { ...g, details: detail };
      });
      return { ...site, guests };
    }),
  );
  return { sites: new Map(sites.map((s) => [s.name, s])) };
}
